/** Configuration changes, each validated and audited like any other change. */
import type { CalendarData } from '#domain/calendar';
import { config } from '#runtime/config';
import type { CalendarYear } from '#schemas/config';
import type { CaseContext } from './context.ts';

/** Holiday data configured in the table, over what the deployment's environment carries. */
export async function calendarData(ctx: Pick<CaseContext, 'store'>): Promise<CalendarData> {
  return {
    ...config.calendarData,
    ...(await ctx.store.getCalendarData()),
  };
}

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
