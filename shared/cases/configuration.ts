/** Configuration changes, each validated and audited like any other change. */
import { nowIso } from '#runtime/clock';
import type { CalendarYear } from '#schemas/config';
import type { CaseContext } from './context.ts';

/** Adds (or corrects) a year's holiday data; provisional publicity ends are recomputed at their close. */
export async function configureCalendarYear(
  ctx: Pick<CaseContext, 'store'>,
  body: CalendarYear,
  by: string,
): Promise<void> {
  await ctx.store.putCalendarYear(
    body.year,
    { holidays: [...body.holidays].sort(), workdays: [...body.workdays].sort() },
    { action: 'CALENDAR_CONFIGURED', by, at: nowIso(), detail: { year: body.year } },
  );
}
