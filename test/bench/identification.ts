/** B1–B3: intake, a click until the next approver is told, and the transitions and bill of the application chain. */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '#runtime/dynamodb-client';
import type { LocalStack } from '../../infra/local/stack.ts';
import { applicationBody, MEETING, PDF } from '../support/local-stack.ts';
import {
  CLIENTS,
  decide,
  INTAKE,
  linkFor,
  ms,
  pct,
  pool,
  post,
  rawPutsPerSecond,
  store,
  waitFor,
} from './common.ts';

/** B1: applications per second through the gateway against raw PutItem per second, same DynamoDB Local. */
export async function b1(stack: LocalStack) {
  const items = INTAKE * 3;
  const rawPerSecond = await rawPutsPerSecond(items, (i) => ({
    PK: `BENCH#${i % 97}`,
    SK: `${i}`,
    payload: 'x'.repeat(900),
  }));
  // the floor under intake: the same 5-item transaction it writes, raw
  const txStarted = performance.now();
  await pool(INTAKE, CLIENTS, (i) =>
    ddb().send(
      new TransactWriteCommand({
        TransactItems: Array.from({ length: 5 }, (_, k) => ({
          Put: {
            TableName: 'fangfan',
            Item: { PK: `BENCHTX#${i}#${k}`, SK: 'x', payload: 'x'.repeat(k === 3 ? 1200 : 200) },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        })),
      }),
    ),
  );
  const txPerSecond = INTAKE / ((performance.now() - txStarted) / 1000);
  const latencies: number[] = [];
  const callsBefore = capacity.calls;
  const started = performance.now();
  const answers = await pool(INTAKE, CLIENTS, async (i) => {
    const t = performance.now();
    const answer = await post(
      stack,
      '/webhooks/applications',
      applicationBody({ village: `341302105${201 + (i % 3)}`, group: '第一村民小组' }),
    );
    latencies.push(performance.now() - t);
    return answer;
  });
  const perSecond = INTAKE / ((performance.now() - started) / 1000);
  if (process.env.BENCH_TRACE) console.log('calls per intake', (capacity.calls - callsBefore) / INTAKE);
  const accepted = answers.filter((a) => a.status === 202).length;
  return {
    figures: `intake ${perSecond.toFixed(0)}/s vs raw PutItem ${rawPerSecond.toFixed(0)}/s → ratio ${(perSecond / rawPerSecond).toFixed(2)} (target ≥ 0.25); raw 5-item TransactWriteItems ${txPerSecond.toFixed(0)}/s (intake writes one, plus ~5 other calls); p50 ${ms(pct(latencies, 50))}, p99 ${ms(pct(latencies, 99))} (target < 250 ms); ${accepted}/${INTAKE} accepted at ${CLIENTS} clients`,
    answers,
  };
}

/** B2: an approver's click until the next approver's link is in the outbox. */
export async function b2(answers: { body: any }[]) {
  const cases = answers.slice(0, 60).filter((a) => a.body.applicationId.startsWith('341302105201'));
  await pool(cases.length, 10, async (i) => {
    const res = await fetch(cases[i]!.body.commitment.uploadUrl, { method: 'PUT', body: PDF });
    await res.arrayBuffer();
  });
  const delays: number[] = [];
  for (const c of cases) {
    const id = c.body.applicationId as string;
    const link = await waitFor(() => linkFor('p-gl-201', id));
    const t = performance.now();
    await decide(link, { decision: 'approve' });
    await waitFor(() => linkFor('p-vc-201', id), 10_000, 2);
    delays.push(performance.now() - t);
  }
  return `click → next approver notified over ${delays.length} cases: p50 ${ms(pct(delays, 50))}, p99 ${ms(pct(delays, 99))} (target p99 < 1 s)`;
}

/** Request units DynamoDB reports for every call the functions make (ReturnConsumedCapacity). */
export const capacity = { write: 0, read: 0, calls: 0 };
/** Counts the capacity units DynamoDB reports for every call the stack's functions make. */
export function meterCapacity(operation: string, _input: unknown, output: any) {
  capacity.calls++;
  const consumed = [output?.ConsumedCapacity ?? []].flat();
  const units = consumed.reduce((sum: number, c: any) => sum + (c?.CapacityUnits ?? 0), 0);
  if (process.env.BENCH_TRACE && units > 0) console.log('CAP', units, operation);
  if (/^(Put|Update|Delete|BatchWrite|TransactWrite)/.test(operation)) capacity.write += units;
  else capacity.read += units;
}

/** B3: transitions per application on the happy path, and the AWS bill per 10,000 applications. */
export async function b3(stack: LocalStack) {
  const before = { ...capacity };
  let apiRequests = 0;
  const answer = await post(
    stack,
    '/webhooks/applications',
    applicationBody({ village: '341302105203', group: '第三村民小组' }),
  );
  apiRequests++;
  const id = answer.body.applicationId as string;
  await (await fetch(answer.body.commitment.uploadUrl, { method: 'PUT', body: PDF })).arrayBuffer();
  const approve = async (personId: string, extra: object = {}) => {
    const link = await waitFor(() => linkFor(personId, id));
    await (await fetch(link, { headers: { accept: 'application/json' } })).arrayBuffer(); // the approver opens the page
    await decide(link, { decision: 'approve', ...extra });
    apiRequests += 2;
  };
  await approve('p-gl-203');
  await approve('p-vc-203', { meeting: MEETING });
  await waitFor(async () => ((await store().getApplication(id))?.publicity ? true : undefined));
  await fetch(`${stack.url}/_local/clock`, { method: 'POST', body: JSON.stringify({ advance: 'P10D' }) });
  await approve('p-tr-105');
  await approve('p-df-302');
  await approve('p-se-302');
  await waitFor(async () => ((await store().getApplication(id))?.stage === 'ACTIVE' ? true : undefined));
  await new Promise((r) => setTimeout(r, 500));
  const record = stack.engine.describe(id)!;
  const transitions = record.transitions;
  const lambdaInvocations = apiRequests + 1 /* the S3 event */ + (record.invocations ?? 0);
  const writes = capacity.write - before.write;
  const reads = capacity.read - before.read;
  const n = 10_000;
  // List prices, us-east-1, on demand (2025): Step Functions Standard, Lambda arm64, DynamoDB on-demand,
  // S3 Standard, API Gateway HTTP API.
  const price = {
    transition: 0.000025,
    lambdaRequest: 0.2 / 1e6,
    lambdaGbSecond: 0.0000133334,
    write: 0.625 / 1e6,
    read: 0.125 / 1e6,
    s3Put: 0.005 / 1000,
    s3Get: 0.0004 / 1000,
    api: 1.0 / 1e6,
  };
  const rows: [string, string, number][] = [
    ['Step Functions', `${transitions} transitions × $0.000025`, transitions * price.transition * n],
    ['Lambda requests', `${lambdaInvocations} invocations`, lambdaInvocations * price.lambdaRequest * n],
    [
      'Lambda compute',
      `${lambdaInvocations} × 0.5 GB × 0.2 s (assumed)`,
      lambdaInvocations * 0.5 * 0.2 * price.lambdaGbSecond * n,
    ],
    [
      'DynamoDB',
      `${writes.toFixed(0)} WRU + ${reads.toFixed(0)} RRU (measured)`,
      (writes * price.write + reads * price.read) * n,
    ],
    [
      'S3',
      '1 PUT + 1 GET, 100 KB stored a month',
      (price.s3Put + price.s3Get) * n + ((n * 0.1) / 1024) * 0.023,
    ],
    ['HTTP API', `${apiRequests} requests`, apiRequests * price.api * n],
  ];
  const total = rows.reduce((sum, [, , cost]) => sum + cost, 0);
  const table = [
    '| item | per application | US$ per 10,000 |',
    '|---|---|---|',
    ...rows.map(([item, basis, cost]) => `| ${item} | ${basis} | ${cost.toFixed(2)} |`),
    `| **total** | | **${total.toFixed(2)}** |`,
  ].join('\n');
  return {
    figures: `${transitions} transitions per application on the happy path (target ≤ 25; ${record.replayed ?? 0} local replays not counted), ${lambdaInvocations} Lambda invocations, ${writes.toFixed(0)} WRU / ${reads.toFixed(0)} RRU; US$ ${total.toFixed(2)} per 10,000 applications (target ≤ 8)`,
    table,
  };
}
