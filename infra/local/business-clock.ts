/**
 * The business clock of the local stack: real time plus an offset that only grows. Waits, task
 * timeouts and link expiry all follow it; `POST /_local/clock` moves it forward and everything that
 * falls due fires within a second. The offset is kept in the data directory, so a restart keeps the
 * business date.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setClockSource } from '#runtime/clock';

interface Timer {
  at: number;
  fire: () => void;
}

export class BusinessClock {
  private offsetMs = 0;
  private timers = new Set<Timer>();
  private ticker: NodeJS.Timeout;
  private readonly file: string;

  /** `wall`: the machine's clock, never moved (the production profile) */
  constructor(dataDir: string, startAt?: string, wall = false) {
    this.file = join(dataDir, 'clock.json');
    if (wall) this.offsetMs = 0;
    else if (existsSync(this.file)) this.offsetMs = JSON.parse(readFileSync(this.file, 'utf8')).offsetMs ?? 0;
    else if (startAt) this.offsetMs = Date.parse(startAt) - Date.now();
    this.save();
    setClockSource(() => this.now());
    this.ticker = setInterval(() => this.check(), 500);
    this.ticker.unref();
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves business time forward (never back) by an ISO 8601 duration or to an instant. */
  advance(input: { advance?: string; now?: string }): void {
    let target = this.now();
    if (input.advance) target += parseDuration(input.advance);
    if (input.now) target = Math.max(target, Date.parse(input.now));
    if (Number.isNaN(target)) throw new RangeError('invalid time');
    this.offsetMs = Math.max(this.offsetMs, target - Date.now());
    this.save();
    this.check();
  }

  /** Calls `fire` once business time reaches `at`; returns a cancel function. */
  at(at: number, fire: () => void): () => void {
    const timer = { at, fire };
    this.timers.add(timer);
    queueMicrotask(() => this.check());
    return () => this.timers.delete(timer);
  }

  stop(): void {
    clearInterval(this.ticker);
    this.timers.clear();
  }

  private check(): void {
    const now = this.now();
    for (const timer of [...this.timers]) {
      if (timer.at <= now) {
        this.timers.delete(timer);
        timer.fire();
      }
    }
  }

  private save(): void {
    writeFileSync(this.file, JSON.stringify({ offsetMs: this.offsetMs }));
  }
}

/** ISO 8601 durations as `POST /_local/clock` takes them: P6D, PT12H, P1DT2H30M, P2W. */
export function parseDuration(text: string): number {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) throw new RangeError(`invalid ISO 8601 duration: ${text}`);
  const [, w, d, h, min, s] = m.map((v) => Number(v ?? 0));
  return ((((w! * 7 + d!) * 24 + h!) * 60 + min!) * 60 + s!) * 1000;
}
