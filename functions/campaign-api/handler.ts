/**
 * Staff API of the 集中排查 campaign: campaigns and their phases, the 问题整改台账 with filters and its
 * actions, the 汇总表, exports, the 自查专题报告, and the township's application pipeline.
 */
import middy from '@middy/core';
import { exportView, requestExport } from '#cases/campaign-exports';
import { campaignReportData } from '#cases/campaign-report';
import {
  actOnProblem,
  campaignView,
  covers,
  createAreaProblem,
  createCampaign,
  mustGetCampaign,
  problemView,
  summaryOf,
} from '#cases/campaigns';
import { caseContext } from '#cases/context';
import { businessDate } from '#domain/calendar';
import { STAGES } from '#domain/stages';
import { parseBody, validate } from '#http/body';
import { HttpError } from '#http/errors';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { type HttpEvent, html, json } from '#http/responses';
import { staffCaller } from '#http/staff-caller';
import { now, nowIso } from '#runtime/clock';
import { assertConfigured } from '#runtime/config';
import {
  areaProblemRequest,
  campaignId,
  campaignRequest,
  exportId,
  exportRequest,
  problemAction,
  problemId,
  problemQuery,
  townshipCode,
} from '#schemas/campaign';
import { InvalidCursor } from '#store/store';
import { reportPage } from './report-page.ts';

assertConfigured();

const api = async (event: HttpEvent) => {
  const ctx = await caseContext();
  const { caller, directory } = await staffCaller(ctx, event);
  const p = event.pathParameters ?? {};
  const route = event.routeKey;
  const readable = (code: string) => {
    if (!caller.roles.some((r) => code.startsWith(r.scope) || r.scope.startsWith(code))) {
      throw new HttpError('FORBIDDEN', '无权查看此乡镇的排查');
    }
  };

  if (route === 'GET /me') {
    const scoped = caller.roles.map((r) => r.scope).find((scope) => scope.length >= 9);
    return json(200, {
      personId: caller.personId,
      name: caller.name,
      roles: caller.roles,
      township: scoped ? scoped.slice(0, 9) : directory.township.code,
    });
  }
  if (route.startsWith('POST /townships/') || route.startsWith('GET /townships/')) {
    const township = validate(townshipCode, p.code);
    readable(township);
    if (route === 'POST /townships/{code}/campaigns') {
      return json(
        201,
        campaignView(await createCampaign(ctx, caller, township, parseBody(event, campaignRequest))),
      );
    }
    if (route === 'GET /townships/{code}/campaigns') {
      return json(200, { items: (await ctx.store.listCampaigns(township)).map(campaignView) });
    }
    // the application pipeline by stage and village
    const villages = directory.villages.filter((v) => v.code.startsWith(township));
    const rows = await Promise.all(
      villages.map(async (v) => {
        const stages = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<string, number>;
        for (const app of await ctx.store.listApplications(v.code))
          stages[app.stage] = (stages[app.stage] ?? 0) + 1;
        return { village: v.code, name: v.name, stages };
      }),
    );
    return json(200, { township, villages: rows });
  }
  // a read by id checks scope as the lists do: the township and the district read the whole ledger
  // and its exports, a village only its own lines
  const wholeTownship = (township: string) =>
    covers(caller, township, ['TOWNSHIP_REVIEWER', 'DISTRICT_FILER']);
  if (route === 'GET /exports/{id}') {
    const job = await ctx.store.getExport(validate(exportId, p.id));
    if (!job) throw new HttpError('NOT_FOUND', '导出不存在');
    readable(job.campaignId.slice(0, 9));
    if (!wholeTownship(job.campaignId.slice(0, 9)))
      throw new HttpError('FORBIDDEN', '仅乡镇及以上人员可查看导出');
    return json(200, await exportView(job));
  }
  if (route.startsWith('GET /problems/') || route.startsWith('POST /problems/')) {
    const problem = await ctx.store.getProblem(validate(problemId, p.id));
    if (!problem) throw new HttpError('NOT_FOUND', '问题不存在');
    readable(problem.campaignId.slice(0, 9));
    if (
      !wholeTownship(problem.campaignId.slice(0, 9)) &&
      !caller.roles.some((r) => problem.unit.startsWith(r.scope))
    )
      throw new HttpError('FORBIDDEN', '无权查看此村的问题');
    if (route === 'GET /problems/{id}') return json(200, problemView(problem));
    return json(200, problemView(await actOnProblem(ctx, caller, problem, parseBody(event, problemAction))));
  }

  const campaign = await mustGetCampaign(ctx, validate(campaignId, p.id));
  readable(campaign.township);
  switch (route) {
    case 'GET /campaigns/{id}':
      return json(200, campaignView(campaign));
    case 'GET /campaigns/{id}/summary':
      return json(200, await summaryOf(ctx, campaign));
    case 'GET /campaigns/{id}/report':
      return html(200, reportPage(await campaignReportData(ctx, campaign)));
    case 'POST /campaigns/{id}/exports': {
      const { kind } = parseBody(event, exportRequest);
      return json(202, await exportView(await requestExport(ctx, caller, campaign, kind)));
    }
    case 'POST /campaigns/{id}/problems':
      return json(
        201,
        problemView(await createAreaProblem(ctx, caller, campaign, parseBody(event, areaProblemRequest))),
      );
    case 'GET /campaigns/{id}/problems': {
      const q = validate(problemQuery, event.queryStringParameters ?? {});
      // the township and the district read the whole ledger; a village reads its own lines
      const whole = covers(caller, campaign.township, ['TOWNSHIP_REVIEWER', 'DISTRICT_FILER']);
      const own = caller.roles.map((r) => r.scope).find((scope) => scope.startsWith(campaign.township));
      if (!whole && q.unit && !q.unit.startsWith(own ?? '-'))
        throw new HttpError('FORBIDDEN', '无权查看此村的问题');
      const page = await ctx.store
        .listProblems(
          campaign.campaignId,
          {
            status: q.overdue ? ['OPEN', 'IN_PROGRESS'] : q.status?.split(','),
            category: q.category,
            unit: whole ? q.unit : (q.unit ?? own),
            kind: q.kind,
            deadlineBefore: q.overdue ? businessDate(now()) : undefined,
          },
          { limit: Math.min(q.limit ?? 100, 1000), cursor: q.cursor },
        )
        .catch((error: unknown) => {
          if (error instanceof InvalidCursor)
            throw new HttpError('VALIDATION_FAILED', '分页游标无效', [
              { path: 'cursor', message: '游标无效或已过期' },
            ]);
          throw error;
        });
      return json(200, {
        items: page.items.map(problemView),
        ...(page.cursor ? { cursor: page.cursor } : {}),
      });
    }
    case 'POST /campaigns/{id}/close': {
      if (!covers(caller, campaign.township, ['TOWNSHIP_REVIEWER', 'DISTRICT_FILER'])) {
        throw new HttpError('FORBIDDEN', '仅乡镇审核人员可结束排查');
      }
      if (campaign.closed) throw new HttpError('CONFLICT', '该排查已结束');
      const next = { ...campaign, closed: true, version: campaign.version + 1 };
      await ctx.store.putCampaign(campaign, next, {
        action: 'CAMPAIGN_CLOSED',
        by: caller.personId,
        at: nowIso(),
      });
      return json(200, campaignView(next));
    }
  }
  throw new HttpError('NOT_FOUND', '未知的接口');
};

export const handler = middy(api).use(withLogger()).use(accessLog()).use(httpErrors());
