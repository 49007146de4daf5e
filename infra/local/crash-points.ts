/**
 * Named points where the twin can be made to die on purpose (`FANGFAN_CRASH_AT`, comma-separated),
 * so the restart tests kill it exactly between two writes. The twin's DynamoDB endpoint watches the
 * transactions go by and SIGKILLs the whole process right after the one that records the point's
 * audit action has committed — before the function that wrote it hears back. Production modules
 * carry no hook.
 */
import type { DynamoMeter } from './dynamodb-gateway.ts';

/** The audit action whose committed transaction each point follows. */
const POINTS: Record<string, string> = {
  /** the case is written, its workflow not yet started */
  'application-written': 'APPLICATION_SUBMITTED',
  /** the decision is recorded, the waiting step not yet told */
  'decision-recorded': 'APPROVAL_DECIDED',
};

const actionOf = (item: { Put?: { Item?: Record<string, { S?: string }> } }): string | undefined =>
  item.Put?.Item?.type?.S === 'AUDIT' ? item.Put.Item.action?.S : undefined;

/** A meter that ends the process after the named points' transactions; none when nothing is named. */
export function crashPoints(named: string | undefined): DynamoMeter | undefined {
  const actions = new Set(
    (named ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
      .map((name) => {
        const action = POINTS[name];
        if (!action) throw new Error(`FANGFAN_CRASH_AT: unknown point ${name}`);
        return action;
      }),
  );
  if (actions.size === 0) return undefined;
  return (operation, input, output) => {
    if (operation !== 'TransactWriteItems' || output?.__type) return;
    const items: Parameters<typeof actionOf>[0][] = input?.TransactItems ?? [];
    if (items.some((item) => actions.has(actionOf(item) ?? ''))) process.kill(process.pid, 'SIGKILL');
  };
}

/** Both meters, the benchmark's first. */
export function bothMeters(a?: DynamoMeter, b?: DynamoMeter): DynamoMeter | undefined {
  if (!a || !b) return a ?? b;
  return (operation, input, output) => {
    a(operation, input, output);
    b(operation, input, output);
  };
}
