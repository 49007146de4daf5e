/** The one way a use case changes an application: read, change, write on the version read. */

import type { Case } from '#domain/case';
import type { AssistancePlan, Household } from '#domain/household';
import { assertAllowedTransition } from '#domain/stages';
import type { Notification } from '#notify/messages';
import { ConflictError } from '#store/store';
import type { CaseContext } from '../context.ts';

/** The messages a change causes, from what it writes: written in the same transaction. */
export type Tell = (written: Case) => Notification[] | Promise<Notification[]>;

/**
 * Read, change, write on the version read; on a concurrent change read again. `change` returns
 * undefined when there is nothing to do (and nobody is told anything).
 */
export async function updateWithRetry(
  ctx: CaseContext,
  applicationId: string,
  change: (current: Case) => Case | undefined,
  audit: { action: string; by?: string; detail?: Record<string, unknown> },
  tell?: Tell,
): Promise<Case | undefined> {
  return updateWithRecords(
    ctx,
    applicationId,
    async (current) => {
      const next = change(current);
      return next && { next };
    },
    audit,
    tell,
  );
}

/** What a change writes besides the application: the household and a plan, in the same transaction. */
export interface CaseRecords {
  next: Case;
  household?: { previous?: Household; next: Household };
  plan?: { previous?: AssistancePlan; next: AssistancePlan };
}

/**
 * `updateWithRetry` for a change that also writes the household (activation, elimination): the
 * records are read again on every attempt, so a concurrent change to any of them is retried.
 */
export async function updateWithRecords(
  ctx: CaseContext,
  applicationId: string,
  change: (current: Case) => Promise<CaseRecords | undefined>,
  audit: { action: string; by?: string; detail?: Record<string, unknown> },
  tell?: Tell,
): Promise<Case | undefined> {
  for (let attempt = 0; ; attempt++) {
    const current = await ctx.store.getApplication(applicationId);
    if (!current) throw new Error(`application ${applicationId} not found`);
    const records = await change(current);
    if (!records) return current;
    const at = ctx.clock.nowIso();
    const written = { ...records.next, version: current.version + 1, updatedAt: at };
    assertAllowedTransition(current.stage, written.stage, applicationId);
    try {
      await ctx.store.updateApplication(current, {
        next: written,
        audit: { action: audit.action, by: audit.by ?? 'system', at, detail: audit.detail },
        household: records.household,
        plan: records.plan,
        messages: tell ? await tell(written) : undefined,
      });
      return written;
    } catch (error) {
      if (error instanceof ConflictError && error.reason === 'VERSION' && attempt < 8) continue;
      throw error;
    }
  }
}
