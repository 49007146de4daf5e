/**
 * The local stand-in for EventBridge schedules: a job runs daily at a fixed UTC hour of business
 * time. Moving the business clock over several days runs it once, as a late schedule would.
 */
import type { BusinessClock } from './business-clock.ts';

const DAY = 86_400_000;

export function runDaily(
  clock: BusinessClock,
  utcHour: number,
  job: () => Promise<unknown>,
): { stop: () => void } {
  let cancel: (() => void) | undefined;
  let stopped = false;
  // the next run is the first boundary after the last one began, so business time that moved on while
  // a run was still going is caught up at once rather than skipped
  let anchor = clock.now();
  const schedule = () => {
    if (stopped) return;
    let next = Math.floor(anchor / DAY) * DAY + utcHour * 3_600_000;
    if (next <= anchor) next += DAY;
    cancel = clock.at(next, () => {
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
