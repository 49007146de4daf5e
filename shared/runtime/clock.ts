/**
 * The business clock. On AWS it is the wall clock. The local runtime replaces the source so that
 * publicity, timeouts and link expiry all follow one clock that can be moved forward.
 */
let source: () => number = () => Date.now();

export const now = (): Date => new Date(source());
export const nowIso = (): string => now().toISOString();

export function setClockSource(fn: () => number): void {
  source = fn;
}
