/**
 * Named points where the local runtime can be made to die on purpose (`FANGFAN_CRASH_AT`), so the
 * restart tests can kill it exactly between two writes. Ignored outside local mode.
 */
import { config } from './config.ts';
export function crashPoint(name: string): void {
  const crashAt = config.localTestHooks?.crashAt;
  if (crashAt?.split(',').includes(name)) process.kill(process.pid, 'SIGKILL');
}
