/**
 * 自查专题报告 (seed 三、(四)): the facts a printable document is written from — how the campaign ran,
 * the problems found and rectified, dynamic management and assistance. The page is the handler's
 * (`functions/campaign-api/report-page.ts`).
 */
import { businessDate } from '#domain/calendar';
import type { Campaign } from '#domain/campaign';
import { isOverdue } from '#domain/rectification';
import type { CaseContext } from '../context.ts';
import { campaignView, summaryOf } from './campaigns.ts';

export async function campaignFacts(ctx: CaseContext, campaign: Campaign) {
  const today = businessDate(ctx.clock.now());
  const forms = {
    total: 0,
    byType: { LIFTED: 0, MARGINAL: 0, ORDINARY: 0 } as Record<string, number>,
    proposed: 0,
    inspectors: new Set<string>(),
    villages: new Set<string>(),
    applications: [] as string[],
  };
  for await (const page of ctx.store.inspectionForms(campaign.campaignId)) {
    for (const f of page) {
      forms.total++;
      forms.byType[f.householdType] = (forms.byType[f.householdType] ?? 0) + 1;
      if (f.judgement.proposeReview) forms.proposed++;
      forms.inspectors.add(f.inspector.personId);
      forms.villages.add(f.village);
      if (f.applicationId) forms.applications.push(f.applicationId);
    }
  }
  const problems = {
    open: 0,
    overdue: [] as { content: string; deadline: string; responsible: string }[],
    byLevel: {} as Record<string, number>,
  };
  for await (const page of ctx.store.problems(campaign.campaignId)) {
    for (const p of page) {
      if (p.status !== 'CLOSED') problems.open++;
      if (isOverdue(p, today))
        problems.overdue.push({
          content: p.content,
          deadline: p.deadline,
          responsible: `${p.responsible.name}（${p.responsible.unit}）`,
        });
      if (p.kind === 'AREA') problems.byLevel[p.level!] = (problems.byLevel[p.level!] ?? 0) + 1;
    }
  }
  const stages: Record<string, number> = {};
  for (const id of forms.applications) {
    const app = await ctx.store.getApplication(id);
    if (app) stages[app.stage] = (stages[app.stage] ?? 0) + 1;
  }
  let monitored = 0;
  let eliminated = 0;
  for (const village of campaign.villages) {
    for (const h of await ctx.store.listHouseholds(village)) {
      if (h.monitoring?.status === 'MONITORED') monitored++;
      if (h.monitoring?.status === 'RISK_ELIMINATED') eliminated++;
    }
  }
  return { today, forms, problems, stages, monitored, eliminated };
}

/** What the 自查专题报告 is written from: the campaign, its 汇总表, the facts and the township. */
export async function campaignReportData(ctx: CaseContext, campaign: Campaign) {
  return {
    campaign,
    view: campaignView(ctx, campaign),
    summary: await summaryOf(ctx, campaign),
    facts: await campaignFacts(ctx, campaign),
    township: (await ctx.store.getDirectory()).township,
  };
}
