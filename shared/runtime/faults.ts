/**
 * Transient faults on purpose, for the reliability suites: `FANGFAN_FAULTS={"dynamodb":0.2,"s3":0.2,
 * "notify":0.2}` makes that share of calls fail the way a throttled service does; a target may also
 * be `{"rate": 1, "until": "<ISO time>"}`, failing until then in business time (an outage). Only in
 * local mode. The SDK fault sits below the SDK's retry layer, so what is tested is the whole retry path.
 */
import type { MiddlewareStack } from '@smithy/types';
import { nowIso } from './clock.ts';
import { config } from './config.ts';

export type FaultTarget = 'dynamodb' | 's3' | 'notify';

export function faultRate(target: FaultTarget): number {
  const faults = config.localTestHooks?.faults;
  if (!faults) return 0;
  const spec = (JSON.parse(faults) as Record<string, number | { rate: number; until?: string }>)[target];
  if (typeof spec === 'object' && spec !== null)
    return !spec.until || nowIso() < spec.until ? Number(spec.rate) : 0;
  return Number(spec ?? 0);
}

export class InjectedFault extends Error {
  override name = 'ThrottlingException';
  readonly $retryable = { throttling: true };
  readonly $metadata = { httpStatusCode: 400 };
  constructor(target: FaultTarget) {
    super(`injected transient fault (${target})`);
  }
}

/** Throws an injected fault with the configured probability. */
export function maybeFail(target: FaultTarget): void {
  const rate = faultRate(target);
  if (rate > 0 && Math.random() < rate) throw new InjectedFault(target);
}

/** Adds the fault below the client's retry middleware (per attempt). */
// biome-ignore lint/suspicious/noExplicitAny: any SDK client's stack
export function injectFaults(
  client: { middlewareStack: MiddlewareStack<any, any> },
  target: FaultTarget,
): void {
  if (faultRate(target) === 0) return;
  client.middlewareStack.add(
    (next) => async (args) => {
      maybeFail(target);
      return next(args);
    },
    { step: 'deserialize', name: `fangfanFault-${target}` },
  );
}
