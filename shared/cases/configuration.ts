/** Configuration changes, each validated and audited like any other change. */
import type { CalendarYear } from '#schemas/config';
import type { CaseContext } from './context.ts';

/** Adds (or corrects) a year's holiday data; provisional publicity ends are recomputed at their close. */
export async function configureCalendarYear(
  ctx: Pick<CaseContext, 'store' | 'clock'>,
  body: CalendarYear,
  by: string,
): Promise<void> {
  await ctx.store.putCalendarYear(
    body.year,
    { holidays: [...body.holidays].sort(), workdays: [...body.workdays].sort() },
    { action: 'CALENDAR_CONFIGURED', by, at: ctx.clock.nowIso(), detail: { year: body.year } },
  );
}
