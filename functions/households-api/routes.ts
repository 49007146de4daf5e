import { applicationView } from '#cases/identification/views';
import { grantGreenChannel, proposeElimination } from '#cases/monitoring/elimination';
import {
  assignContact,
  householdView,
  putGrid,
  updatePlan,
  updateRegistry,
  withHealth,
} from '#cases/monitoring/households';
import {
  householdFor,
  listHouseholdVisits,
  listVillageGrids,
  listVillageHouseholds,
  readHousehold,
  readHouseholdAudit,
  readPlan,
  villageVisitsOverdue,
} from '#cases/monitoring/reads';
import { parseBody, validate } from '#http/body';
import { json } from '#http/responses';
import type { Routes, StaffRequest } from '#http/router';
import { applicationId } from '#schemas/common';
import {
  contactRequest,
  eliminationRequest,
  greenChannelRequest,
  gridId,
  gridRequest,
  householdIdParam,
  householdUpdate,
  planUpdate,
  villageCode,
  yearParam,
} from '#schemas/registry';

const village = ({ params }: StaffRequest) => validate(villageCode, params.code);
const household = ({ params }: StaffRequest) => validate(householdIdParam, params.id);
const loaded = (request: StaffRequest) => householdFor(request.ctx, request.caller, household(request));

export const routes: Routes<StaffRequest> = {
  'GET /villages/{code}/households': async (_, r) =>
    json(200, await listVillageHouseholds(r.ctx, r.caller, village(r))),
  'GET /villages/{code}/grids': async (_, r) =>
    json(200, await listVillageGrids(r.ctx, r.caller, village(r))),
  'PUT /villages/{code}/grids/{gridId}': async (event, r) => {
    const code = village(r);
    const id = validate(gridId, r.params.gridId);
    return json(200, await putGrid(r.ctx, r.caller, code, id, parseBody(event, gridRequest)));
  },
  'GET /villages/{code}/visits/overdue': async (_, r) =>
    json(200, await villageVisitsOverdue(r.ctx, r.caller, village(r))),
  'GET /households/{id}': async (_, r) => json(200, await readHousehold(r.ctx, r.caller, household(r))),
  'PUT /households/{id}': async (event, r) => {
    const current = await loaded(r);
    const updated = await updateRegistry(r.ctx, r.caller, current, parseBody(event, householdUpdate));
    return json(200, householdView(await withHealth(r.ctx, updated)));
  },
  'GET /households/{id}/audit': async (_, r) =>
    json(200, await readHouseholdAudit(r.ctx, r.caller, household(r))),
  'GET /households/{id}/visits': async (_, r) =>
    json(200, await listHouseholdVisits(r.ctx, r.caller, household(r))),
  'GET /households/{id}/plans/{year}': async (_, r) => {
    const id = household(r);
    return json(200, await readPlan(r.ctx, r.caller, id, validate(yearParam, r.params.year)));
  },
  'PUT /households/{id}/plans/{year}': async (event, r) => {
    const current = await loaded(r);
    const year = validate(yearParam, r.params.year);
    return json(200, await updatePlan(r.ctx, r.caller, current, year, parseBody(event, planUpdate)));
  },
  'PUT /households/{id}/contact': async (event, r) => {
    const current = await loaded(r);
    return json(
      200,
      householdView(await assignContact(r.ctx, r.caller, current, parseBody(event, contactRequest))),
    );
  },
  'POST /households/{id}/elimination': async (event, r) => {
    const current = await loaded(r);
    return json(
      202,
      await proposeElimination(r.ctx, r.caller, current, parseBody(event, eliminationRequest)),
    );
  },
  'POST /applications/{id}/green-channel': async (event, r) => {
    const id = validate(applicationId, r.params.id);
    const updated = await grantGreenChannel(r.ctx, r.caller, id, parseBody(event, greenChannelRequest));
    return json(200, applicationView(updated));
  },
};
