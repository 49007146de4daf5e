/**
 * The whole local stack in one process: DynamoDB Local, s3rver, the engine running the synthesized
 * workflow, the SFN endpoint, the HTTP gateway, the business clock and the outbox. State lives in the
 * data directory (`.data/` or `FANGFAN_DATA_DIR`); a fresh directory is seeded with a sample township.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { resetCaseContext } from '#cases/context';
import { readToken } from '#links/signed-token';
import { resetClients } from '#runtime/clients';
import { resetSecrets } from '#runtime/secrets';
import { DynamoStore } from '#store/dynamodb-store';
import { BusinessClock } from './business-clock.ts';
import { ensureTable, startDynamoDbLocal } from './dynamodb-local.ts';
import { LocalEngine } from './engine.ts';
import { startGateway } from './gateway.ts';
import { loadLocalDefinitions } from './load-definitions.ts';
import { localEndpoints } from './local-endpoints.ts';
import { freePort } from './net.ts';
import { startS3Local } from './s3-local.ts';
import { runDaily } from './scheduler.ts';
import { SAMPLE_MONITORING_LINES, seedSampleTownship } from './seed.ts';
import { startSfnEndpoint } from './sfn-endpoint.ts';

export interface LocalStackOptions {
  dataDir?: string;
  port?: number;
  /** business time of a fresh stack (FANGFAN_LOCAL_NOW) */
  now?: string;
}

export interface LocalStack {
  url: string;
  dataDir: string;
  secretsFile: string;
  engine: LocalEngine;
  clock: BusinessClock;
  /** the 风险消除 workflow's engine */
  eliminationEngine: LocalEngine;
  /** the DynamoDB Local JVM, for memory figures */
  dynamoPid: number;
  stop(): Promise<void>;
}

const TABLE = 'fangfan';

/** The bucket's notifications, as the CDK stack sets them: by key prefix. */
function functionForEvent(event: { Records?: { s3: { object: { key: string } } }[] }): string {
  const key = event.Records?.[0]?.s3.object.key ?? '';
  return key.startsWith('export-requests/') ? 'export-builder' : 'commitment-uploaded';
}
const BUCKET = 'fangfan-documents';
const STATE_MACHINE_ARN = 'arn:aws:states:local:000000000000:stateMachine:Fangfan-MonitoringApplication';
const ELIMINATION_STATE_MACHINE_ARN =
  'arn:aws:states:local:000000000000:stateMachine:Fangfan-RiskElimination';

function loadKeys(dataDir: string) {
  const secretsFile = join(dataDir, 'secrets.json');
  if (!existsSync(secretsFile)) {
    writeFileSync(
      secretsFile,
      `${JSON.stringify({ hotline: randomBytes(24).toString('hex'), 'mini-program': randomBytes(24).toString('hex') }, null, 2)}\n`,
      { mode: 0o600 },
    );
  }
  const keysFile = join(dataDir, 'keys.json');
  if (!existsSync(keysFile)) {
    writeFileSync(
      keysFile,
      JSON.stringify({
        linkKey: randomBytes(32).toString('hex'),
        idHmacKey: randomBytes(32).toString('hex'),
        staffTokenKey: randomBytes(32).toString('hex'),
      }),
      { mode: 0o600 },
    );
  }
  const channel = JSON.parse(readFileSync(secretsFile, 'utf8'));
  const keys = JSON.parse(readFileSync(keysFile, 'utf8'));
  return {
    secretsFile,
    hotline: process.env.FANGFAN_SECRET_HOTLINE ?? channel.hotline,
    miniProgram: process.env.FANGFAN_SECRET_MINIPROGRAM ?? channel['mini-program'],
    ...keys,
  };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir ?? process.env.FANGFAN_DATA_DIR ?? '.data');
  mkdirSync(dataDir, { recursive: true });
  const fresh = !existsSync(join(dataDir, 'dynamodb'));
  const keys = loadKeys(dataDir);
  const port = options.port ?? Number(process.env.PORT ?? 3000);
  const url = `http://127.0.0.1:${port}`;

  const dynamo = await startDynamoDbLocal(dataDir);
  await ensureTable(dynamo.endpoint, TABLE);
  const sfnPort = await freePort();
  Object.assign(process.env, {
    FANGFAN_LOCAL: '1',
    TABLE_NAME: TABLE,
    BUCKET_NAME: BUCKET,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    SFN_ENDPOINT: `http://127.0.0.1:${sfnPort}`,
    STATE_MACHINE_ARN,
    ELIMINATION_STATE_MACHINE_ARN,
    MONITORING_LINES: process.env.MONITORING_LINES ?? JSON.stringify(SAMPLE_MONITORING_LINES),
    PUBLIC_BASE_URL: url,
    FANGFAN_SECRET_HOTLINE: keys.hotline,
    FANGFAN_SECRET_MINIPROGRAM: keys.miniProgram,
    FANGFAN_LINK_KEY: keys.linkKey,
    FANGFAN_ID_HMAC_KEY: keys.idHmacKey,
    FANGFAN_STAFF_TOKEN_KEY: keys.staffTokenKey,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });
  resetClients();
  resetSecrets();
  resetCaseContext();

  const clock = new BusinessClock(dataDir, options.now ?? process.env.FANGFAN_LOCAL_NOW);
  const definitions = loadLocalDefinitions();
  const modules = new Map<string, any>();
  for (const [name, entry] of definitions.byName) modules.set(name, (await import(entry)).handler);
  const lambdaHandlers = new Map<string, any>();
  for (const [arn, entry] of definitions.handlers) lambdaHandlers.set(arn, (await import(entry)).handler);

  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const store = new DynamoStore(db, TABLE);
  if (fresh)
    await seedSampleTownship(
      store,
      keys.idHmacKey,
      Number(process.env.FANGFAN_SEED_VILLAGES ?? 0) || undefined,
    );

  const engine = new LocalEngine({
    definition: definitions.monitoringApplication,
    stateMachineArn: STATE_MACHINE_ARN,
    handlers: lambdaHandlers,
    clock,
    db,
    table: TABLE,
  });
  const eliminationEngine = new LocalEngine({
    definition: definitions.riskElimination,
    stateMachineArn: ELIMINATION_STATE_MACHINE_ARN,
    handlers: lambdaHandlers,
    clock,
    db,
    table: TABLE,
  });
  const sfnServer = await startSfnEndpoint([engine, eliminationEngine], sfnPort);

  // S3 invokes its function asynchronously and tries a failed event twice more; so does this, one
  // queue per function, so a long export never holds up a commitment.
  const s3Queues = new Map<string, Promise<unknown>>();
  const s3 = await startS3Local(dataDir, BUCKET, (event) => {
    const name = functionForEvent(event as Parameters<typeof functionForEvent>[0]);
    const queued = (s3Queues.get(name) ?? Promise.resolve()).then(async () => {
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          return await modules.get(name)(event, {});
        } catch (error) {
          if (attempt === 3) console.error('S3 event failed', error);
          else await new Promise((r) => setTimeout(r, 200 * attempt));
        }
      }
    });
    s3Queues.set(name, queued);
  });
  process.env.S3_ENDPOINT = s3.endpoint;
  resetClients();

  const gateway: Server = await startGateway({
    port,
    handlers: modules,
    verifyStaffToken: (token) => {
      const claims = readToken<{ p: string; e: number }>(token, keys.staffTokenKey);
      return claims && claims.e > Date.now() / 1000 ? claims.p : undefined;
    },
    local: localEndpoints({ store, clock, staffTokenKey: keys.staffTokenKey }),
  });
  await engine.resumeAll();
  await eliminationEngine.resumeAll();
  // the same daily schedules as on AWS (08:00 Beijing time = 00:00 UTC)
  const schedules = ['visit-watch', 'deadline-watch'].map((name) =>
    runDaily(clock, 0, () => modules.get(name)({}, {})),
  );

  return {
    url,
    dataDir,
    secretsFile: keys.secretsFile,
    engine,
    clock,
    dynamoPid: dynamo.process.pid ?? 0,
    eliminationEngine,
    async stop() {
      for (const schedule of schedules) schedule.stop();
      engine.stop();
      eliminationEngine.stop();
      clock.stop();
      await new Promise((r) => gateway.close(r));
      gateway.closeAllConnections?.();
      await new Promise((r) => sfnServer.close(r));
      await s3.stop();
      await dynamo.stop();
      db.destroy();
    },
  };
}
