/**
 * AWS's DynamoDB Local (the jar shipped in the `amplify-dynamodb-simulator` package) on the machine's
 * Java 17, with its data under the data directory, listening on loopback only (`LoopbackDynamoDb.java`).
 * It supports transactions and streams, which the store and the outbox need.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { freePort, waitFor } from './net.ts';

export interface DynamoDbLocal {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startDynamoDbLocal(dataDir: string): Promise<DynamoDbLocal> {
  const require = createRequire(import.meta.url);
  const emulator = join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  const dbPath = join(dataDir, 'dynamodb');
  mkdirSync(dbPath, { recursive: true });
  const port = await freePort();
  // its files hold the whole ID numbers and phones: readable by their owner only
  chmodSync(dbPath, 0o700);
  const child = spawn(
    'java',
    [
      '-Xmx1g',
      `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
      '-cp',
      `${join(emulator, 'DynamoDBLocal.jar')}:${join(emulator, 'DynamoDBLocal_lib', '*')}`,
      fileURLToPath(new URL('./LoopbackDynamoDb.java', import.meta.url)),
      String(port),
      dbPath,
    ],
    // it inherits the stack's umask (077): the files it creates are owner-only too; and it reports
    // nothing to its vendor (DynamoDB Local's telemetry switch)
    { cwd: emulator, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' } },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited: ${stderr}`);
    await client.send(new ListTablesCommand({}));
  }, 30_000);
  client.destroy();
  return {
    endpoint,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The single table, as CDK defines it, with its stream; the stream's ARN. */
export async function ensureTable(endpoint: string, table: string): Promise<string> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const stream = { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } as const;
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    if (Table?.LatestStreamArn && Table.StreamSpecification?.StreamEnabled) return Table.LatestStreamArn;
    // a data directory from before the outbox: the stream is added
    await client.send(new UpdateTableCommand({ TableName: table, StreamSpecification: stream }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    await client.send(
      new CreateTableCommand({
        TableName: table,
        StreamSpecification: stream,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
          { AttributeName: 'GSI1PK', AttributeType: 'S' },
          { AttributeName: 'GSI1SK', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'GSI1',
            KeySchema: [
              { AttributeName: 'GSI1PK', KeyType: 'HASH' },
              { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      }),
    );
  }
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    return Table!.LatestStreamArn!;
  } finally {
    client.destroy();
  }
}
