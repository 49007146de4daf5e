/**
 * The local stand-in for EventBridge schedules, on business time: a job daily at a fixed UTC hour, or
 * every period (a rate schedule). Moving the business clock over several runs runs it once, as a late
 * schedule would; a run still going is not overlapped.
 */
import type { BusinessClock } from './business-clock.ts';

const DAY = 86_400_000;

/** Runs `job` at each time `next` gives after the last run began. */
function repeat(
  clock: BusinessClock,
  next: (after: number) => number,
  job: () => Promise<unknown>,
): { stop: () => void } {
  let cancel: (() => void) | undefined;
  let stopped = false;
  // the next run is the first boundary after the last one began, so business time that moved on while
  // a run was still going is caught up at once rather than skipped
  let anchor = clock.now();
  const schedule = () => {
    if (stopped) return;
    cancel = clock.at(next(anchor), () => {
      anchor = clock.now();
      job()
        .catch((error) => console.error('scheduled job failed', error))
        .finally(schedule);
    });
  };
  schedule();
  return {
    stop() {
      stopped = true;
      cancel?.();
    },
  };
}

export function runDaily(clock: BusinessClock, utcHour: number, job: () => Promise<unknown>) {
  return repeat(
    clock,
    (after) => {
      const next = Math.floor(after / DAY) * DAY + utcHour * 3_600_000;
      return next <= after ? next + DAY : next;
    },
    job,
  );
}

export function runEvery(clock: BusinessClock, periodMs: number, job: () => Promise<unknown>) {
  return repeat(clock, (after) => (Math.floor(after / periodMs) + 1) * periodMs, job);
}
