/**
 * `npm run bench`: B1–B5 of the application chain, B6 of the registry import and B7–B9 of the
 * inspection campaign, measured side by side in one run on one local stack, each appended as a dated
 * row to BENCHMARKS.md. Sizes: BENCH_INTAKE (default 1000), BENCH_OPEN_CASES (default 10000),
 * BENCH_IMPORT (default 10000), BENCH_FORMS (default 10000), BENCH_PROBLEMS (default 100000);
 * BENCH_ONLY=B1,B6 runs some of them (B2 comes with B1, B9 with B8). Not a test: nothing here asserts; targets are reported.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { IMPORT_COLUMNS } from '#cases/registry-import';
import { signWebhook } from '#http/webhook-auth';
import { ddb } from '#runtime/dynamodb-client';
import { DynamoStore } from '#store/dynamodb-store';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { applicationBody, MEETING, PDF, sampleIdNumber } from '../support/local-stack.ts';

const INTAKE = Number(process.env.BENCH_INTAKE ?? 1000);
const OPEN_CASES = Number(process.env.BENCH_OPEN_CASES ?? 10_000);
const CLIENTS = 50;

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function pool<T>(count: number, limit: number, work: (i: number) => Promise<T>): Promise<T[]> {
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
async function rawPutsPerSecond(
  count: number,
  item: (i: number) => Record<string, unknown>,
): Promise<number> {
  const started = performance.now();
  await pool(count, CLIENTS, (i) => ddb().send(new PutCommand({ TableName: 'fangfan', Item: item(i) })));
  return count / ((performance.now() - started) / 1000);
}

let secrets: { hotline: string };
async function post(stack: LocalStack, path: string, body: unknown) {
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
      'x-fangfan-signature': signWebhook(secrets.hotline, timestamp, nonce, raw),
    },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as any };
}

const store = () => new DynamoStore();

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 5): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const linkFor = async (personId: string, applicationId: string) =>
  (await stack.outbox.list(personId)).find((m) => m.link && m.text.includes(applicationId))?.link;

async function decide(link: string, body: unknown) {
  const response = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return response.status;
}

/** B1: applications per second through the gateway against raw PutItem per second, same DynamoDB Local. */
async function b1(stack: LocalStack) {
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
async function b2(answers: { body: any }[]) {
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
const capacity = { write: 0, read: 0, calls: 0 };
/** Counts the capacity units DynamoDB reports for every call the stack's functions make. */
function meterCapacity(operation: string, _input: unknown, output: any) {
  capacity.calls++;
  const consumed = [output?.ConsumedCapacity ?? []].flat();
  const units = consumed.reduce((sum: number, c: any) => sum + (c?.CapacityUnits ?? 0), 0);
  if (process.env.BENCH_TRACE && units > 0) console.log('CAP', units, operation);
  if (/^(Put|Update|Delete|BatchWrite|TransactWrite)/.test(operation)) capacity.write += units;
  else capacity.read += units;
}

/** B3: transitions per application on the happy path, and the AWS bill per 10,000 applications. */
async function b3(stack: LocalStack) {
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

/** B4: each function's bundle (minified, AWS SDK provided by the runtime) and its cold import time. */
async function b4() {
  const dir = mkdtempSync(join(process.cwd(), '.bench-bundles-'));
  const rows: string[] = [];
  const names = execFileSync('ls', ['functions']).toString().trim().split('\n');
  let worst = { size: 0, init: 0 };
  try {
    for (const name of names) {
      const outfile = join(dir, `${name}.mjs`);
      await build({
        entryPoints: [`functions/${name}/handler.ts`],
        bundle: true,
        minify: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        outfile,
        external: ['@aws-sdk/*'],
        banner: {
          js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
        },
        logLevel: 'silent',
      });
      const size = statSync(outfile).size;
      const inits: number[] = [];
      for (let i = 0; i < 5; i++) {
        const out = spawnSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const t=performance.now();await import(${JSON.stringify(outfile)});console.log(performance.now()-t)`,
          ],
          { encoding: 'utf8' },
        );
        inits.push(Number(out.stdout.trim()));
      }
      const init = pct(inits, 50);
      worst = { size: Math.max(worst.size, size), init: Math.max(worst.init, init) };
      rows.push(`${name} ${(size / 1024).toFixed(0)} KB / ${init.toFixed(0)} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return `largest bundle ${(worst.size / 1024).toFixed(0)} KB (target ≤ 500 KB), slowest cold import ${worst.init.toFixed(0)} ms (target ≤ 150 ms): ${rows.join('; ')}`;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

/** B5: memory with open cases parked in waits, and the time a restart takes to resume them all. */
async function b5(stack: LocalStack, dataDir: string) {
  const started = performance.now();
  await pool(OPEN_CASES, CLIENTS, async (i) => {
    const answer = await post(
      stack,
      '/webhooks/applications',
      applicationBody({ village: `341302105${201 + (i % 3)}`, group: '第二村民小组' }),
    );
    if (answer.status !== 202) return;
    const res = await fetch(answer.body.commitment.uploadUrl, { method: 'PUT', body: PDF });
    await res.arrayBuffer();
  });
  // parked once each scan is taken and the case waits at its first approval
  await stack.eventsHandled();
  const parkedIn = (performance.now() - started) / 1000;
  const open = stack.engine.openExecutions();
  await new Promise((r) => setTimeout(r, 5000));
  global.gc?.();
  const nodeRss = process.memoryUsage().rss;
  const heap = process.memoryUsage().heapUsed;
  const javaRss = rssOf(stack.dynamoPid);
  await stack.stop();
  const restartStarted = performance.now();
  const again = await startLocalStack({ dataDir, port: 3999 });
  const restartSeconds = (performance.now() - restartStarted) / 1000;
  const resumed = again.engine.openExecutions();
  await new Promise((r) => setTimeout(r, 3000));
  const rssAfter = process.memoryUsage().rss;
  await again.stop();
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
  return (
    `${OPEN_CASES} cases parked (made in ${parkedIn.toFixed(0)} s; ${open} executions open in all): runtime RSS ${gib(nodeRss)} (target ≤ 1 GiB), JS heap ${gib(heap)}` +
    ` (${(heap / open / 1024).toFixed(0)} KB per open execution) + DynamoDB Local JVM ${gib(javaRss)}; restart resumed ${resumed} executions in ${restartSeconds.toFixed(1)} s, RSS after ${gib(rssAfter)}`
  );
}

const IMPORT_HOUSEHOLDS = Number(process.env.BENCH_IMPORT ?? 10_000);

/** One registry CSV: `households` households of three members across the sample villages. */
function registryCsv(households: number, badRows: number): { csv: string; rows: number } {
  const header = IMPORT_COLUMNS.join(',');
  const lines = [header];
  const villages = ['341302105201', '341302105202', '341302105203'];
  let n = 0;
  const id = () => {
    const day = new Date(Date.UTC(1950, 0, 1) + Math.floor(n / 999) * 86_400_000)
      .toISOString()
      .slice(0, 10)
      .replaceAll('-', '');
    const serial = String((n % 999) + 1).padStart(3, '0');
    n++;
    return sampleIdNumber(`341302${day}${serial}`);
  };
  for (let h = 0; h < households; h++) {
    const village = villages[h % villages.length]!;
    const head = id();
    const members = [
      [head, '户主', '普通劳动力', '非在校生', '稳定务工', '2026', '24000', '2000', '0', '1500', '500'],
      [id(), '配偶', '普通劳动力', '非在校生', '在家务农', '', '', '', '', '', ''],
      [id(), '子女', '无劳动力（老人、儿童、在校生）', '义务教育', '未务工', '', '', '', '', '', ''],
    ];
    for (const [
      memberId,
      relation,
      labour,
      school,
      work,
      year,
      wages,
      business,
      property,
      transfers,
      costs,
    ] of members) {
      lines.push(
        [
          village,
          '第一村民小组',
          '一般农户',
          head,
          relation === '户主' ? '13800000000' : '',
          `成员${h}`,
          memberId,
          relation,
          '健康',
          labour,
          school,
          work,
          '是',
          '是',
          '否',
          '否',
          year,
          wages,
          business,
          property,
          transfers,
          costs,
          '否',
          '否',
          '否',
        ].join(','),
      );
    }
  }
  // bad rows: a wrong check character, spread through the file
  for (let b = 0; b < badRows; b++) {
    const at = 1 + Math.floor(((b + 0.5) * (lines.length - 1)) / badRows);
    const cells = lines[at]!.split(',');
    const wrong = cells[6]!.slice(0, 17) + (cells[6]!.at(-1) === '0' ? '1' : '0');
    cells[6] = wrong;
    if (cells[7] === '户主') cells[3] = wrong;
    lines[at] = cells.join(',');
  }
  return { csv: `${lines.join('\n')}\n`, rows: lines.length - 1 };
}

/** B6: a 10,000-household registry import: refused whole with bad rows, then written, against raw writes. */
async function b6(stack: LocalStack) {
  const token = await staffToken(stack, 'p-df-302');
  const send = async (csv: string) => {
    const { result, peak, seconds } = await peakRss(async () => {
      const response = await fetch(`${stack.url}/households/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: csv,
      });
      return { status: response.status, body: (await response.json()) as any };
    });
    return { ...result, seconds, peak };
  };
  const count = async () =>
    (
      await Promise.all(
        ['341302105201', '341302105202', '341302105203'].map((v) => store().listHouseholds(v)),
      )
    ).flat().length;
  const before = await count();
  const bad = registryCsv(IMPORT_HOUSEHOLDS, 10);
  const refused = await send(bad.csv);
  const afterRefusal = await count();
  const good = registryCsv(IMPORT_HOUSEHOLDS, 0);
  const imported = await send(good.csv);
  const afterImport = await count();
  // raw writes of the same number of items, 50 at a time, in the same run
  const rawPerSecond = await rawPutsPerSecond(IMPORT_HOUSEHOLDS, (i) => ({
    PK: `BENCH#${i % 100}`,
    SK: `H#${i}`,
    members: [{ n: 1 }, { n: 2 }, { n: 3 }],
    payload: 'x'.repeat(600),
  }));
  const perSecond = IMPORT_HOUSEHOLDS / imported.seconds;
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  return (
    `${IMPORT_HOUSEHOLDS} households (${good.rows} rows, ${(Buffer.byteLength(good.csv) / 2 ** 20).toFixed(1)} MiB CSV): ` +
    `with 10 bad rows refused in ${refused.seconds.toFixed(1)} s (${refused.status}, ${refused.body.error?.fields?.length} problems named, ${afterRefusal - before} households written); ` +
    `clean file imported in ${imported.seconds.toFixed(1)} s (${imported.status}, ${afterImport - before} households written) = ${perSecond.toFixed(0)} households/s ` +
    `vs ${rawPerSecond.toFixed(0)} raw PutItem/s → ratio ${(perSecond / rawPerSecond).toFixed(2)}; peak RSS of the one process running stack and client ${mib(imported.peak)}`
  );
}

const FORMS = Number(process.env.BENCH_FORMS ?? 10_000);
const DISTRICT_PROBLEMS = Number(process.env.BENCH_PROBLEMS ?? 100_000);

async function staffToken(stack: LocalStack, personId: string): Promise<string> {
  const login = await fetch(`${stack.url}/_local/login`, {
    method: 'POST',
    body: JSON.stringify({ personId }),
  });
  return ((await login.json()) as { token: string }).token;
}

async function newCampaign(stack: LocalStack, name: string): Promise<string> {
  const token = await staffToken(stack, 'p-tr-105');
  const response = await fetch(`${stack.url}/townships/341302105/campaigns`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, year: 2026 }),
  });
  return ((await response.json()) as { campaignId: string }).campaignId;
}

/** Peak RSS of this process while `work` runs. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ result: T; peak: number; seconds: number }> {
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

/** B7: 10,000 入户排查表 through the signed webhook against raw PutItem, same run. */
async function b7(stack: LocalStack) {
  const campaignId = await newCampaign(stack, 'B7 入户排查');
  const rawPerSecond = await rawPutsPerSecond(FORMS, (i) => ({
    PK: `BENCHF#${i % 97}`,
    SK: `${i}`,
    payload: 'x'.repeat(900),
  }));
  const latencies: number[] = [];
  const started = performance.now();
  const answers = await pool(FORMS, CLIENTS, async (i) => {
    const village = 201 + (i % 3);
    const day = new Date(Date.UTC(1940, 0, 1) + Math.floor(i / 999) * 86_400_000)
      .toISOString()
      .slice(0, 10)
      .replaceAll('-', '');
    const t = performance.now();
    const answer = await post(stack, '/webhooks/inspections', {
      requestId: `b7-${i}-${campaignId}`,
      campaignId,
      village: `341302105${village}`,
      group: '第一村民小组',
      householdType: 'LIFTED',
      head: {
        name: '户主',
        idNumber: sampleIdNumber(`341302${day}${String((i % 999) + 1).padStart(3, '0')}`),
        phone: '13700000000',
      },
      householdSize: 3,
      items: [
        { category: 2, item: 5, problem: '慢性病未办理慢性病证' },
        { category: 7, item: 1, problem: '有劳动能力未稳岗就业' },
      ],
      judgement: { suspectedRisk: false, proposeReview: false },
      inspectorPersonId: `p-vc-${village}`,
    });
    latencies.push(performance.now() - t);
    return answer.status;
  });
  const perSecond = FORMS / ((performance.now() - started) / 1000);
  return (
    `${FORMS} forms (2 problems each) at ${CLIENTS} clients: ${perSecond.toFixed(0)} forms/s vs raw PutItem ${rawPerSecond.toFixed(0)}/s → ratio ${(perSecond / rawPerSecond).toFixed(2)}; ` +
    `p50 ${ms(pct(latencies, 50))}, p99 ${ms(pct(latencies, 99))}; ${answers.filter((s) => s === 201).length}/${FORMS} filed`
  );
}

/** A synthetic district's ledger: problems over 400 villages and the 12 types, written with their counters. */
function syntheticProblems(campaignId: string, from: number, count: number) {
  const at = new Date().toISOString();
  const problems = Array.from({ length: count }, (_, k) => {
    const n = from + k;
    const village = `341302${String(101 + (n % 20)).padStart(3, '0')}${String(201 + (Math.floor(n / 20) % 20)).padStart(3, '0')}`;
    const status = (['OPEN', 'IN_PROGRESS', 'RECTIFIED', 'CLOSED'] as const)[n % 4]!;
    return {
      problemId: `${campaignId}.PB${String(n).padStart(8, '0')}`,
      campaignId,
      kind: 'HOUSEHOLD' as const,
      unit: village,
      village,
      household: { name: `户主${n}`, householdType: 'LIFTED' as const, formId: `FB${n}` },
      category: 1 + (Math.floor(n / 400) % 12),
      item: 1,
      content: '合成数据：问题具体内容',
      measure: '合成数据：整改措施',
      responsible: { name: '责任人', unit: '村委会' },
      deadline: '2026-06-25',
      status,
      evidence: [],
      history: [{ status, by: 'bench', at }],
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
  });
  // chunks that share counters: sorted by unit and type
  return problems.sort((a, b) => `${a.unit}${a.category}`.localeCompare(`${b.unit}${b.category}`));
}

/**
 * B8: the 汇总表 of a synthetic district at 10,000 and at 100,000 problems, two campaigns loaded first
 * and then read in turn, so both sizes are measured under the same conditions; B9: exporting the 100,000.
 */
async function b8b9(stack: LocalStack) {
  const small = await newCampaign(stack, 'B8 合成区县 1万');
  const campaignId = await newCampaign(stack, 'B8 合成区县 10万');
  const token = await staffToken(stack, 'p-tr-105');
  const loadStarted = performance.now();
  const audit = { action: 'BENCH_LOAD', by: 'bench', at: new Date().toISOString() };
  await store().importProblems(syntheticProblems(small, 0, Math.min(10_000, DISTRICT_PROBLEMS)), audit);
  for (let from = 0; from < DISTRICT_PROBLEMS; from += 20_000) {
    await store().importProblems(
      syntheticProblems(campaignId, from, Math.min(20_000, DISTRICT_PROBLEMS - from)),
      audit,
    );
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const times = new Map<string, number[]>([
    [small, []],
    [campaignId, []],
  ]);
  const totals = new Map<string, { total: number; units: number }>();
  for (let round = 0; round < 65; round++) {
    for (const id of [small, campaignId]) {
      const t = performance.now();
      const response = await fetch(`${stack.url}/campaigns/${id}/summary`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await response.json()) as { total: { total: number }; units: unknown[] };
      // the first five rounds warm up
      if (round >= 5) times.get(id)!.push(performance.now() - t);
      totals.set(id, { total: body.total.total, units: body.units.length });
    }
  }
  const at = (id: string) => ({
    p50: pct(times.get(id)!, 50),
    p99: pct(times.get(id)!, 99),
    ...totals.get(id)!,
  });
  const [a, b] = [at(small), at(campaignId)];
  const b8 =
    `synthetic district, 400 villages × 12 types (${b.units} units), 60 reads of each in turn: 汇总表 p50 ${ms(a.p50)} / p99 ${ms(a.p99)} at ${a.total} problems, ` +
    `p50 ${ms(b.p50)} / p99 ${ms(b.p99)} at ${b.total} → ratio ${(b.p50 / a.p50).toFixed(2)} (target ≤ 1.2); ${a.total + b.total} ledger lines loaded with their counters in ${loadSeconds.toFixed(0)} s`;
  global.gc?.();
  const before = process.memoryUsage().rss;
  const { result, peak, seconds } = await peakRss(async () => {
    const requested = await fetch(`${stack.url}/campaigns/${campaignId}/exports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'annex3-1' }),
    });
    const job = (await requested.json()) as { exportId: string };
    return waitFor(
      async () => {
        const response = await fetch(`${stack.url}/exports/${job.exportId}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const view = (await response.json()) as { status: string; rows: number; downloadUrl: string };
        return view.status === 'PENDING' ? undefined : view;
      },
      1_800_000,
      250,
    );
  });
  const size = (await (await fetch(result.downloadUrl)).arrayBuffer()).byteLength;
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const b9 = `annex 3-1 of ${result.rows} ledger rows: ${result.status} in ${seconds.toFixed(1)} s (${(result.rows / seconds).toFixed(0)} rows/s), XLSX ${mib(size)}; process RSS ${mib(before)} before, peak ${mib(peak)} (stack and builder in one process; DynamoDB Local is its own JVM)`;
  return { b8, b9 };
}

const row = (id: string, figures: string) => {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
  return `| ${new Date().toISOString().slice(0, 10)} | ${id} | ${commit} | ${machine} | ${figures} |`;
};

const dataDir = mkdtempSync(join(tmpdir(), 'fangfan-bench-'));
const stack = await startLocalStack({
  meterDynamo: meterCapacity,
  dataDir,
  port: 3999,
  now: process.env.BENCH_NOW ?? '2026-03-02T01:00:00Z',
});
secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'));
const only = process.env.BENCH_ONLY?.split(',');
const lines: string[] = [];
let tables = '';
try {
  // B3 first, on a quiet stack: it moves the business clock, which would wake every parked case.
  if (!only || only.includes('B3')) {
    const { figures: f3, table } = await b3(stack);
    tables = table;
    lines.push(row('B3', f3));
    console.log('B3', f3, `\n${table}`);
  }
  if (!only || only.includes('B1')) {
    const { figures: f1, answers } = await b1(stack);
    lines.push(row('B1', f1));
    console.log('B1', f1);
    const f2 = await b2(answers);
    lines.push(row('B2', f2));
    console.log('B2', f2);
  }
  if (!only || only.includes('B6')) {
    const f6 = await b6(stack);
    lines.push(row('B6', f6));
    console.log('B6', f6);
  }
  if (!only || only.includes('B7')) {
    const f7 = await b7(stack);
    lines.push(row('B7', f7));
    console.log('B7', f7);
  }
  if (!only || only.includes('B8')) {
    const { b8, b9 } = await b8b9(stack);
    lines.push(row('B8', b8), row('B9', b9));
    console.log('B8', b8, '\nB9', b9);
  }
  if (!only || only.includes('B4')) {
    const f4 = await b4();
    lines.push(row('B4', f4));
    console.log('B4', f4);
  }
  if (!only || only.includes('B5')) {
    const f5 = await b5(stack, dataDir);
    lines.push(row('B5', f5));
    console.log('B5', f5);
  } else await stack.stop();
} finally {
  const file = 'BENCHMARKS.md';
  if (!existsSync(file)) writeFileSync(file, '# Benchmarks\n');
  appendFileSync(
    file,
    `\n## Run of ${new Date().toISOString()}\n\n| date | benchmark | commit | machine | figures |\n|---|---|---|---|---|\n${lines.join('\n')}\n${tables ? `\nB3 bill per 10,000 applications:\n\n${tables}\n` : ''}`,
  );
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
