/**
 * Working days for publicity (公示). Statutory holidays and 调休 make-up workdays come from
 * `chinese-days` (2004–2026); later years may be added by configuration when the State Council
 * notice comes out. A date in a year with neither is computed from weekends and the fixed-date
 * holidays and marked provisional, so a deadline is never silently taken as final.
 */
import chineseDays from 'chinese-days';

const isWorkdayFromData = chineseDays.isWorkday;

/** The last year `chinese-days` 1.5 carries; beyond it the package silently treats days as Mon–Fri. */
export const LAST_PACKAGED_YEAR = 2026;
export const FIRST_PACKAGED_YEAR = 2004;

/** Holiday data added by configuration, per year: every day off that is not a weekend, every weekend day worked. */
export interface CalendarData {
  [year: string]: { holidays: string[]; workdays: string[] };
}

/** Fixed-date statutory holidays (元旦, 劳动节, 国庆节); the lunar ones need the yearly notice. */
const FIXED_HOLIDAYS = ['01-01', '05-01', '05-02', '10-01', '10-02', '10-03'];

const DAY_MS = 86_400_000;
/** Business dates are in Asia/Shanghai, which has no daylight saving. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The business date (Asia/Shanghai) of an instant. */
export const businessDate = (instant: Date | string): string =>
  new Date(new Date(instant).getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** The instant a business date ends (its midnight in Asia/Shanghai), as RFC 3339 UTC with `Z`. */
export const endOfBusinessDate = (date: string): string =>
  new Date(Date.parse(`${addDays(date, 1)}T00:00:00Z`) - SHANGHAI_OFFSET_MS)
    .toISOString()
    .replace('.000Z', 'Z');

export function hasHolidayData(year: number, extra: CalendarData = {}): boolean {
  return String(year) in extra || (year >= FIRST_PACKAGED_YEAR && year <= LAST_PACKAGED_YEAR);
}

export function workdayInfo(
  date: string,
  extra: CalendarData = {},
): { workday: boolean; provisional: boolean } {
  const year = date.slice(0, 4);
  const configured = extra[year];
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  if (configured) {
    if (configured.holidays.includes(date)) return { workday: false, provisional: false };
    if (configured.workdays.includes(date)) return { workday: true, provisional: false };
    return { workday: !weekend, provisional: false };
  }
  if (hasHolidayData(Number(year))) return { workday: isWorkdayFromData(date), provisional: false };
  return { workday: !weekend && !FIXED_HOLIDAYS.includes(date.slice(5)), provisional: true };
}

export interface PublicityOptions {
  /** working days the posting lasts (default 5) */
  days?: number;
  /** count the posting day itself (default: counting starts the day after) */
  countPostingDay?: boolean;
  /** count calendar days instead of working days */
  calendarDays?: boolean;
  extra?: CalendarData;
}

export interface PublicityPeriod {
  postedOn: string;
  /** the last day of publicity */
  lastDay: string;
  /** the instant publicity ends: the end of `lastDay` in Asia/Shanghai, RFC 3339 UTC */
  endsAt: string;
  /** some day counted lies in a year without holiday data */
  provisional: boolean;
}

/** End of publicity: the end of the N-th working day after the posting day. */
export function publicityPeriod(postedOn: string, options: PublicityOptions = {}): PublicityPeriod {
  const days = options.days ?? 5;
  if (!Number.isInteger(days) || days < 1) throw new RangeError('公示天数应为正整数');
  let date = options.countPostingDay ? postedOn : addDays(postedOn, 1);
  let counted = 0;
  let provisional = false;
  for (;;) {
    const info = workdayInfo(date, options.extra);
    provisional ||= info.provisional && !options.calendarDays;
    if (options.calendarDays || info.workday) counted++;
    if (counted === days) break;
    date = addDays(date, 1);
  }
  return { postedOn, lastDay: date, endsAt: endOfBusinessDate(date), provisional };
}
