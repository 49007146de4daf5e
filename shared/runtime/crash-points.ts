/**
 * Named points where the local runtime can be made to die on purpose (`FANGFAN_CRASH_AT`), so the
 * restart tests can kill it exactly between two writes. Ignored outside local mode.
 */
export function crashPoint(name: string): void {
  if (process.env.FANGFAN_LOCAL !== '1') return;
  if ((process.env.FANGFAN_CRASH_AT ?? '').split(',').includes(name)) process.kill(process.pid, 'SIGKILL');
}
