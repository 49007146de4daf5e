/**
 * What staff read of monitored households: a village's registry, grids and visits due, one household
 * with its plan, its audit and visits. A person reads only where one of their roles covers the village.
 */

import { businessDate } from '#domain/calendar';
import type { Person } from '#domain/directory';
import type { Household } from '#domain/household';
import { maskPhone } from '#domain/masking';
import { householdIdOf } from '#store/identity';
import type { CaseContext } from '../context.ts';
import { CaseError } from '../errors.ts';
import { householdView, mustCover, mustGetHousehold, planView, withHealth } from './households.ts';
import { overdueVisits } from './visits.ts';

/** A household the caller may read and act on. */
export async function householdFor(
  ctx: CaseContext,
  caller: Person,
  householdId: string,
): Promise<Household> {
  const household = await mustGetHousehold(ctx, householdId);
  mustCover(caller, household.village);
  return household;
}

export async function listVillageHouseholds(ctx: CaseContext, caller: Person, village: string) {
  mustCover(caller, village);
  return { items: (await ctx.store.listHouseholds(village)).map((h) => householdView(h)) };
}

export async function listVillageGrids(ctx: CaseContext, caller: Person, village: string) {
  mustCover(caller, village);
  return { items: await ctx.store.listGrids(village) };
}

/** 走访 overdue in the village: whom to visit, who visits, since when. */
export async function villageVisitsOverdue(ctx: CaseContext, caller: Person, village: string) {
  mustCover(caller, village);
  const overdue = await overdueVisits(ctx, village);
  return {
    items: overdue.map(({ household, due }) => ({
      householdId: householdIdOf(household.village, household.idHash),
      head: household.head ? { name: household.head.name, phone: maskPhone(household.head.phone) } : null,
      contactPerson: household.monitoring?.contactPerson?.name ?? null,
      lastVisitOn: household.monitoring?.lastVisitOn ?? null,
      ...due,
    })),
  };
}

/** The household with its health details and this year's plan. */
export async function readHousehold(ctx: CaseContext, caller: Person, householdId: string) {
  const household = await householdFor(ctx, caller, householdId);
  const year = Number(businessDate(ctx.clock.now()).slice(0, 4));
  const plan = await ctx.store.getPlan(householdIdOf(household.village, household.idHash), year);
  return householdView(await withHealth(ctx, household), plan);
}

export async function readHouseholdAudit(ctx: CaseContext, caller: Person, householdId: string) {
  const items = await ctx.store.listHouseholdAudit(await householdFor(ctx, caller, householdId));
  return { items: items.sort((a, b) => a.at.localeCompare(b.at)) };
}

/** 走访记录, newest first. */
export async function listHouseholdVisits(ctx: CaseContext, caller: Person, householdId: string) {
  const visits = await ctx.store.listVisits(await householdFor(ctx, caller, householdId));
  return { items: visits.sort((a, b) => b.visitedOn.localeCompare(a.visitedOn)) };
}

export async function readPlan(ctx: CaseContext, caller: Person, householdId: string, year: number) {
  const household = await householdFor(ctx, caller, householdId);
  const plan = await ctx.store.getPlan(householdIdOf(household.village, household.idHash), year);
  if (!plan) throw new CaseError('NOT_FOUND', '该年度帮扶计划不存在');
  return planView(household, plan);
}
