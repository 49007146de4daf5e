import { closeAreaEvent, declareAreaEvent, readAreaEvent } from '#cases/leads/area-events';
import { feedbackWorkbook } from '#cases/leads/feedback';
import { listVillageLeads, readScreeningRun, requestExtractUpload, viewOfLead } from '#cases/leads/leads';
import { reportLead } from '#cases/leads/reports';
import { runScreening } from '#cases/leads/screening-run';
import { verifyLead } from '#cases/leads/verification';
import { XLSX_TYPE } from '#cases/safe-sheets';
import { parseBody, validate } from '#http/body';
import { file, json } from '#http/responses';
import type { Routes, StaffRequest } from '#http/router';
import { villageCode } from '#schemas/common';
import {
  areaEventClose,
  areaEventId,
  areaEventRequest,
  districtCode,
  extractUploadRequest,
  leadId,
  leadQuery,
  leadVerification,
  reportedLeadRequest,
  screeningMonth,
  screeningRequest,
} from '#schemas/leads';

const district = ({ params }: StaffRequest) => validate(districtCode, params.code);

export const routes: Routes<StaffRequest> = {
  'POST /districts/{code}/extracts': async (event, r) =>
    json(
      201,
      await requestExtractUpload(r.ctx, r.caller, district(r), parseBody(event, extractUploadRequest)),
    ),
  'POST /districts/{code}/screenings': async (event, r) => {
    const code = district(r);
    const { month } = parseBody(event, screeningRequest);
    return json(200, await runScreening(r.ctx, r.caller, { district: code, month }));
  },
  'GET /districts/{code}/screenings/{month}': async (_, r) =>
    json(200, await readScreeningRun(r.ctx, r.caller, district(r), validate(screeningMonth, r.params.month))),
  'GET /districts/{code}/screenings/{month}/feedback': async (_, r) => {
    const month = validate(screeningMonth, r.params.month);
    const { bytes, filename } = await feedbackWorkbook(r.ctx, r.caller, district(r), month);
    return file(bytes, XLSX_TYPE, filename);
  },
  'POST /districts/{code}/area-events': async (event, r) =>
    json(201, await declareAreaEvent(r.ctx, r.caller, district(r), parseBody(event, areaEventRequest))),
  'GET /districts/{code}/area-events/{id}': async (_, r) =>
    json(200, await readAreaEvent(r.ctx, r.caller, district(r), validate(areaEventId, r.params.id))),
  'POST /districts/{code}/area-events/{id}/close': async (event, r) => {
    const code = district(r);
    const id = validate(areaEventId, r.params.id);
    const { summary } = parseBody(event, areaEventClose);
    return json(200, await closeAreaEvent(r.ctx, r.caller, code, id, summary));
  },
  'POST /leads/{id}/verification': async (event, r) => {
    const id = validate(leadId, r.params.id);
    const verified = await verifyLead(r.ctx, r.caller, id, parseBody(event, leadVerification));
    return json(200, await viewOfLead(r.ctx, verified));
  },
  'POST /villages/{code}/leads': async (event, r) => {
    const code = validate(villageCode, r.params.code);
    const lead = await reportLead(r.ctx, r.caller, code, parseBody(event, reportedLeadRequest));
    return json(201, await viewOfLead(r.ctx, lead));
  },
  'GET /villages/{code}/leads': async (event, r) =>
    json(
      200,
      await listVillageLeads(
        r.ctx,
        r.caller,
        validate(villageCode, r.params.code),
        validate(leadQuery, event.queryStringParameters ?? {}),
      ),
    ),
};
