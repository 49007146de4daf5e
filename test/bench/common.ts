/** What every benchmark of `npm run bench` shares: client pools, percentiles, the raw baselines, signed posts. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { signWebhook } from '#http/webhook-auth';
import { ddb } from '#runtime/dynamodb-client';
import { DynamoStore } from '#store/dynamodb-store';
import type { LocalStack } from '../../infra/local/stack.ts';

export const INTAKE = Number(process.env.BENCH_INTAKE ?? 1000);
export const OPEN_CASES = Number(process.env.BENCH_OPEN_CASES ?? 10_000);
export const CLIENTS = 50;

export const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
export const ms = (v: number) => `${v.toFixed(1)} ms`;

export async function pool<T>(count: number, limit: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}

/** Raw PutItems per second at CLIENTS concurrency: the baseline every ratio divides by, same run. */
export async function rawPutsPerSecond(
  count: number,
  item: (i: number) => Record<string, unknown>,
): Promise<number> {
  const started = performance.now();
  await pool(count, CLIENTS, (i) => ddb().send(new PutCommand({ TableName: 'fangfan', Item: item(i) })));
  return count / ((performance.now() - started) / 1000);
}

/** The run's stack and its webhook secret, set once by `run.ts`. */
export const bench = {} as { stack: LocalStack; hotline: string };
export async function post(stack: LocalStack, path: string, body: unknown) {
  const raw = JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(12).toString('hex');
  const response = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-fangfan-channel': 'hotline',
      'x-fangfan-timestamp': timestamp,
      'x-fangfan-nonce': nonce,
      'x-fangfan-signature': signWebhook(bench.hotline, timestamp, nonce, raw),
    },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as any };
}

export const store = () => new DynamoStore();

export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 5,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const linkFor = async (personId: string, applicationId: string) =>
  (await bench.stack.outbox.list(personId)).find((m) => m.link && m.text.includes(applicationId))?.link;

export async function decide(link: string, body: unknown) {
  const response = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return response.status;
}

export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

export async function staffToken(stack: LocalStack, personId: string): Promise<string> {
  const login = await fetch(`${stack.url}/_local/login`, {
    method: 'POST',
    body: JSON.stringify({ personId }),
  });
  return ((await login.json()) as { token: string }).token;
}

/** Peak RSS of this process while `work` runs. */
export async function peakRss<T>(
  work: () => Promise<T>,
): Promise<{ result: T; peak: number; seconds: number }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  try {
    const result = await work();
    return { result, peak, seconds: (performance.now() - started) / 1000 };
  } finally {
    clearInterval(sampler);
  }
}
