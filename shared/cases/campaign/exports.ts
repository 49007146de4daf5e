/**
 * Exports of annexes 2, 3-1, 3-2 and 4, asked for here and built by `export-builder.ts`: a
 * request object in S3 starts the builder, so the staff API answers at once and never loads exceljs.
 */
import { randomBytes } from 'node:crypto';
import type { Campaign, ExportJob } from '#domain/campaign';
import type { Person } from '#domain/directory';
import { covers, TOWNSHIP_AND_ABOVE } from '#domain/scope';
import type { CaseContext } from '../context.ts';
import { CaseError } from '../errors.ts';

export const EXPORT_TITLES: Record<ExportJob['kind'], string> = {
  annex2: '巩固拓展脱贫攻坚成果集中排查入户排查表',
  'annex3-1': '巩固拓展脱贫攻坚成果集中排查问题整改台账(户内问题）',
  'annex3-2': '巩固拓展脱贫攻坚成果集中排查问题整改台账(面上问题）',
  annex4: '巩固拓展脱贫攻坚成果集中排查整改情况汇总表',
};
export const REQUEST_PREFIX = 'export-requests/';

/** `POST /campaigns/{id}/exports`: 202 at once; the file is built by the export builder. */
export async function requestExport(
  ctx: CaseContext,
  caller: Person,
  campaign: Campaign,
  kind: ExportJob['kind'],
) {
  if (!covers(caller, campaign.township, TOWNSHIP_AND_ABOVE)) {
    throw new CaseError('FORBIDDEN', '仅乡镇及以上人员可导出台账');
  }
  const job: ExportJob = {
    exportId: `${campaign.campaignId}.X${Date.now().toString(36).toUpperCase()}${randomBytes(4).toString('hex').toUpperCase()}`,
    campaignId: campaign.campaignId,
    kind,
    status: 'PENDING',
    requestedBy: caller.personId,
    requestedAt: ctx.clock.nowIso(),
  };
  await ctx.store.putExport(job);
  await ctx.documents.write(
    `${REQUEST_PREFIX}${job.exportId}.json`,
    JSON.stringify({ exportId: job.exportId }),
    'application/json',
  );
  return job;
}

export async function exportView(ctx: Pick<CaseContext, 'documents'>, job: ExportJob) {
  return {
    ...job,
    title: EXPORT_TITLES[job.kind],
    downloadUrl: job.status === 'DONE' && job.key ? await ctx.documents.downloadUrl(job.key, 900) : null,
  };
}
