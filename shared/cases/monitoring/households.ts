/**
 * Monitoring households after activation: the registry view, grids and contact persons
 * (网格化管理、帮扶联系人), and assistance plans (一户一方案、一人一措施). Every change is conditional
 * on the version read and carries its audit entry.
 */

import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { MEASURE_TYPES, type Measure, planWarnings } from '#domain/assistance';
import type { Person } from '#domain/directory';
import type { AssistancePlan, Grid, Household } from '#domain/household';
import { checkHousehold, noLabourCapacity, perCapitaIncomeOf } from '#domain/household';
import { maskIdNumber, maskPhone } from '#domain/masking';
import { lineFor } from '#domain/monitoring-line';
import { MONITORING_OBJECT_TYPES, RISK_TYPES } from '#domain/risk-types';
import { covers, MANAGERS } from '#domain/scope';
import type { Role } from '#domain/stages';
import { compose, type Notification } from '#notify/messages';
import { config } from '#runtime/config';
import { revealFields } from '#runtime/field-crypto';
import type {
  contactRequest,
  gridRequest,
  householdUpdate,
  measureInput,
  measureRequest,
} from '#schemas/registry';
import { hashIdNumber, householdIdOf, parseHouseholdId } from '#store/identity';
import { ConflictError } from '#store/store';
import type { CaseContext } from '../context.ts';
import { CaseError } from '../errors.ts';
import { oncePerRequest } from '../idempotency.ts';
import type { VerifiedWebhook } from '../requests.ts';

/** `covers` as a guard: reading needs any role over the village, acting one of `roles`. */
export function mustCover(person: Person, village: string, roles?: readonly Role[]): void {
  if (!covers(person, village, roles))
    throw new CaseError('FORBIDDEN', roles ? '无权办理此村的此项业务' : '无权查看此村的数据');
}

export async function mustGetHousehold(ctx: CaseContext, householdId: string): Promise<Household> {
  const id = parseHouseholdId(householdId);
  const household = id && (await ctx.store.getHousehold(id.village, id.idHash));
  if (!household) throw new CaseError('NOT_FOUND', '该户不在户籍库中');
  return household;
}

/** A household with its members' health details whole, for the one view that shows them. */
export const withHealth = (ctx: CaseContext, household: Household): Promise<Household> =>
  revealFields(ctx.crypto, household, ['health']);

/** What staff read about a household: ID numbers and phones masked, incomes against the line. */
export function householdView(household: Household, plan?: AssistancePlan) {
  const members = household.members ?? [];
  const facts = { members, incomes: household.incomes ?? [] };
  const m = household.monitoring;
  return {
    householdId: householdIdOf(household.village, household.idHash),
    village: household.village,
    group: household.group,
    householdType: household.householdType,
    head: household.head
      ? {
          name: household.head.name,
          idNumber: maskIdNumber(household.head.idNumber),
          phone: maskPhone(household.head.phone),
        }
      : null,
    members: members.map((mm) => ({ ...mm, idNumber: maskIdNumber(mm.idNumber) })),
    incomes: facts.incomes.map((income) => {
      const perCapita = perCapitaIncomeOf(facts, income.year)!;
      const line = lineFor(household.village, income.year, config.monitoringLines);
      return {
        ...income,
        perCapita,
        line: line ?? null,
        belowLine: line === undefined ? null : perCapita < line,
      };
    }),
    noLabourCapacity: noLabourCapacity(members),
    inconsistencies: checkHousehold(facts, m?.riskTypes ?? []),
    monitoring: m
      ? {
          ...m,
          objectTypeLabel: MONITORING_OBJECT_TYPES[m.objectType],
          riskTypeLabels: m.riskTypes.map((r) => RISK_TYPES[r]),
          contactPerson: m.contactPerson
            ? { ...m.contactPerson, phone: maskPhone(m.contactPerson.phone) }
            : undefined,
        }
      : null,
    plan: plan ? planView(household, plan) : null,
    version: household.version ?? 0,
  };
}

export function planView(household: Household, plan: AssistancePlan) {
  return {
    householdId: plan.householdId,
    year: plan.year,
    version: plan.version,
    measures: plan.measures.map((m) => ({
      ...m,
      typeLabel: MEASURE_TYPES[m.type],
      ...(m.memberIdNumber ? { memberIdNumber: maskIdNumber(m.memberIdNumber) } : {}),
    })),
    warnings: planWarnings({
      riskTypes: household.monitoring?.riskTypes ?? [],
      members: household.members ?? [],
      measures: plan.measures,
    }),
    updatedAt: plan.updatedAt,
  };
}

/** Staff edit of the registry fields of one household (not its monitoring state). */
export async function updateRegistry(
  ctx: CaseContext,
  caller: Person,
  household: Household,
  body: z.infer<typeof householdUpdate>,
) {
  mustCover(caller, household.village, MANAGERS);
  const head = body.members.find((m) => m.relation === 'HEAD');
  const findings = checkHousehold(body, household.monitoring?.riskTypes ?? []);
  if (findings.length || !head) {
    throw new CaseError(
      'VALIDATION_FAILED',
      '家庭信息不一致',
      findings.length ? findings : [{ path: 'members', message: '应有一名户主' }],
    );
  }
  // the stored number is sealed: the household's key is its head's hash
  if (household.head && hashIdNumber(head.idNumber, ctx.secrets.idHmacKey) !== household.idHash) {
    throw new CaseError('VALIDATION_FAILED', '户主不能在此变更', [
      { path: 'members', message: '户主证件号码与户籍库不一致；变更户主请重新导入' },
    ]);
  }
  const next: Household = {
    ...household,
    group: body.group ?? household.group,
    householdType: body.householdType,
    head: { name: head.name, idNumber: head.idNumber, phone: body.phone },
    members: body.members,
    memberIdHashes: body.members.map((m) => hashIdNumber(m.idNumber, ctx.secrets.idHmacKey)),
    incomes: body.incomes,
    updatedAt: ctx.clock.nowIso(),
  };
  await writeHousehold(ctx, household, next, { action: 'REGISTRY_UPDATED', by: caller.personId });
  return next;
}

async function writeHousehold(
  ctx: CaseContext,
  previous: Household,
  next: Household,
  audit: { action: string; by: string; detail?: Record<string, unknown> },
  messages?: Notification[],
) {
  try {
    await ctx.store.updateHousehold({
      previous,
      next: { ...next, version: (previous.version ?? 0) + 1 },
      audit: { ...audit, at: ctx.clock.nowIso() },
      messages,
    });
  } catch (error) {
    if (error instanceof ConflictError) throw new CaseError('CONFLICT', '该户信息已被他人修改，请刷新后重试');
    throw error;
  }
}

export async function putGrid(
  ctx: CaseContext,
  caller: Person,
  village: string,
  gridId: string,
  body: z.infer<typeof gridRequest>,
): Promise<Grid> {
  mustCover(caller, village, MANAGERS);
  const directory = await ctx.store.getDirectory();
  if (!directory.villages.some((v) => v.code === village)) throw new CaseError('NOT_FOUND', '村不存在');
  const unknown = body.members.findIndex((id) => !directory.people.some((p) => p.personId === id));
  if (unknown >= 0) {
    throw new CaseError('VALIDATION_FAILED', '网格员不在人员名录中', [
      { path: `members.${unknown}`, message: '人员不存在' },
    ]);
  }
  const elsewhere = body.members.findIndex(
    (id) => !covers(directory.people.find((p) => p.personId === id)!, village),
  );
  if (elsewhere >= 0) {
    throw new CaseError('VALIDATION_FAILED', '网格员不负责本村', [
      { path: `members.${elsewhere}`, message: '该人员不负责本村' },
    ]);
  }
  const grid: Grid = {
    village,
    gridId,
    name: body.name,
    members: body.members,
    updatedAt: ctx.clock.nowIso(),
  };
  await ctx.store.putGrid(grid, {
    action: 'GRID_SAVED',
    by: caller.personId,
    at: grid.updatedAt,
    detail: { gridId },
  });
  return grid;
}

/** 帮扶联系人: assign or reassign, with the reason recorded. */
export async function assignContact(
  ctx: CaseContext,
  caller: Person,
  household: Household,
  body: z.infer<typeof contactRequest>,
) {
  mustCover(caller, household.village, MANAGERS);
  if (!household.monitoring) throw new CaseError('CONFLICT', '该户不是监测对象');
  const grids = await ctx.store.listGrids(household.village);
  const grid = grids.find((g) => g.gridId === body.gridId);
  if (!grid)
    throw new CaseError('VALIDATION_FAILED', '网格不存在', [{ path: 'gridId', message: '本村没有此网格' }]);
  const directory = await ctx.store.getDirectory();
  const person = directory.people.find((p) => p.personId === body.contactPersonId);
  if (!person) {
    throw new CaseError('VALIDATION_FAILED', '帮扶联系人不在人员名录中', [
      { path: 'contactPersonId', message: '人员不存在' },
    ]);
  }
  if (!covers(person, household.village)) {
    throw new CaseError('VALIDATION_FAILED', '帮扶联系人不负责本村', [
      { path: 'contactPersonId', message: '该人员不负责本村' },
    ]);
  }
  const previous = household.monitoring.contactPerson;
  const next: Household = {
    ...household,
    monitoring: {
      ...household.monitoring,
      gridId: grid.gridId,
      contactPerson: { personId: person.personId, name: person.name, phone: person.phone },
      ...(body.responsiblePerson ? { responsiblePerson: body.responsiblePerson } : {}),
    },
  };
  await writeHousehold(
    ctx,
    household,
    next,
    {
      action: previous ? 'CONTACT_REASSIGNED' : 'CONTACT_ASSIGNED',
      by: caller.personId,
      detail: { from: previous?.personId, to: person.personId, gridId: grid.gridId, reason: body.reason },
    },
    [
      compose(
        'CONTACT_ASSIGNED',
        { personId: person.personId, name: person.name, phone: person.phone },
        household.village,
        { head: household.head?.name, grid: grid.name },
      ),
    ],
  );
  return next;
}

const newMeasureId = () => `M${Date.now().toString(36).toUpperCase()}${randomBytes(3).toString('hex')}`;

async function checkMembers(
  ctx: CaseContext,
  household: Household,
  measures: readonly z.infer<typeof measureInput>[],
) {
  const ids = new Set(household.memberIdHashes ?? []);
  const bad = measures.findIndex(
    (m) => m.memberIdNumber && !ids.has(hashIdNumber(m.memberIdNumber, ctx.secrets.idHmacKey)),
  );
  if (bad >= 0) {
    throw new CaseError('VALIDATION_FAILED', '措施对应的成员不在本户', [
      { path: `measures.${bad}.memberIdNumber`, message: '该证件号码不是本户成员' },
    ]);
  }
}

/** Staff edit of a whole plan, conditional on the version they read. */
export async function updatePlan(
  ctx: CaseContext,
  caller: Person,
  household: Household,
  year: number,
  body: { version?: number; measures: z.infer<typeof measureInput>[] },
) {
  mustCover(caller, household.village, MANAGERS);
  if (!household.monitoring) throw new CaseError('CONFLICT', '该户不是监测对象，无需帮扶计划');
  await checkMembers(ctx, household, body.measures);
  const householdId = householdIdOf(household.village, household.idHash);
  const previous = await ctx.store.getPlan(householdId, year);
  if ((previous?.version ?? undefined) !== body.version) {
    throw new CaseError('CONFLICT', '帮扶计划已被他人修改，请刷新后重试', undefined, {
      version: previous?.version ?? null,
    });
  }
  const next: AssistancePlan = {
    householdId,
    year,
    measures: body.measures.map((m) => ({ ...m, measureId: m.measureId ?? newMeasureId() }) as Measure),
    version: (previous?.version ?? 0) + 1,
    updatedAt: ctx.clock.nowIso(),
  };
  try {
    await ctx.store.putPlan(previous, next, {
      action: 'PLAN_UPDATED',
      by: caller.personId,
      at: next.updatedAt,
      detail: { year, measures: next.measures.length },
    });
  } catch (error) {
    if (error instanceof ConflictError) throw new CaseError('CONFLICT', '帮扶计划已被他人修改，请刷新后重试');
    throw error;
  }
  return planView(household, next);
}

export interface RecordedMeasure {
  measureId: string;
  planVersion: number;
  warnings: ReturnType<typeof planView>['warnings'];
}

/** `POST /webhooks/measures`: one measure added, or updated by its id, through the signed webhook. */
export async function recordMeasure(
  ctx: CaseContext,
  webhook: VerifiedWebhook,
  body: z.infer<typeof measureRequest>,
  rawBody: string,
): Promise<RecordedMeasure> {
  const household = await mustGetHousehold(ctx, body.householdId);
  if (!household.monitoring) throw new CaseError('CONFLICT', '该户不是监测对象，无需帮扶计划');
  await checkMembers(ctx, household, [body.measure]);
  return oncePerRequest<RecordedMeasure>(ctx.store, webhook, body.requestId, rawBody, async (receipt) => {
    for (let attempt = 0; ; attempt++) {
      const previous = await ctx.store.getPlan(body.householdId, body.year);
      const measures = [...(previous?.measures ?? [])];
      const index = body.measure.measureId
        ? measures.findIndex((m) => m.measureId === body.measure.measureId)
        : -1;
      if (body.measure.measureId && index < 0) {
        throw new CaseError('NOT_FOUND', '该措施不存在');
      }
      const measure = { ...body.measure, measureId: body.measure.measureId ?? newMeasureId() } as Measure;
      if (index >= 0) measures[index] = measure;
      else measures.push(measure);
      const next: AssistancePlan = {
        householdId: body.householdId,
        year: body.year,
        measures,
        version: (previous?.version ?? 0) + 1,
        updatedAt: ctx.clock.nowIso(),
      };
      const view = planView(household, next);
      const response = { measureId: measure.measureId, planVersion: next.version, warnings: view.warnings };
      try {
        await ctx.store.putPlan(
          previous,
          next,
          {
            action: index >= 0 ? 'MEASURE_UPDATED' : 'MEASURE_ADDED',
            by: webhook.channel,
            at: next.updatedAt,
            detail: { measureId: measure.measureId, type: measure.type, status: measure.status },
          },
          receipt(response),
        );
        return response;
      } catch (error) {
        if (error instanceof ConflictError && error.reason === 'VERSION' && attempt < 5) continue;
        throw error;
      }
    }
  });
}
