/**
 * The local stand-in for a Lambda event source mapping on the table's stream, as synthesized
 * (`AWS::Lambda::EventSourceMapping`): it reads DynamoDB Local's stream shard by shard, keeps the
 * records the mapping's filter criteria match, invokes the function with batches of `BatchSize` in
 * Lambda's event shape, and on failure does what Lambda does: a partial batch response retries from
 * the first failed record, a function error splits the batch in two (`BisectBatchOnFunctionError`),
 * and after `MaximumRetryAttempts` the records go to the on-failure destination (logged here) and the
 * shard moves on. The position in each shard is kept in the data directory, so a restart resumes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { StreamConsumer } from './definitions.ts';

type Pattern = { [key: string]: Pattern | unknown[] };

/** EventBridge-style pattern matching, for the exact-value patterns the stack declares. */
export function matches(pattern: Pattern, value: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = (value as Record<string, unknown> | undefined)?.[key];
    if (Array.isArray(expected)) {
      if (expected.some((e) => typeof e === 'object' && e !== null))
        throw new Error(`filter rule ${JSON.stringify(expected)} is not served locally`);
      return expected.includes(actual as never);
    }
    return typeof actual === 'object' && actual !== null && matches(expected as Pattern, actual);
  });
}

export interface StreamPoller {
  stop(): Promise<void>;
  /** resolves once every record written so far has been handed on (tests, benchmarks) */
  drained(): Promise<void>;
}

export function startStreamPoller(options: {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  streamArn: string;
  consumer: StreamConsumer;
  dataDir: string;
  invoke: (event: unknown) => Promise<unknown>;
  region: string;
}): StreamPoller {
  const { consumer } = options;
  const client = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials,
  });
  const checkpointFile = join(options.dataDir, `stream-${consumer.logicalId}.json`);
  const checkpoints: Record<string, string> = existsSync(checkpointFile)
    ? JSON.parse(readFileSync(checkpointFile, 'utf8'))
    : {};
  const save = () => writeFileSync(checkpointFile, JSON.stringify(checkpoints), { mode: 0o600 });
  const iterators = new Map<string, string | undefined>();
  let stopped = false;
  let idle = false;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** a stream record as Lambda hands it to the function (and as filter criteria see it) */
  const lambdaRecord = (r: StreamRecord) => ({
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: options.region,
    dynamodb: {
      ...r.dynamodb,
      ApproximateCreationDateTime: r.dynamodb?.ApproximateCreationDateTime
        ? Math.floor(new Date(r.dynamodb.ApproximateCreationDateTime).getTime() / 1000)
        : undefined,
    },
    eventSourceARN: options.streamArn,
  });
  const toEvent = (records: StreamRecord[]) => ({ Records: records.map(lambdaRecord) });
  const filtered = (records: StreamRecord[]) =>
    consumer.filters.length === 0
      ? records
      : records.filter((r) => consumer.filters.some((f) => matches(f, lambdaRecord(r))));

  /** one batch through the function, with Lambda's retries; resolves when the batch is done with */
  async function handle(batch: StreamRecord[], attempt = 0): Promise<void> {
    let remainder = batch;
    for (let tries = attempt; ; tries++) {
      let failedFrom: number | undefined;
      try {
        const answer = (await options.invoke(toEvent(remainder))) as
          | { batchItemFailures?: { itemIdentifier: string }[] }
          | undefined;
        const failures = consumer.reportBatchItemFailures ? (answer?.batchItemFailures ?? []) : [];
        if (failures.length === 0) return;
        const sequences = new Set(failures.map((f) => f.itemIdentifier));
        failedFrom = remainder.findIndex((r) => sequences.has(r.dynamodb?.SequenceNumber ?? ''));
        if (failedFrom < 0) failedFrom = 0;
      } catch (error) {
        if (consumer.bisect && remainder.length > 1) {
          const half = Math.ceil(remainder.length / 2);
          await handle(remainder.slice(0, half), tries + 1);
          await handle(remainder.slice(half), tries + 1);
          return;
        }
        console.error(`stream batch for ${consumer.functionName} failed`, error);
        failedFrom = 0;
      }
      remainder = remainder.slice(failedFrom);
      if (tries >= consumer.maximumRetryAttempts) {
        console.error(
          `${remainder.length} stream records for ${consumer.functionName} failed every retry: to FailedInvocations`,
        );
        return;
      }
      await sleep(100 * (tries + 1));
    }
  }

  async function iteratorFor(shardId: string): Promise<string | undefined> {
    const after = checkpoints[shardId];
    const out = await client.send(
      new GetShardIteratorCommand({
        StreamArn: options.streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: consumer.startingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator;
  }

  const finished = new Set<string>();
  async function pollOnce(): Promise<number> {
    const { StreamDescription } = await client.send(
      new DescribeStreamCommand({ StreamArn: options.streamArn }),
    );
    let handled = 0;
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId!;
      if (finished.has(shardId) || checkpoints[shardId] === 'CLOSED') continue;
      // a child shard waits until its parent is read to the end, as Lambda keeps order by key
      if (
        shard.ParentShardId &&
        !finished.has(shard.ParentShardId) &&
        checkpoints[shard.ParentShardId] !== 'CLOSED' &&
        (StreamDescription?.Shards ?? []).some((s) => s.ShardId === shard.ParentShardId)
      )
        continue;
      let iterator = iterators.has(shardId) ? iterators.get(shardId) : await iteratorFor(shardId);
      if (!iterator) continue;
      let out: GetRecordsCommandOutput;
      try {
        out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      } catch (error) {
        if ((error as Error).name === 'ExpiredIteratorException') {
          iterators.delete(shardId);
          continue;
        }
        throw error;
      }
      const records = out.Records ?? [];
      const wanted = filtered(records);
      for (let i = 0; i < wanted.length; i += consumer.batchSize)
        await handle(wanted.slice(i, i + consumer.batchSize));
      if (records.length) {
        checkpoints[shardId] = records.at(-1)!.dynamodb!.SequenceNumber!;
        handled += records.length;
      }
      iterator = out.NextShardIterator;
      iterators.set(shardId, iterator);
      if (!iterator) {
        finished.add(shardId);
        checkpoints[shardId] = 'CLOSED';
      }
      if (records.length || !iterator) save();
    }
    return handled;
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        const handled = await pollOnce();
        idle = handled === 0;
        await sleep(handled ? 20 : 150);
      } catch (error) {
        if (!stopped) console.error('stream poller', error);
        idle = false;
        await sleep(500);
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
      client.destroy();
    },
    async drained() {
      // two idle polls in a row: everything written before the call has been read and handed on
      for (let quiet = 0; quiet < 2; ) {
        idle = false;
        while (!idle && !stopped) await sleep(20);
        quiet++;
      }
    },
  };
}
