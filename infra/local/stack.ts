/**
 * The whole local stack in one process: DynamoDB Local behind an IAM-checking gateway, s3rver, the
 * engines running the synthesized workflows, a Step Functions / Secrets Manager / SNS endpoint, the
 * HTTP gateway, the business clock and the outbox. Each function runs with the environment and the
 * IAM policy synthesized for it (`functions.ts`, `iam.ts`), so what AWS would refuse is refused here.
 * State lives in the data directory (`.data/` or `FANGFAN_DATA_DIR`); a fresh directory is seeded with
 * a sample township.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { nowIso } from '#runtime/clock';
import { resetContainers } from '#runtime/container';
import { keysFrom } from '#runtime/secrets';
import { DynamoStore } from '#store/dynamodb-store';
import { FUNCTION_NAMES, functionForObject, SECRETS, type SecretName, specOf } from '../manifest.ts';
import { startAwsEndpoint } from './aws-endpoint.ts';
import { BusinessClock } from './business-clock.ts';
import { LOCAL_BUCKET, LOCAL_REGION, LOCAL_TABLE, type LocalDefinitions } from './definitions.ts';
import { type DynamoMeter, startDynamoGateway } from './dynamodb-gateway.ts';
import { ensureTable, startDynamoDbLocal } from './dynamodb-local.ts';
import { LocalEngine } from './engine.ts';
import { LocalFunctions } from './functions.ts';
import { startGateway } from './gateway.ts';
import { IamEvaluator } from './iam.ts';
import { loadLocalDefinitions } from './load-definitions.ts';
import { localEndpoints } from './local-endpoints.ts';
import { freePort } from './net.ts';
import { s3PortFor, startS3Local } from './s3-local.ts';
import { runDaily } from './scheduler.ts';
import { SAMPLE_MONITORING_LINES, seedSampleTownship } from './seed.ts';
import { staffAuthorizer } from './staff-authorizer.ts';

export interface LocalStackOptions {
  dataDir?: string;
  port?: number;
  /** business time of a fresh stack (FANGFAN_LOCAL_NOW) */
  now?: string;
  /** what was synthesized, when the caller synthesized it (tests of the twin itself) */
  definitions?: LocalDefinitions;
  /** sees every DynamoDB call the functions and the twin make, with its consumed capacity */
  meterDynamo?: DynamoMeter;
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

/** The channel secrets (CONTRACT.md) and the master key the internal keys derive from. */
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
  const stored = existsSync(keysFile) ? JSON.parse(readFileSync(keysFile, 'utf8')) : {};
  if (!stored.master) {
    stored.master = randomBytes(32).toString('hex');
    writeFileSync(keysFile, JSON.stringify(stored), { mode: 0o600 });
  }
  const channel = JSON.parse(readFileSync(secretsFile, 'utf8'));
  return {
    secretsFile,
    master: stored.master as string,
    hotline: (process.env.FANGFAN_SECRET_HOTLINE ?? channel.hotline) as string,
    miniProgram: (process.env.FANGFAN_SECRET_MINIPROGRAM ?? channel['mini-program']) as string,
  };
}

/** The deployment settings of the sample township, over what the environment sets. */
export const sampleDeploymentEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  MONITORING_LINES: process.env.MONITORING_LINES ?? JSON.stringify(SAMPLE_MONITORING_LINES),
});

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir ?? process.env.FANGFAN_DATA_DIR ?? '.data');
  mkdirSync(dataDir, { recursive: true });
  const fresh = !existsSync(join(dataDir, 'dynamodb'));
  const keys = loadKeys(dataDir);
  const derived = keysFrom(keys.master);
  const port = options.port ?? Number(process.env.PORT ?? 3000);
  const url = `http://127.0.0.1:${port}`;
  const awsConfigFile = join(dataDir, 'aws-config');
  writeFileSync(awsConfigFile, '');

  // the deployment settings of the sample township, as a deployment's context would carry them
  const definitions = options.definitions ?? loadLocalDefinitions(sampleDeploymentEnv());
  // functions log warnings and errors unless asked for more
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const [dynamodbPort, awsPort] = [await freePort(), await freePort()];
  const s3Port = await s3PortFor(dataDir);
  const functions = new LocalFunctions(definitions.functions, {
    dynamodb: `http://127.0.0.1:${dynamodbPort}`,
    s3: `http://127.0.0.1:${s3Port}`,
    aws: `http://127.0.0.1:${awsPort}`,
    api: url,
    awsConfigFile,
  });
  const serviceKey = `LOCALSERVICE${randomBytes(6).toString('hex').toUpperCase()}`;
  const iam = new IamEvaluator(functions.callers, serviceKey, [
    ...(definitions.bucketPolicy
      ? [
          {
            matches: (r: string) => r.startsWith(`arn:aws:s3:::${LOCAL_BUCKET}`),
            policy: definitions.bucketPolicy,
          },
        ]
      : []),
  ]);

  const dynamo = await startDynamoDbLocal(dataDir);
  await ensureTable(dynamo.endpoint, LOCAL_TABLE);
  const dynamoGateway = await startDynamoGateway({
    upstream: dynamo.endpoint,
    iam,
    port: dynamodbPort,
    meter: options.meterDynamo,
  });
  const serviceCredentials = { accessKeyId: serviceKey, secretAccessKey: 'local' };
  // The twin's own environment (engine, seed, `/_local/*`, benchmarks): it acts as AWS's machinery.
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: serviceKey,
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${dynamodbPort}`,
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${s3Port}`,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    AWS_CONFIG_FILE: awsConfigFile,
    AWS_SHARED_CREDENTIALS_FILE: awsConfigFile,
    TABLE_NAME: LOCAL_TABLE,
    BUCKET_NAME: LOCAL_BUCKET,
  });
  resetContainers();

  const clock = new BusinessClock(dataDir, options.now ?? process.env.FANGFAN_LOCAL_NOW);
  await functions.load();

  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: serviceCredentials }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const store = new DynamoStore(db, LOCAL_TABLE);
  if (fresh)
    await seedSampleTownship(
      store,
      derived.idHmacKey,
      Number(process.env.FANGFAN_SEED_VILLAGES ?? 0) || undefined,
    );

  const lambdaHandlers = new Map(
    definitions.functions.map((fn) => [
      fn.arn,
      (event: unknown) => functions.invoke(fn.name, event) as Promise<any>,
    ]),
  );
  const [engine, eliminationEngine] = definitions.machines.map(
    (machine) =>
      new LocalEngine({
        definition: machine.definition,
        stateMachineArn: machine.arn,
        handlers: lambdaHandlers,
        clock,
        db,
        table: LOCAL_TABLE,
      }),
  ) as [LocalEngine, LocalEngine];

  const secretValues: Record<SecretName, string> = {
    keys: keys.master,
    hotline: keys.hotline,
    miniProgram: keys.miniProgram,
  };
  const secrets = new Map<string, string>();
  for (const fn of definitions.functions)
    for (const name of Object.keys(SECRETS) as SecretName[]) {
      const arn = fn.environment[SECRETS[name].env];
      if (arn) secrets.set(arn, secretValues[name]);
    }
  const awsServer = await startAwsEndpoint({
    engines: [engine, eliminationEngine],
    iam,
    secrets,
    port: awsPort,
    // an SMS reaches the outbox, with the directory's person when the number is one of theirs
    onSms: async ({ phoneNumber, message }) => {
      const phone = phoneNumber.replace(/^\+86/, '');
      const person = (await store.getDirectory()).people.find((p) => p.phone === phone);
      const link = /\s(https?:\/\/\S+)$/.exec(message)?.[1];
      await store.putOutbox({
        id: randomUUID(),
        to: { ...(person ? { personId: person.personId, name: person.name } : { name: '' }), phone },
        channel: 'sms',
        text: link ? message.slice(0, -link.length).trimEnd() : message,
        link,
        createdAt: nowIso(),
      });
    },
  });

  // S3 invokes its function asynchronously and tries a failed event twice more before handing it to
  // the on-failure destination; so does this, one queue per function, so a long export never holds
  // up a commitment.
  const s3Queues = new Map<string, Promise<unknown>>();
  const s3 = await startS3Local(
    dataDir,
    LOCAL_BUCKET,
    iam,
    functions.callers
      .map((c) => ({ accessKeyId: c.accessKeyId, secretAccessKey: 'local' }))
      .concat([serviceCredentials]),
    (event) => {
      const key = decodeURIComponent(
        (
          (event as { Records?: { s3: { object: { key: string } } }[] }).Records?.[0]?.s3.object.key ?? ''
        ).replace(/\+/g, ' '),
      );
      const name = functionForObject(key);
      if (!name) return;
      const queued = (s3Queues.get(name) ?? Promise.resolve()).then(async () => {
        for (let attempt = 1; attempt <= 3; attempt++) {
          try {
            return await functions.invoke(name, event);
          } catch (error) {
            if (attempt === 3)
              console.error(`S3 event for ${key} failed 3 times: to FailedInvocations`, error);
            else await new Promise((r) => setTimeout(r, 200 * attempt));
          }
        }
      });
      s3Queues.set(name, queued);
    },
    s3Port,
  );

  const gateway: Server = await startGateway({
    port,
    invoke: (name, event, context) => functions.invoke(name, event, context) as Promise<any>,
    verifyStaffToken: staffAuthorizer({
      ...definitions.staffAuthorizer,
      // the claim the staff functions read the person from
      personIdClaim: definitions.functions.find((f) => f.environment.PERSON_ID_CLAIM)!.environment
        .PERSON_ID_CLAIM!,
      localTokenKey: derived.staffTokenKey,
    }),
    local: localEndpoints({
      store,
      clock,
      staffTokenKey: derived.staffTokenKey,
    }),
  });
  await engine.resumeAll();
  await eliminationEngine.resumeAll();
  // the same daily schedules as on AWS (08:00 Beijing time = 00:00 UTC)
  const schedules = FUNCTION_NAMES.filter((name) => specOf(name).dailySchedule).map((name) =>
    runDaily(clock, 0, () => functions.invoke(name, {})),
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
      await new Promise((r) => awsServer.close(r));
      await s3.stop();
      await new Promise((r) => dynamoGateway.close(r));
      dynamoGateway.closeAllConnections?.();
      await dynamo.stop();
      db.destroy();
    },
  };
}
