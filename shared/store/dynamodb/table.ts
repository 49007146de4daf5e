/**
 * The single table (DESIGN.md, Data): `PK = V#<village>` holds a village's applications (`A#`), audit
 * (`AU#`), objections (`OB#`), registry households (`H#`), their plans (`P#`), visits (`VI#`) and the
 * village's grids (`G#`) and its risk leads (`L#`). A campaign (`CP#<id>`) holds its forms (`F#`), problems (`P#`), exports (`EX#`)
 * and audit; its 汇总表 counters are `SUM#<id>`; a township lists its campaigns (`T#`). Other items have
 * their own partition:
 * `SCR#<district>` holds the district's screening runs (`M#<month>`) and area events (`EV#`).
 * `ID#<hmac>` locks an applicant against a second open case, `AP#` approvals, `RQ#` requests, `NC#`
 * nonces, `DIR` the directory, `MESSAGE#` the outbox of messages to send (`../dynamodb-messages.ts`).
 * Personal data in every item is sealed on the way in (`#runtime/dynamodb-sealing`); the value keys
 * it is sealed under are `SEALKEY#<id>` (`#runtime/field-crypto`).
 *
 * This module is what every aggregate's adapter shares: the keys, the transaction with its
 * cancellation reasons, paging, the outbox and the webhook receipt.
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Notification } from '#notify/messages';
import { config } from '#runtime/config';
import { ddb } from '#runtime/dynamodb-client';
import { messagePut } from '../dynamodb-messages.ts';
import type { WebhookReceipt } from '../store.ts';
import { ConflictError, InvalidCursor } from '../store.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Reason = ConflictError['reason'] | undefined;

const DAY = 86_400;
const epoch = (): number => Math.floor(Date.now() / 1000);

export const keys = {
  village: (code: string) => `V#${code}`,
  application: (id: string) => `A#${id}`,
  audit: (id: string, at: string) => `AU#${id}#${at}#${randomUUID().slice(0, 8)}`,
  objection: (id: string, objectionId: string) => `OB#${id}#${objectionId}`,
  household: (idHash: string) => `H#${idHash}`,
  plan: (idHash: string, year: number) => `P#${idHash}#${year}`,
  visit: (idHash: string, on: string, id: string) => `VI#${idHash}#${on}#${id}`,
  grid: (gridId: string) => `G#${gridId}`,
  township: (code: string) => `T#${code}`,
  campaign: (campaignId: string) => `CP#${campaignId}`,
  summary: (campaignId: string) => `SUM#${campaignId}`,
  counter: (unit: string, category: number | 'PROPOSED') =>
    `${unit}#${typeof category === 'number' ? String(category).padStart(2, '0') : category}`,
  person: (idHash: string) => `ID#${idHash}`,
  approval: (id: string) => `AP#${id}`,
  request: (channel: string, requestId: string) => `RQ#${channel}#${requestId}`,
  nonce: (channel: string, nonce: string) => `NC#${channel}#${nonce}`,
  lead: (leadId: string) => `L#${leadId}`,
  screenings: (district: string) => `SCR#${district}`,
  screeningMonth: (month: string) => `M#${month}`,
  areaEvent: (eventId: string) => `EV#${eventId}`,
};

/** A problem or export id starts with its campaign's id, so it is found without an index. */
export const campaignOf = (id: string): string => id.split('.')[0]!;

/** The village is part of every application id, so an application is found without an index. */
export const villageOfApplication = (applicationId: string): string => applicationId.slice(0, 12);

/** An item without the table's own attributes: the record as the domain knows it. */
export function strip<T>(item: Record<string, unknown>): T {
  const { PK: _pk, SK: _sk, type: _t, ...record } = item;
  return record as T;
}

function cancellationCodes(error: unknown): string[] | undefined {
  if (
    error instanceof TransactionCanceledException ||
    (error as Error)?.name === 'TransactionCanceledException'
  ) {
    return ((error as TransactionCanceledException).CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  }
  return undefined;
}

export class DynamoTable {
  constructor(
    readonly client: DynamoDBDocumentClient = ddb(),
    readonly name: string = config.tableName,
  ) {}

  /**
   * One transaction; a failed condition is the `ConflictError` of its item's reason (the item at the
   * same index), a lost race on any item `VERSION`.
   */
  async transact(items: TransactItem[], reasons: Reason[]): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      const index = codes.indexOf('ConditionalCheckFailed');
      const reason = index >= 0 ? reasons[index] : undefined;
      if (reason) throw new ConflictError(reason);
      if (codes.includes('TransactionConflict')) throw new ConflictError('VERSION');
      throw error;
    }
  }

  /** One item by its key, without the table's attributes; consistent unless said otherwise. */
  async get<T>(PK: string, SK: string, consistent = true): Promise<T | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.name, Key: { PK, SK }, ConsistentRead: consistent }),
    );
    return out.Item ? strip<T>(out.Item) : undefined;
  }

  async queryAll(input: QueryCommandInput): Promise<Record<string, any>[]> {
    const items: Record<string, any>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey }));
      items.push(...(out.Items ?? []));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** The items of a partition under a key prefix, without the table's attributes. */
  async under<T>(PK: string, prefix: string): Promise<T[]> {
    const items = await this.queryAll({
      TableName: this.name,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': PK, ':prefix': prefix },
    });
    return items.map((item) => strip<T>(item));
  }

  /** The same, page by page, for listings too long to hold (exports, watches). */
  async *pages<T>(PK: string, prefix: string): AsyncGenerator<T[]> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.name,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': PK, ':prefix': prefix },
          ExclusiveStartKey,
        }),
      );
      yield (out.Items ?? []).map((item) => strip<T>(item));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  /** the outbox: each message a Put in the transaction of the change that causes it */
  messageItems(messages: Notification[] | undefined, at: string): TransactItem[] {
    return (messages ?? []).map((m) => messagePut(this.name, m, at));
  }

  nonceItem(channel: string, nonce: string): TransactItem {
    return {
      Put: {
        TableName: this.name,
        Item: { PK: keys.nonce(channel, nonce), SK: 'NC', ttl: epoch() + 600 },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  /** A webhook's nonce and its request record: the first two items of the change they accept. */
  receiptItems(receipt: WebhookReceipt): TransactItem[] {
    return [
      this.nonceItem(receipt.channel, receipt.nonce),
      {
        Put: {
          TableName: this.name,
          Item: {
            PK: keys.request(receipt.channel, receipt.requestId),
            SK: 'RQ',
            bodyHash: receipt.bodyHash,
            answer: receipt.answer,
            ttl: epoch() + 30 * DAY,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
  }
}

/** The reasons of a receipt's two items, when there is one. */
export const receiptReasons = (receipt: WebhookReceipt | undefined): Reason[] =>
  receipt ? ['NONCE', 'REQUEST'] : [];

/** Items before `receiptItems`' in a transaction keep their reasons' indexes aligned with this. */
export const withReceipt = (t: DynamoTable, receipt: WebhookReceipt | undefined): TransactItem[] =>
  receipt ? t.receiptItems(receipt) : [];

/** The cursor a listing hands out: the last key it read, opaque to the client. */
export const encodeCursor = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

/**
 * A cursor back into its listing: it must be a key of that partition under that prefix, nothing
 * else (a forged or another listing's cursor is `InvalidCursor`).
 */
export function decodeCursor(
  cursor: string | undefined,
  PK: string,
  sk: RegExp,
): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  let key: Record<string, unknown> | undefined;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (
    !key ||
    typeof key !== 'object' ||
    Object.keys(key).sort().join() !== 'PK,SK' ||
    key.PK !== PK ||
    !sk.test(String(key.SK))
  )
    throw new InvalidCursor();
  return key;
}
