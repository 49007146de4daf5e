/**
 * Integration tests drive the real local stack over HTTP, as an integrator would: a child process
 * (so a test can SIGKILL and restart it) on a free port with its own data directory.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { signWebhook } from '#http/webhook-auth';
import { freePort } from '../../infra/local/net.ts';
import { sampleIdNumber } from '../../infra/local/seed.ts';

export { sampleIdNumber };

export interface RunningStack {
  url: string;
  dataDir: string;
  secrets: { hotline: string; 'mini-program': string };
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** starts it again on the same data; `env` replaces the extra environment */
  restart(env?: Record<string, string>): Promise<void>;
  /** everything the stack prints from now on (logs included) */
  onOutput(listener: (chunk: string) => void): void;
}

async function launch(dataDir: string, port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    env: { ...process.env, FANGFAN_DATA_DIR: dataDir, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local stack did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('channel secrets')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk;
      if (process.env.FANGFAN_TEST_VERBOSE) process.stderr.write(chunk);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  return child;
}

export async function startStack(env: Record<string, string> = {}): Promise<RunningStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fangfan-'));
  const port = await freePort();
  let child = await launch(dataDir, port, env);
  const listeners: ((chunk: string) => void)[] = [];
  const attached = new WeakSet<ChildProcess>();
  const attach = (c: ChildProcess) => {
    if (attached.has(c)) return;
    attached.add(c);
    for (const stream of [c.stdout!, c.stderr!])
      stream.on('data', (chunk: Buffer) => {
        for (const listener of listeners) listener(String(chunk));
      });
  };
  const stopChild = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  const stack: RunningStack = {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    secrets: JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')),
    async kill(signal = 'SIGTERM') {
      await stopChild(signal);
      // DynamoDB Local is a child of the stack; on SIGKILL it is orphaned and must go too.
      spawnSync('pkill', ['-f', `LoopbackDynamoDb.java [0-9]+ ${join(dataDir, 'dynamodb')}`]);
      await new Promise((r) => setTimeout(r, 300));
    },
    onOutput(listener) {
      listeners.push(listener);
      attach(child);
    },
    async restart(next = env) {
      child = await launch(dataDir, port, next);
      attach(child);
    },
  };
  return stack;
}

export const nonce = () => randomBytes(12).toString('hex');

/** fetch that tries again on a 5xx or a refused connection, as an integrator's client does. */
export async function fetchRetry(url: string, init?: RequestInit, attempts = 8): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(url, init);
      if (response.status < 500 || attempt >= attempts) return response;
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
    await new Promise((r) => setTimeout(r, 50 * attempt));
  }
}

export async function webhook(
  stack: RunningStack,
  path: string,
  body: unknown,
  channel: 'hotline' | 'mini-program' = 'hotline',
) {
  const raw = JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const n = nonce();
  const response = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-fangfan-channel': channel,
      'x-fangfan-timestamp': timestamp,
      'x-fangfan-nonce': n,
      'x-fangfan-signature': signWebhook(stack.secrets[channel], timestamp, n, raw),
    },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as any };
}

let sequence = 0;
/** A fresh applicant per call: a valid ID number nobody else uses in this run. */
export function applicationBody(overrides: Record<string, unknown> = {}) {
  sequence++;
  const serial = String(100 + (sequence % 800)).padStart(3, '0');
  const day = String(1 + Math.floor(sequence / 800)).padStart(2, '0');
  return {
    requestId: `req-${randomBytes(6).toString('hex')}`,
    village: '341302105201',
    group: '第三村民小组',
    applicant: {
      name: '张三',
      idNumber: sampleIdNumber(`3413021980${String(1 + (process.pid % 12)).padStart(2, '0')}${day}${serial}`),
      phone: '13800000000',
    },
    reason: '妻子患尿毒症，年自付医疗费用约4万元',
    riskTypes: ['ILLNESS'],
    declaredAnnualIncome: 21000,
    householdSize: 4,
    ...overrides,
  };
}

/** A one-page PDF: the smallest file the scan check takes for a PDF. */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

export async function upload(uploadUrl: string, bytes: Buffer = PDF, contentType?: string) {
  const response = await fetch(uploadUrl, {
    method: 'PUT',
    body: bytes,
    ...(contentType ? { headers: { 'content-type': contentType } } : {}),
  });
  if (!response.ok) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
}

export async function staffToken(stack: RunningStack, personId = 'p-df-302'): Promise<string> {
  const response = await fetchRetry(`${stack.url}/_local/login`, {
    method: 'POST',
    body: JSON.stringify({ personId }),
  });
  return ((await response.json()) as { token: string }).token;
}

/** A staff API call as a person; JSON in and out unless another body type is given. */
export async function staffRequest(
  stack: RunningStack,
  method: string,
  path: string,
  body?: unknown,
  personId = 'p-df-302',
  type?: string,
): Promise<{ status: number; body: any; headers: Headers; bytes: Buffer }> {
  const token = await staffToken(stack, personId);
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': type ?? 'application/json' } : {}),
    },
    body:
      body === undefined
        ? undefined
        : typeof body === 'string' || body instanceof Uint8Array
          ? (body as string)
          : JSON.stringify(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const json = (response.headers.get('content-type') ?? '').includes('json');
  return {
    status: response.status,
    body: json && bytes.length ? JSON.parse(bytes.toString('utf8')) : undefined,
    headers: response.headers,
    bytes,
  };
}

export async function getApplication(stack: RunningStack, id: string) {
  const token = await staffToken(stack);
  const response = await fetchRetry(`${stack.url}/applications/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await response.json()) as any;
}

export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export const waitForStage = (stack: RunningStack, id: string, stage: string, timeoutMs?: number) =>
  until(
    `stage ${stage}`,
    async () => {
      const app = await getApplication(stack, id);
      return app.stage === stage ? app : undefined;
    },
    timeoutMs,
  );

/** What the twin's SMS endpoint received; `settle: false` does not wait for messages on their way. */
export async function outbox(stack: RunningStack, to?: string, { settle = true } = {}) {
  const query = new URLSearchParams({ ...(to ? { to } : {}), ...(settle ? {} : { settle: '0' }) });
  const response = await fetchRetry(`${stack.url}/_local/outbox?${query}`);
  return ((await response.json()) as { items: any[] }).items;
}

/**
 * The newest approval link sent to a person, once it exists: for one application when named (links
 * name their application; the link's approval must still wait for a decision, as messages arrive
 * shortly after the step opens), and other than `not` when given (a second round of the same step).
 */
export const linkFor = (stack: RunningStack, personId: string, applicationId?: string, not?: string) =>
  until(`a link for ${personId}`, async () => {
    const items = (await outbox(stack, personId, { settle: false })).filter(
      (m) => m.link && (!applicationId || m.text.includes(applicationId)) && m.link !== not,
    );
    const link = items.at(-1)?.link as string | undefined;
    if (!link || !applicationId) return link;
    const answer = await fetch(link, { headers: { accept: 'application/json' } });
    return answer.ok && ((await answer.json()) as { status?: string }).status === 'PENDING'
      ? link
      : undefined;
  });

export async function decide(link: string, body: Record<string, unknown>) {
  const response = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

export const MEETING = {
  attendees: [
    { name: '王书记', role: '村两委' },
    { name: '驻村队员', role: '驻村工作队' },
    { name: '监委会主任', role: '村监委会' },
    { name: '村民代表甲', role: '村民代表' },
  ],
  vote: { for: 7, against: 0, abstain: 1 },
};

export async function advanceClock(stack: RunningStack, advance: string) {
  await fetch(`${stack.url}/_local/clock`, { method: 'POST', body: JSON.stringify({ advance }) });
}

/** Suite sizes: small enough for CI, the issue's full sizes under `npm run test:heavy`. */
export const heavy = process.env.FANGFAN_HEAVY === '1';
export const scale = (ci: number, full: number) => (heavy ? full : ci);

export async function countItems(stack: RunningStack): Promise<Record<string, number>> {
  return ((await (await fetch(`${stack.url}/_local/stats`)).json()) as { items: Record<string, number> })
    .items;
}

export async function auditTrail(
  stack: RunningStack,
  id: string,
): Promise<{ action: string; by: string; at: string }[]> {
  const token = await staffToken(stack);
  const response = await fetchRetry(`${stack.url}/applications/${id}/audit`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { items: { action: string; by: string; at: string }[] }).items;
}

/** Who decides a stage in the sample directory. */
export function approverFor(stage: string, village: string): string | undefined {
  const n = village.slice(-3);
  return {
    GROUP_REVIEW: `p-gl-${n}`,
    VILLAGE_REVIEW: `p-vc-${n}`,
    OBJECTION_REVIEW: `p-vc-${n}`,
    TOWNSHIP_REVIEW: 'p-tr-105',
    DISTRICT_FILING: 'p-df-302',
    SYSTEM_ENTRY: 'p-se-302',
  }[stage];
}

/** The newest link sent to a person for one application (links name the application). */
export async function caseLink(
  stack: RunningStack,
  personId: string,
  applicationId: string,
): Promise<string | undefined> {
  const items = (await outbox(stack, personId, { settle: false })).filter(
    (m) => m.link && m.text.includes(applicationId),
  );
  return items.at(-1)?.link;
}

/**
 * Moves a case one human step on if it waits for a person: finds that person's link for the case and
 * decides. Returns the stage it found.
 */
export async function stepCase(
  stack: RunningStack,
  id: string,
  decision: 'approve' | 'reject' = 'approve',
): Promise<string> {
  const app = await getApplication(stack, id);
  const personId = approverFor(app.stage, app.village);
  if (!personId) return app.stage;
  const link = await caseLink(stack, personId, id);
  if (!link) return app.stage;
  const body =
    decision === 'reject'
      ? { decision, comment: '经核实不符合纳入条件' }
      : {
          decision,
          ...(app.stage === 'VILLAGE_REVIEW' || app.stage === 'OBJECTION_REVIEW' ? { meeting: MEETING } : {}),
        };
  const response = await fetchRetry(link, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  // 409/410: decided already or the step moved on; the next call sees the new stage
  if (![200, 409, 410].includes(response.status))
    throw new Error(`decision refused: ${response.status} ${await response.text()}`);
  return app.stage;
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
      }
    }),
  );
  return results;
}

/**
 * Drives cases to their end by approving every step that waits for a person, and moving the business
 * clock past publicity when nothing else can move. `leave` names cases nobody acts on (to lapse).
 */
export async function driveAll(
  stack: RunningStack,
  ids: string[],
  options: { leave?: Set<string>; reject?: Set<string>; timeoutMs?: number } = {},
) {
  const end = Date.now() + (options.timeoutMs ?? 120_000);
  const stages = new Map<string, string>();
  let idleRounds = 0;
  let settled = false;
  for (;;) {
    const open = ids.filter(
      (id) =>
        !['ACTIVE', 'REJECTED', 'LAPSED', 'RISK_ELIMINATED', 'WITHDRAWN'].includes(stages.get(id) ?? ''),
    );
    if (open.length === 0) return stages;
    if (Date.now() > end)
      throw new Error(`cases still open: ${open.map((id) => `${id}:${stages.get(id)}`).join(', ')}`);
    let moved = false;
    await pool(open, 10, async (id) => {
      if (options.leave?.has(id)) {
        stages.set(id, (await getApplication(stack, id)).stage);
        return;
      }
      const before = stages.get(id);
      const stage = await stepCase(stack, id, options.reject?.has(id) ? 'reject' : 'approve');
      stages.set(id, stage);
      if (stage !== before) moved = true;
    });
    idleRounds = moved ? 0 : idleRounds + 1;
    if (moved) settled = false;
    // Nothing a person can do: first let the messages on their way arrive (a link may be one of
    // them), then publicity or timeouts wait for the clock.
    if (idleRounds >= 3 && !settled) {
      await outbox(stack);
      settled = true;
      idleRounds = 0;
    } else if (idleRounds >= 3) {
      await advanceClock(stack, 'P4D');
      idleRounds = 0;
      settled = false;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * One local stack for a test file: started before its tests, killed after. The returned object stands
 * for the running stack (it forwards to the one started, across restarts).
 */
export function useLocalStack(env: Record<string, string> = {}): RunningStack {
  let running: RunningStack | undefined;
  beforeAll(async () => {
    running = await startStack(env);
  }, 180_000);
  afterAll(async () => {
    await running?.kill();
  });
  return new Proxy({} as RunningStack, {
    get: (_, key) => {
      if (!running) throw new Error('the local stack is not started yet');
      const value = running[key as keyof RunningStack];
      return typeof value === 'function' ? value.bind(running) : value;
    },
  });
}

/** Every byte DynamoDB Local keeps on disk for a stack's data directory, as text (R12's raw scan). */
export function rawTable(dataDir: string): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(join(dataDir, 'dynamodb'));
  return files.map((f) => readFileSync(f).toString('utf8')).join('\n');
}
