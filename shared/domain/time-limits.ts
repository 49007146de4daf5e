/**
 * 时限 (DOMAIN.md, Time limits): a step or a lead is due a number of working days after it began, and
 * shows how it stands against that day as a colour — green on time, yellow within one working day of
 * it, orange past it, red five working days past it.
 */
import { addDays, type CalendarData, publicityPeriod, workdayInfo } from './calendar.ts';

export const DEADLINE_COLOURS = { GREEN: '按期', YELLOW: '临期', ORANGE: '超期', RED: '严重超期' } as const;
export type DeadlineColour = keyof typeof DEADLINE_COLOURS;

/** Working days past the deadline before an overdue item turns red. */
export const RED_AFTER_WORKING_DAYS = 5;

/** The day an item begun on `startedOn` is due: the N-th working day after it. */
export function dueOn(
  startedOn: string,
  workingDays: number,
  extra: CalendarData = {},
): { dueOn: string; provisional: boolean } {
  const period = publicityPeriod(startedOn, { days: workingDays, extra });
  return { dueOn: period.lastDay, provisional: period.provisional };
}

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workingDaysBetween(from: string, to: string, extra: CalendarData = {}): number {
  let count = 0;
  for (let date = addDays(from, 1); date <= to; date = addDays(date, 1)) {
    if (workdayInfo(date, extra).workday) count++;
  }
  return count;
}

export function deadlineColour(due: string, today: string, extra: CalendarData = {}): DeadlineColour {
  if (today <= due) return workingDaysBetween(today, due, extra) <= 1 ? 'YELLOW' : 'GREEN';
  return workingDaysBetween(due, today, extra) >= RED_AFTER_WORKING_DAYS ? 'RED' : 'ORANGE';
}
