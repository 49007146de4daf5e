/**
 * 跟踪走访 (DOMAIN.md, Dynamic management): each monitoring household is visited at a configurable
 * interval, and at least every half year in a concentrated inspection (集中排查).
 */
import { monthsBetween } from './elimination.ts';

export interface VisitRules {
  /** days between follow-up visits (default 30) */
  intervalDays: number;
  /** months between concentrated inspections (default 6) */
  concentratedMonths: number;
}

export const DEFAULT_VISIT_RULES: VisitRules = { intervalDays: 30, concentratedMonths: 6 };

export const VISIT_KINDS = { FOLLOW_UP: '跟踪走访', CONCENTRATED: '集中排查' } as const;
export type VisitKind = keyof typeof VISIT_KINDS;

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) =>
  Math.floor((Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / DAY_MS);

export interface VisitDue {
  followUpOverdue: boolean;
  /** days past the follow-up interval (0 when not overdue) */
  overdueDays: number;
  concentratedOverdue: boolean;
  /** the next follow-up date (YYYY-MM-DD) */
  nextVisitOn: string;
}

/**
 * What is due for one household on `today`. A household never visited counts from the day it
 * became a monitoring object.
 */
export function visitDue(input: {
  monitoredSince: string;
  lastVisitOn?: string;
  lastConcentratedOn?: string;
  today: string;
  rules?: VisitRules;
}): VisitDue {
  const rules = input.rules ?? DEFAULT_VISIT_RULES;
  const last = input.lastVisitOn ?? input.monitoredSince;
  const since = daysBetween(last, input.today);
  const next = new Date(Date.parse(last.slice(0, 10)) + rules.intervalDays * DAY_MS)
    .toISOString()
    .slice(0, 10);
  const concentratedFrom = input.lastConcentratedOn ?? input.monitoredSince;
  return {
    followUpOverdue: since > rules.intervalDays,
    overdueDays: Math.max(0, since - rules.intervalDays),
    concentratedOverdue: monthsBetween(concentratedFrom, input.today) >= rules.concentratedMonths,
    nextVisitOn: next,
  };
}
