import {
  actOnProblem,
  campaignView,
  closeCampaign,
  createAreaProblem,
  createCampaign,
  problemView,
  summaryOf,
} from '#cases/campaign/campaigns';
import { exportView, requestExport } from '#cases/campaign/exports';
import {
  listCampaignProblems,
  listTownshipCampaigns,
  mustReach,
  readCampaign,
  readExport,
  readProblem,
  townshipPipeline,
  whoAmI,
} from '#cases/campaign/reads';
import { campaignReportData } from '#cases/campaign/report';
import { parseBody, validate } from '#http/body';
import { html, json } from '#http/responses';
import type { Routes, StaffRequest } from '#http/router';
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
import { reportPage } from './report-page.ts';

const campaignOf = ({ ctx, caller, params }: StaffRequest) =>
  readCampaign(ctx, caller, validate(campaignId, params.id));
const problemOf = ({ ctx, caller, params }: StaffRequest) =>
  readProblem(ctx, caller, validate(problemId, params.id));

export const routes: Routes<StaffRequest> = {
  'GET /me': async (_, { caller, directory }) => json(200, whoAmI(caller, directory)),
  'POST /townships/{code}/campaigns': async (event, { ctx, caller, params }) => {
    const township = validate(townshipCode, params.code);
    mustReach(caller, township);
    return json(
      201,
      campaignView(ctx, await createCampaign(ctx, caller, township, parseBody(event, campaignRequest))),
    );
  },
  'GET /townships/{code}/campaigns': async (_, { ctx, caller, params }) =>
    json(200, await listTownshipCampaigns(ctx, caller, validate(townshipCode, params.code))),
  'GET /townships/{code}/pipeline': async (_, { ctx, caller, directory, params }) =>
    json(200, await townshipPipeline(ctx, caller, directory, validate(townshipCode, params.code))),
  'GET /exports/{id}': async (_, { ctx, caller, params }) =>
    json(200, await readExport(ctx, caller, validate(exportId, params.id))),
  'GET /problems/{id}': async (_, request) => json(200, problemView(request.ctx, await problemOf(request))),
  'POST /problems/{id}/actions': async (event, request) => {
    const problem = await problemOf(request);
    const acted = await actOnProblem(request.ctx, request.caller, problem, parseBody(event, problemAction));
    return json(200, problemView(request.ctx, acted));
  },
  'GET /campaigns/{id}': async (_, request) =>
    json(200, campaignView(request.ctx, await campaignOf(request))),
  'GET /campaigns/{id}/summary': async (_, request) =>
    json(200, await summaryOf(request.ctx, await campaignOf(request))),
  'GET /campaigns/{id}/report': async (_, request) =>
    html(200, reportPage(await campaignReportData(request.ctx, await campaignOf(request)))),
  'POST /campaigns/{id}/exports': async (event, request) => {
    const campaign = await campaignOf(request);
    const { kind } = parseBody(event, exportRequest);
    return json(
      202,
      await exportView(request.ctx, await requestExport(request.ctx, request.caller, campaign, kind)),
    );
  },
  'POST /campaigns/{id}/problems': async (event, request) => {
    const campaign = await campaignOf(request);
    const body = parseBody(event, areaProblemRequest);
    return json(
      201,
      problemView(request.ctx, await createAreaProblem(request.ctx, request.caller, campaign, body)),
    );
  },
  'GET /campaigns/{id}/problems': async (event, request) => {
    const campaign = await campaignOf(request);
    const q = validate(problemQuery, event.queryStringParameters ?? {});
    return json(200, await listCampaignProblems(request.ctx, request.caller, campaign, q));
  },
  'POST /campaigns/{id}/close': async (_, request) =>
    json(
      200,
      campaignView(request.ctx, await closeCampaign(request.ctx, request.caller, await campaignOf(request))),
    ),
};
