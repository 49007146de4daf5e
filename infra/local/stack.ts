/**
 * The whole local stack in one process: DynamoDB Local behind an IAM-checking gateway, s3rver, the
 * engines running the synthesized workflows, a Step Functions / Secrets Manager / SNS endpoint, the
 * HTTP gateway, the business clock and the outbox. Each function runs with the environment and the
 * IAM policy synthesized for it (`functions.ts`, `iam.ts`), so what AWS would refuse is refused here.
 * State lives in the data directory (`.data/` or `FANGFAN_DATA_DIR`); a fresh directory is seeded with
 * a sample township.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { KmsKeyringNode } from '@aws-crypto/client-node';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { validate } from '#http/body';
import { nowIso } from '#runtime/clock';
import { resetContainers } from '#runtime/container';
import { sealPersonalData } from '#runtime/dynamodb-sealing';
import { fieldCrypto, revealFields, tableSealKeys } from '#runtime/field-crypto';
import { deriveKey, keysFrom } from '#runtime/secrets';
import { directory as directorySchema } from '#schemas/config';
import { DynamoStore } from '#store/dynamodb-store';
import { FUNCTION_NAMES, functionForObject, SECRETS, type SecretName, specOf } from '../manifest.ts';
import { AsyncInvocations } from './async-invocations.ts';
import { startAwsEndpoint } from './aws-endpoint.ts';
import { pidFile } from './backup.ts';
import { BusinessClock } from './business-clock.ts';
import { bothMeters, crashPoints } from './crash-points.ts';
import {
  LOCAL_BUCKET,
  LOCAL_REGION,
  LOCAL_SIGN_IN,
  LOCAL_TABLE,
  type LocalDefinitions,
} from './definitions.ts';
import { type DynamoMeter, startDynamoGateway } from './dynamodb-gateway.ts';
import { ensureTable, startDynamoDbLocal } from './dynamodb-local.ts';
import { LocalEngine } from './engine.ts';
import { LocalFunctions } from './functions.ts';
import { functionUrlPath, startGateway } from './gateway.ts';
import { IamEvaluator } from './iam.ts';
import { LocalKms } from './kms.ts';
import { loadLocalDefinitions } from './load-definitions.ts';
import { localEndpoints } from './local-endpoints.ts';
import { freePort } from './net.ts';
import { LocalOutbox } from './outbox.ts';
import { s3PortFor, startS3Local } from './s3-local.ts';
import { runDaily, runEvery } from './scheduler.ts';
import { SAMPLE_MONITORING_LINES, seedSampleTownship } from './seed.ts';
import { staffAuthorizer } from './staff-authorizer.ts';
import { type StreamPoller, startStreamPoller } from './stream-poller.ts';

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

/** S3 events a function handles at once: a few, as Lambda's asynchronous queue hands them on. */
const S3_EVENT_CONCURRENCY = 4;

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
  /** what the twin's SMS endpoint received */
  outbox: LocalOutbox;
  /** resolves once the stream has handed every message written so far to the sender */
  messagesSent(): Promise<void>;
  /** resolves once every S3 event accepted so far has been handled by its function */
  eventsHandled(): Promise<void>;
  /** refuses new requests, lets accepted events finish, then stops every service */
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
  if (!stored.master || !stored.dataKey) {
    stored.master ??= randomBytes(32).toString('hex');
    // the raw AES key behind the twin's KMS (`kms.ts`): personal data at rest is sealed under it
    stored.dataKey ??= randomBytes(32).toString('hex');
    writeFileSync(keysFile, JSON.stringify(stored), { mode: 0o600 });
  }
  const channel = JSON.parse(readFileSync(secretsFile, 'utf8'));
  return {
    secretsFile,
    master: stored.master as string,
    dataKey: Buffer.from(stored.dataKey as string, 'hex'),
    hotline: (process.env.FANGFAN_SECRET_HOTLINE ?? channel.hotline) as string,
    miniProgram: (process.env.FANGFAN_SECRET_MINIPROGRAM ?? channel['mini-program']) as string,
  };
}

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`the production profile needs ${name}`);
  return value;
};

/** the secrets the notification channels read, by the variable carrying their ARN */
const CHANNEL_SECRETS = [
  ['WECOM_APP_SECRET_ARN', 'wecom-app'],
  ['SMS_PROVIDER_SECRET_ARN', 'tencent-sms'],
] as const;

/**
 * The channels' accounts (`{"tencent-sms": {...}, "wecom-app": {...}}`): `FANGFAN_CHANNELS` names the
 * file, by default `channels.json` in the data directory.
 */
function loadChannelSecrets(dataDir: string): Record<string, unknown> {
  const file = process.env.FANGFAN_CHANNELS ?? join(dataDir, 'channels.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

/**
 * A township's machine runs for real: staff sign in through the deployment's OIDC provider, and
 * messages go out through a channel that reaches people (the twin's SNS only keeps them).
 */
function checkProduction(definitions: LocalDefinitions): void {
  if (definitions.staffAuthorizer.issuer === LOCAL_SIGN_IN)
    throw new Error(
      'the production profile signs staff in through OIDC: set OIDC_ISSUER, OIDC_AUDIENCE and PERSON_ID_CLAIM',
    );
  const sender = definitions.functions.find((f) => f.environment.NOTIFY_CHANNELS);
  const channels = JSON.parse(sender?.environment.NOTIFY_CHANNELS ?? '[]') as string[];
  if (channels.includes('sms') || !channels.some((c) => c === 'tencent-sms' || c === 'wecom-app'))
    throw new Error(
      'the production profile sends through "tencent-sms" or "wecom-app" (NOTIFY_CHANNELS); SNS SMS exists only on AWS',
    );
}

/** The data key's ARN as synthesized (every function that writes the table is told it). */
function dataKeyArn(definitions: LocalDefinitions): string {
  const arn = definitions.functions.find((f) => f.environment.DATA_KEY_ARN)?.environment.DATA_KEY_ARN;
  if (!arn) throw new Error('the synthesized stack has no data key (DATA_KEY_ARN)');
  return arn;
}

/** The township's directory (people, roles, villages) from FANGFAN_DIRECTORY, when given. */
async function loadDirectory(store: DynamoStore): Promise<void> {
  const file = process.env.FANGFAN_DIRECTORY;
  if (!file) return;
  await store.putDirectory(validate(directorySchema, JSON.parse(readFileSync(file, 'utf8'))));
}

/** The deployment settings of the sample township, over what the environment sets. */
export const sampleDeploymentEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  MONITORING_LINES: process.env.MONITORING_LINES ?? JSON.stringify(SAMPLE_MONITORING_LINES),
});

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const production = process.env.FANGFAN_PROFILE === 'production';
  // what the stack writes (the database, documents, keys) is its owner's alone
  process.umask(0o077);
  const dataDir = resolve(options.dataDir ?? process.env.FANGFAN_DATA_DIR ?? '.data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const fresh = !existsSync(join(dataDir, 'dynamodb'));
  // a restore refuses while this runs
  writeFileSync(pidFile(dataDir), String(process.pid));
  const keys = loadKeys(dataDir);
  const derived = keysFrom(keys.master);
  const port = options.port ?? Number(process.env.PORT ?? 3000);
  const url = `http://127.0.0.1:${port}`;
  // links in messages: the address people reach the machine at (its reverse proxy), in production
  const publicUrl = production ? required('FANGFAN_PUBLIC_URL').replace(/\/$/, '') : url;
  const awsConfigFile = join(dataDir, 'aws-config');
  writeFileSync(awsConfigFile, '');

  // the deployment settings of the sample township, as a deployment's context would carry them
  const definitions =
    options.definitions ?? loadLocalDefinitions(production ? process.env : sampleDeploymentEnv());
  if (production) checkProduction(definitions);
  // functions log warnings and errors unless asked for more
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const [dynamodbPort, awsPort] = [await freePort(), await freePort()];
  const s3Port = await s3PortFor(dataDir);
  const functions = new LocalFunctions(definitions.functions, {
    dynamodb: `http://127.0.0.1:${dynamodbPort}`,
    s3: `http://127.0.0.1:${s3Port}`,
    aws: `http://127.0.0.1:${awsPort}`,
    api: publicUrl,
    functionUrl: (logicalId) =>
      `${publicUrl}${functionUrlPath(definitions.functions.find((f) => f.logicalId === logicalId)!.name)}`,
    awsConfigFile,
    testHooks: !production,
  });
  const serviceKey = `LOCALSERVICE${randomBytes(6).toString('hex').toUpperCase()}`;
  const iam = new IamEvaluator(functions.callers, serviceKey, [
    ...definitions.keys.map((key) => ({ matches: (r: string) => r === key.arn, policy: key.policy })),
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
  const streamArn = await ensureTable(dynamo.endpoint, LOCAL_TABLE);
  const dynamoGateway = await startDynamoGateway({
    upstream: dynamo.endpoint,
    iam,
    port: dynamodbPort,
    meter: bothMeters(options.meterDynamo, crashPoints(process.env.FANGFAN_CRASH_AT)),
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

  const clock = production
    ? new BusinessClock(dataDir, undefined, true)
    : new BusinessClock(dataDir, options.now ?? process.env.FANGFAN_LOCAL_NOW);
  await functions.load();

  const kms = new LocalKms(keys.dataKey, dataKeyArn(definitions));
  // the twin's own writes (seed, outbox) are sealed as the functions' are, through its KMS in process
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: serviceCredentials }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const crypto = fieldCrypto(
    new KmsKeyringNode({ generatorKeyId: kms.keyArn, clientProvider: () => kms as never }),
    tableSealKeys(
      () => db,
      () => LOCAL_TABLE,
    ),
  );
  sealPersonalData(db, () => crypto);
  const store = new DynamoStore(db, LOCAL_TABLE);
  const outbox = new LocalOutbox(
    db,
    LOCAL_TABLE,
    crypto,
    deriveKey(keys.master, 'local-outbox'),
    async (personId) => {
      const person = (await store.getDirectory()).people.find((p) => p.personId === personId);
      return person && crypto.reveal(person.phone);
    },
  );
  if (production) await loadDirectory(store);
  else if (fresh)
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
  const channelSecrets = loadChannelSecrets(dataDir);
  for (const fn of definitions.functions) {
    for (const name of Object.keys(SECRETS) as SecretName[]) {
      const arn = fn.environment[SECRETS[name].env];
      if (arn) secrets.set(arn, secretValues[name]);
    }
    // the notification channels' accounts, as the administrator filled them in on AWS
    for (const [variable, channel] of CHANNEL_SECRETS) {
      const arn = fn.environment[variable];
      if (arn && channelSecrets[channel]) secrets.set(arn, JSON.stringify(channelSecrets[channel]));
    }
  }
  const awsServer = await startAwsEndpoint({
    engines: [engine, eliminationEngine],
    iam,
    secrets,
    kms,
    port: awsPort,
    // an SMS reaches the outbox, with the directory's person when the number is one of theirs
    onSms: async ({ phoneNumber, message, messageId }) => {
      const phone = phoneNumber.replace(/^\+86/, '');
      const people = await revealFields(crypto, (await store.getDirectory()).people, ['phone']);
      const person = people.find((p) => p.phone === phone);
      const link = /\s(https?:\/\/\S+)$/.exec(message)?.[1];
      await outbox.put({
        id: randomUUID(),
        messageId,
        to: { ...(person ? { personId: person.personId, name: person.name } : { name: '' }), phone },
        channel: 'sms',
        text: link ? message.slice(0, -link.length).trimEnd() : message,
        link,
        createdAt: nowIso(),
      });
    },
  });

  // S3 invokes its function asynchronously, a few events at a time, and tries a failed event twice
  // more before handing it to the on-failure destination; so does this, a queue per function, so a
  // long export never holds up a commitment.
  const s3Events = new Map<string, AsyncInvocations>();
  const objectKey = (event: unknown) =>
    decodeURIComponent(
      (
        (event as { Records?: { s3: { object: { key: string } } }[] }).Records?.[0]?.s3.object.key ?? ''
      ).replace(/\+/g, ' '),
    );
  const s3 = await startS3Local(
    dataDir,
    LOCAL_BUCKET,
    iam,
    functions.callers
      .map((c) => ({ accessKeyId: c.accessKeyId, secretAccessKey: 'local' }))
      .concat([serviceCredentials]),
    (event) => {
      const name = functionForObject(objectKey(event));
      if (!name) return;
      let queue = s3Events.get(name);
      if (!queue) {
        queue = new AsyncInvocations(
          S3_EVENT_CONCURRENCY,
          () => (e) => functions.invoke(name, e),
          (e) => `S3 event for ${objectKey(e)}`,
        );
        s3Events.set(name, queue);
      }
      queue.add(event);
    },
    s3Port,
  );

  const gateway: Server = await startGateway({
    port,
    invoke: (name, event, context) => functions.invoke(name, event, context) as Promise<any>,
    functionUrls: definitions.functionUrls,
    invokeStreaming: (name, event, sink) => functions.invokeStreaming(name, event, sink),
    verifyStaffToken: staffAuthorizer({
      ...definitions.staffAuthorizer,
      // the claim the staff functions read the person from
      personIdClaim: definitions.functions.find((f) => f.environment.PERSON_ID_CLAIM)!.environment
        .PERSON_ID_CLAIM!,
      localTokenKey: derived.staffTokenKey,
    }),
    // the development twin's own endpoints; a township's machine has none
    local: production
      ? async () => undefined
      : localEndpoints({
          store,
          outbox,
          clock,
          staffTokenKey: derived.staffTokenKey,
          settle: () => messagesSent(),
        }),
    host: production ? (process.env.FANGFAN_HOST ?? '127.0.0.1') : '127.0.0.1',
  });
  await engine.resumeAll();
  await eliminationEngine.resumeAll();
  // the same schedules as on AWS: daily at 08:00 Beijing time (00:00 UTC), and every minute
  const schedules = [
    ...FUNCTION_NAMES.filter((name) => specOf(name).dailySchedule).map((name) =>
      runDaily(clock, 0, () => functions.invoke(name, {})),
    ),
    ...FUNCTION_NAMES.filter((name) => specOf(name).minuteSchedule).map((name) =>
      runEvery(clock, 60_000, () => functions.invoke(name, {})),
    ),
  ];
  // Lambda's pollers of the table's stream, as the event source mappings were synthesized
  let pollers: StreamPoller[] = [];
  async function messagesSent() {
    for (const poller of pollers) await poller.drained();
  }
  pollers = definitions.streamConsumers.map((consumer) =>
    startStreamPoller({
      endpoint: dynamo.endpoint,
      credentials: serviceCredentials,
      region: LOCAL_REGION,
      streamArn,
      consumer,
      dataDir,
      invoke: (event) => functions.invoke(consumer.functionName, event),
    }),
  );

  return {
    url,
    dataDir,
    secretsFile: keys.secretsFile,
    engine,
    clock,
    dynamoPid: dynamo.process.pid ?? 0,
    outbox,
    eliminationEngine,
    messagesSent,
    async eventsHandled() {
      await Promise.all([...s3Events.values()].map((q) => q.idle()));
    },
    async stop() {
      for (const schedule of schedules) schedule.stop();
      // no new requests; the events already accepted finish against running services
      await new Promise((r) => gateway.close(r));
      gateway.closeAllConnections?.();
      await Promise.all([...s3Events.values()].map((q) => q.idle()));
      await Promise.all(pollers.map((p) => p.stop()));
      engine.stop();
      eliminationEngine.stop();
      clock.stop();
      await new Promise((r) => awsServer.close(r));
      await s3.stop();
      await new Promise((r) => dynamoGateway.close(r));
      dynamoGateway.closeAllConnections?.();
      await dynamo.stop();
      db.destroy();
      rmSync(pidFile(dataDir), { force: true });
    },
  };
}
