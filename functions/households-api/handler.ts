/**
 * Staff API for monitoring households: the registry, assistance plans, grids and contact persons,
 * visits due, elimination proposals (风险消除) and the green channel (绿色通道). The spreadsheet routes
 * are `registry-files`. A person acts only where their roles cover the village.
 */
import middy from '@middy/core';
import { caseContext } from '#cases/context';
import { grantGreenChannel, proposeElimination } from '#cases/elimination';
import {
  assignContact,
  householdView,
  mustCover,
  mustGetHousehold,
  planView,
  putGrid,
  updatePlan,
  updateRegistry,
  withHealth,
} from '#cases/households';
import { applicationView } from '#cases/views';
import { overdueVisits } from '#cases/visits';
import { businessDate } from '#domain/calendar';
import { maskPhone } from '#domain/masking';
import { parseBody, validate } from '#http/body';
import { HttpError } from '#http/errors';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { type HttpEvent, json } from '#http/responses';
import { staffCaller } from '#http/staff-caller';
import { now } from '#runtime/clock';
import { assertConfigured } from '#runtime/config';
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
import { householdIdOf } from '#store/identity';

assertConfigured();

const api = async (event: HttpEvent) => {
  const ctx = await caseContext();
  const { caller } = await staffCaller(ctx, event);
  const p = event.pathParameters ?? {};
  const route = event.routeKey;

  if (route.startsWith('GET /villages/') || route.startsWith('PUT /villages/')) {
    const code = validate(villageCode, p.code);
    mustCover(caller, code);
    if (route === 'GET /villages/{code}/households') {
      const households = await ctx.store.listHouseholds(code);
      return json(200, { items: households.map((h) => householdView(h)) });
    }
    if (route === 'GET /villages/{code}/grids') return json(200, { items: await ctx.store.listGrids(code) });
    if (route === 'PUT /villages/{code}/grids/{gridId}') {
      const id = validate(gridId, p.gridId);
      return json(200, await putGrid(ctx, caller, code, id, parseBody(event, gridRequest)));
    }
    const overdue = await overdueVisits(ctx, code);
    return json(200, {
      items: overdue.map(({ household, due }) => ({
        householdId: householdIdOf(household.village, household.idHash),
        head: household.head ? { name: household.head.name, phone: maskPhone(household.head.phone) } : null,
        contactPerson: household.monitoring?.contactPerson?.name ?? null,
        lastVisitOn: household.monitoring?.lastVisitOn ?? null,
        ...due,
      })),
    });
  }
  if (route === 'POST /applications/{id}/green-channel') {
    const app = await ctx.store.getApplication(validate(applicationId, p.id));
    if (!app) throw new HttpError('NOT_FOUND', '申请不存在');
    const updated = await grantGreenChannel(ctx, caller, app, parseBody(event, greenChannelRequest));
    return json(200, applicationView(updated));
  }
  const household = await mustGetHousehold(ctx, validate(householdIdParam, p.id));
  mustCover(caller, household.village);
  const householdId = householdIdOf(household.village, household.idHash);
  switch (route) {
    case 'GET /households/{id}': {
      const year = Number(businessDate(now()).slice(0, 4));
      return json(
        200,
        householdView(await withHealth(ctx, household), await ctx.store.getPlan(householdId, year)),
      );
    }
    case 'PUT /households/{id}':
      return json(
        200,
        householdView(
          await withHealth(
            ctx,
            await updateRegistry(ctx, caller, household, parseBody(event, householdUpdate)),
          ),
        ),
      );
    case 'GET /households/{id}/audit': {
      const items = await ctx.store.listHouseholdAudit(household);
      return json(200, { items: items.sort((a, b) => a.at.localeCompare(b.at)) });
    }
    case 'GET /households/{id}/visits': {
      const visits = await ctx.store.listVisits(household);
      return json(200, { items: visits.sort((a, b) => b.visitedOn.localeCompare(a.visitedOn)) });
    }
    case 'GET /households/{id}/plans/{year}': {
      const plan = await ctx.store.getPlan(householdId, validate(yearParam, p.year));
      if (!plan) throw new HttpError('NOT_FOUND', '该年度帮扶计划不存在');
      return json(200, planView(household, plan));
    }
    case 'PUT /households/{id}/plans/{year}':
      return json(
        200,
        await updatePlan(ctx, caller, household, validate(yearParam, p.year), parseBody(event, planUpdate)),
      );
    case 'PUT /households/{id}/contact': {
      const next = await assignContact(ctx, caller, household, parseBody(event, contactRequest));
      return json(200, householdView(next));
    }
    case 'POST /households/{id}/elimination': {
      const result = await proposeElimination(ctx, caller, household, parseBody(event, eliminationRequest));
      return json(202, result);
    }
  }
  throw new HttpError('NOT_FOUND', '未知的接口');
};

export const handler = middy(api).use(withLogger()).use(accessLog()).use(httpErrors());
