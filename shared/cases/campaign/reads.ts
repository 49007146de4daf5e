/**
 * What staff read of a township's 集中排查: who they are, its campaigns and application pipeline, a
 * ledger line, an export, the ledger's pages. A read by id checks scope as the lists do: the township
 * and the district read the whole ledger and its exports, a village only its own lines.
 */

import type { z } from 'zod';
import { businessDate } from '#domain/calendar';
import type { Campaign, Problem } from '#domain/campaign';
import type { Directory, Person } from '#domain/directory';
import { covers, reaches, TOWNSHIP_AND_ABOVE } from '#domain/scope';
import { STAGES } from '#domain/stages';
import type { problemQuery } from '#schemas/campaign';
import { InvalidCursor } from '#store/store';
import type { CaseContext } from '../context.ts';
import { CaseError, validationFailed } from '../errors.ts';
import { campaignView, mustGetCampaign, problemView } from './campaigns.ts';
import { exportView } from './exports.ts';

/** The caller works in or above the township: they see its campaigns. */
export function mustReach(caller: Person, township: string): void {
  if (!reaches(caller, township)) throw new CaseError('FORBIDDEN', '无权查看此乡镇的排查');
}

/** `GET /me`: the caller and the township the console opens on. */
export function whoAmI(caller: Person, directory: Directory) {
  const scoped = caller.roles.map((r) => r.scope).find((scope) => scope.length >= 9);
  return {
    personId: caller.personId,
    name: caller.name,
    roles: caller.roles,
    township: scoped ? scoped.slice(0, 9) : directory.township.code,
  };
}

export async function listTownshipCampaigns(ctx: CaseContext, caller: Person, township: string) {
  mustReach(caller, township);
  return { items: (await ctx.store.listCampaigns(township)).map((c) => campaignView(ctx, c)) };
}

/** The township's applications counted by stage and village. */
export async function townshipPipeline(
  ctx: CaseContext,
  caller: Person,
  directory: Directory,
  township: string,
) {
  mustReach(caller, township);
  const villages = directory.villages.filter((v) => v.code.startsWith(township));
  const rows = await Promise.all(
    villages.map(async (v) => {
      const stages = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<string, number>;
      for (const app of await ctx.store.listApplications(v.code))
        stages[app.stage] = (stages[app.stage] ?? 0) + 1;
      return { village: v.code, name: v.name, stages };
    }),
  );
  return { township, villages: rows };
}

export async function readCampaign(ctx: CaseContext, caller: Person, campaignId: string): Promise<Campaign> {
  const campaign = await mustGetCampaign(ctx, campaignId);
  mustReach(caller, campaign.township);
  return campaign;
}

export async function readExport(ctx: CaseContext, caller: Person, exportId: string) {
  const job = await ctx.store.getExport(exportId);
  if (!job) throw new CaseError('NOT_FOUND', '导出不存在');
  const township = job.campaignId.slice(0, 9);
  mustReach(caller, township);
  if (!covers(caller, township, TOWNSHIP_AND_ABOVE))
    throw new CaseError('FORBIDDEN', '仅乡镇及以上人员可查看导出');
  return exportView(ctx, job);
}

/** A ledger line the caller may read and act on: the township's staff, or the line's own unit. */
export async function readProblem(ctx: CaseContext, caller: Person, problemId: string): Promise<Problem> {
  const problem = await ctx.store.getProblem(problemId);
  if (!problem) throw new CaseError('NOT_FOUND', '问题不存在');
  const township = problem.campaignId.slice(0, 9);
  mustReach(caller, township);
  if (!covers(caller, township, TOWNSHIP_AND_ABOVE) && !covers(caller, problem.unit))
    throw new CaseError('FORBIDDEN', '无权查看此村的问题');
  return problem;
}

/** 问题整改台账 by page: the township and the district read it whole, a village its own lines. */
export async function listCampaignProblems(
  ctx: CaseContext,
  caller: Person,
  campaign: Campaign,
  q: z.output<typeof problemQuery>,
) {
  const whole = covers(caller, campaign.township, TOWNSHIP_AND_ABOVE);
  const own = caller.roles.map((r) => r.scope).find((scope) => scope.startsWith(campaign.township));
  if (!whole && q.unit && !q.unit.startsWith(own ?? '-'))
    throw new CaseError('FORBIDDEN', '无权查看此村的问题');
  const page = await ctx.store
    .listProblems(
      campaign.campaignId,
      {
        status: q.overdue ? ['OPEN', 'IN_PROGRESS'] : q.status?.split(','),
        category: q.category,
        unit: whole ? q.unit : (q.unit ?? own),
        kind: q.kind,
        deadlineBefore: q.overdue ? businessDate(ctx.clock.now()) : undefined,
      },
      { limit: Math.min(q.limit ?? 100, 1000), cursor: q.cursor },
    )
    .catch((error: unknown) => {
      if (error instanceof InvalidCursor)
        throw validationFailed([{ path: 'cursor', message: '游标无效或已过期' }], '分页游标无效');
      throw error;
    });
  return {
    items: page.items.map((p) => problemView(ctx, p)),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}
