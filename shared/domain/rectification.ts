/**
 * 问题整改台账 (annexes 3-1 and 3-2): the 四项清单 of each problem and its lifecycle, and how a change
 * moves the 汇总表's counters (annex 4). Counters change with the problem they count, so the summary
 * never has to recount.
 */

/** 面上问题层级 (3-2); household problems (3-1) belong to their village. */
export const AREA_LEVELS = { COUNTY: '县级层面', TOWNSHIP: '镇级层面', VILLAGE: '村级层面' } as const;
export type AreaLevel = keyof typeof AREA_LEVELS;

export const PROBLEM_STATUSES = {
  OPEN: '待整改',
  IN_PROGRESS: '正在整改',
  RECTIFIED: '已整改待复核',
  CLOSED: '已销号',
} as const;
export type ProblemStatus = keyof typeof PROBLEM_STATUSES;

export type ProblemAction = 'start' | 'rectify' | 'recheck-pass' | 'recheck-fail';

/** open → in progress → rectified with evidence → re-checked by a second person → closed; a failed re-check reopens. */
const MOVES: Record<ProblemAction, { from: readonly ProblemStatus[]; to: ProblemStatus }> = {
  start: { from: ['OPEN'], to: 'IN_PROGRESS' },
  rectify: { from: ['OPEN', 'IN_PROGRESS'], to: 'RECTIFIED' },
  'recheck-pass': { from: ['RECTIFIED'], to: 'CLOSED' },
  'recheck-fail': { from: ['RECTIFIED'], to: 'IN_PROGRESS' },
};

export function nextStatus(status: ProblemStatus, action: ProblemAction): ProblemStatus | undefined {
  const move = MOVES[action];
  return move.from.includes(status) ? move.to : undefined;
}

/** 已整改数 counts closed problems (销号); 正在整改数 the rest. */
export const isRectified = (status: ProblemStatus): boolean => status === 'CLOSED';

export interface CounterDelta {
  total: number;
  rectified: number;
  inProgress: number;
}

/** How one problem's change moves its counters (`before` undefined: a new problem). */
export function counterDelta(before: ProblemStatus | undefined, after: ProblemStatus): CounterDelta {
  const weight = (s: ProblemStatus | undefined) =>
    s === undefined
      ? { total: 0, rectified: 0, inProgress: 0 }
      : { total: 1, rectified: isRectified(s) ? 1 : 0, inProgress: isRectified(s) ? 0 : 1 };
  const a = weight(before);
  const b = weight(after);
  return {
    total: b.total - a.total,
    rectified: b.rectified - a.rectified,
    inProgress: b.inProgress - a.inProgress,
  };
}

export interface Deadline {
  /** YYYY-MM-DD, inclusive */
  deadline: string;
  status: ProblemStatus;
}

/** Days until a deadline (negative when past), on business dates. */
export function daysLeft(deadline: string, today: string): number {
  return Math.round((Date.parse(deadline) - Date.parse(today)) / 86_400_000);
}

/** Reminder before the deadline, escalation after; closed or rectified problems are not chased. */
export function deadlineAction(
  problem: Deadline,
  today: string,
  remindDaysBefore = 3,
): 'REMIND' | 'ESCALATE' | undefined {
  if (problem.status === 'CLOSED' || problem.status === 'RECTIFIED') return undefined;
  const left = daysLeft(problem.deadline, today);
  if (left < 0) return 'ESCALATE';
  if (left <= remindDaysBefore) return 'REMIND';
  return undefined;
}

export const isOverdue = (problem: Deadline, today: string): boolean =>
  problem.status !== 'CLOSED' && problem.status !== 'RECTIFIED' && daysLeft(problem.deadline, today) < 0;
