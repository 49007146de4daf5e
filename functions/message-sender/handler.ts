/**
 * The outbox's sender: the table's stream (filtered to PENDING messages) hands it each message to
 * deliver, with partial batch responses so one failed record is retried alone; every minute the
 * schedule invokes it to hand on the messages whose retry is due (`sender.ts`).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { withLogger } from '#http/middleware';
import { channelsFor } from '#notify/notifier';
import { deliver, type SenderDeps, sweep } from '#notify/sender';
import { assertConfigured } from '#runtime/config';
import { perContainer } from '#runtime/container';
import { functionCrypto } from '#runtime/field-crypto';
import { secretValue } from '#runtime/secrets';
import { DynamoMessageStore } from '#store/dynamodb-messages';
import { DynamoStore } from '#store/dynamodb-store';

assertConfigured();

const deps = perContainer((): SenderDeps => {
  const store = new DynamoStore();
  const people = async () => (await store.getDirectory()).people;
  return {
    messages: new DynamoMessageStore(),
    channels: channelsFor(people, secretValue),
    people,
    reveal: (value) => functionCrypto().reveal(value),
  };
});
const processor = new BatchProcessor(EventType.DynamoDBStreams);

async function record(r: DynamoDBRecord) {
  const image = unmarshall((r.dynamodb?.NewImage ?? {}) as never) as { messageId?: string; round?: number };
  if (!image.messageId) return;
  await deliver(deps(), { messageId: image.messageId, round: Number(image.round ?? 0) });
}

const run = async (event: Partial<DynamoDBStreamEvent>, context: Context) =>
  Array.isArray(event.Records)
    ? processPartialResponse(event as DynamoDBStreamEvent, record, processor, { context })
    : sweep(deps());

export const handler = middy(run).use(withLogger());
