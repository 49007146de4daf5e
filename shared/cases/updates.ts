/** The one way a use case changes an application: read, change, write on the version read. */
import { nowIso } from '#runtime/clock';
import type { Application } from '#store/model';
import { ConflictError } from '#store/store';
import type { CaseContext } from './context.ts';

/**
 * Read, change, write on the version read; on a concurrent change read again. `change` returns
 * undefined when there is nothing to do.
 */
export async function updateWithRetry(
  ctx: CaseContext,
  applicationId: string,
  change: (current: Application) => Application | undefined,
  audit: { action: string; by?: string; detail?: Record<string, unknown> },
): Promise<Application | undefined> {
  for (let attempt = 0; ; attempt++) {
    const current = await ctx.store.getApplication(applicationId);
    if (!current) throw new Error(`application ${applicationId} not found`);
    const next = change(current);
    if (!next) return current;
    const at = nowIso();
    const written = { ...next, version: current.version + 1, updatedAt: at };
    try {
      await ctx.store.updateApplication(current, {
        next: written,
        audit: { action: audit.action, by: audit.by ?? 'system', at, detail: audit.detail },
      });
      return written;
    } catch (error) {
      if (error instanceof ConflictError && error.reason === 'VERSION' && attempt < 8) continue;
      throw error;
    }
  }
}
