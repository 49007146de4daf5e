/**
 * What staff read about applications: one by id, its audit trail, a village's list. A person reads
 * only the villages one of their roles covers, by id as in the lists.
 */

import type { Person } from '#domain/directory';
import { covers } from '#domain/scope';
import type { Stage } from '#domain/stages';
import type { CaseContext } from '../context.ts';
import { CaseError } from '../errors.ts';
import { applicationView } from './views.ts';

async function readable(ctx: CaseContext, caller: Person, id: string) {
  const app = await ctx.store.getApplication(id);
  if (!app) throw new CaseError('NOT_FOUND', '申请不存在');
  if (!covers(caller, app.village)) throw new CaseError('FORBIDDEN', '无权查看此村的申请');
  return app;
}

export async function readApplication(ctx: CaseContext, caller: Person, id: string) {
  return applicationView(await readable(ctx, caller, id));
}

/** 审核记录: every audit entry of the application, oldest first. */
export async function readApplicationAudit(ctx: CaseContext, caller: Person, id: string) {
  const audit = await ctx.store.listAudit(await readable(ctx, caller, id));
  return { items: audit.sort((a, b) => a.at.localeCompare(b.at)) };
}

export async function listVillageApplications(
  ctx: CaseContext,
  caller: Person,
  village: string,
  stage?: Stage,
) {
  if (!covers(caller, village)) throw new CaseError('FORBIDDEN', '无权查看此村的申请');
  const items = await ctx.store.listApplications(village, stage);
  return { items: items.map(applicationView) };
}
