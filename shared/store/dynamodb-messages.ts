/**
 * The message outbox in the single table: `MESSAGE#<id>` / `MSG`. A message written with a change is a
 * Put in that change's transaction (`messagePut`); the table's stream hands each PENDING message to
 * the sender. Index GSI1 keeps what needs a hand: `MSG#WAITING` by the time it is due
 * (`<due>#<township>#<round>`: a RETRY's next attempt; for a PENDING or SENDING one, a few minutes
 * after it was handed over — the stream did not hand it on, or its sender died holding it), and
 * `MSG#DEAD#<township>` by when it died. A claim and a delivery change no index key, which keeps the
 * writes per message few.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { scopeCode } from '#domain/stages';
import { type Message, type Notification, renderText } from '#notify/messages';
import { config } from '#runtime/config';
import { ddb } from '#runtime/dynamodb-client';
import type { MessageStore } from './messages.ts';
import { ConflictError } from './store.ts';

type Item = Record<string, unknown>;

/** a PENDING message not claimed this long after it was written is handed on again by the sweep */
export const UNCLAIMED_AFTER_MS = 5 * 60_000;
const SENT_KEPT_SECONDS = 365 * 86_400;
const WAITING = 'MSG#WAITING';
const deadKey = (township: string) => `MSG#DEAD#${township}`;
const key = (messageId: string) => ({ PK: `MESSAGE#${messageId}`, SK: 'MSG' });
const townshipOf = (m: Pick<Notification, 'village'>) => scopeCode(m.village, 'township');
const later = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();
const waitingUntil = (m: Pick<Notification, 'village'>, due: string, round: number) =>
  `${due}#${townshipOf(m)}#${round}`;

/** The Put of a new message, for the transaction of the change that causes it. */
export function messagePut(table: string, n: Notification, at: string) {
  // the text is the kind's with the parameters: kept as those, as Chinese text is three bytes a
  // character and most messages then fit in one write unit
  const { text: _text, ...stored } = n;
  const item: Item = {
    ...key(n.messageId),
    type: 'MESSAGE',
    ...stored,
    status: 'PENDING',
    round: 0,
    attempts: 0,
    delivered: [],
    createdAt: at,
    updatedAt: at,
    GSI1PK: WAITING,
    GSI1SK: waitingUntil(n, later(at, UNCLAIMED_AFTER_MS), 0),
  };
  return { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(PK)' } };
}

const toMessage = (item: Item): Message => {
  const { PK: _pk, SK: _sk, type: _type, GSI1PK: _g1, GSI1SK: _g2, ttl: _ttl, ...message } = item;
  const m = message as unknown as Message;
  return { ...m, text: renderText(m.kind, m.params) };
};

const isConditionFailure = (error: unknown) =>
  ['ConditionalCheckFailedException', 'TransactionCanceledException'].includes((error as Error)?.name);

export class DynamoMessageStore implements MessageStore {
  constructor(
    private readonly client: DynamoDBDocumentClient = ddb(),
    private readonly table: string = config.tableName,
  ) {}

  /** an update conditional on the status and round read; false when the message moved on */
  private async update(
    m: Pick<Message, 'messageId' | 'round'>,
    statuses: Message['status'][],
    set: Item,
    remove: string[] = [],
  ): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status', '#round': 'round' };
    const values: Item = { ':round': m.round };
    statuses.forEach((s, i) => {
      values[`:s${i}`] = s;
    });
    // the placeholders of what is set are their own, so setting `round` leaves the condition's alone
    const sets = Object.entries(set).map(([name, value]) => {
      names[`#set_${name}`] = name;
      values[`:set_${name}`] = value;
      return `#set_${name} = :set_${name}`;
    });
    for (const name of remove) names[`#${name}`] = name;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(m.messageId),
          UpdateExpression: `SET ${sets.join(', ')}${remove.length ? ` REMOVE ${remove.map((n) => `#${n}`).join(', ')}` : ''}`,
          ConditionExpression: `#round = :round AND #status IN (${statuses.map((_, i) => `:s${i}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(messageId: string): Promise<Message | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.table, Key: key(messageId), ConsistentRead: true }),
    );
    return out.Item ? toMessage(out.Item) : undefined;
  }

  async claim(messageId: string, round: number): Promise<Message | undefined> {
    const message = await this.get(messageId);
    if (message?.status !== 'PENDING' || message.round !== round) return undefined;
    // the waiting entry stays as it is (no index write): it is the claim's lease
    const claimed = await this.update(message, ['PENDING'], { status: 'SENDING' });
    return claimed ? { ...message, status: 'SENDING' } : undefined;
  }

  async markDelivered(message: Message, channel: string): Promise<void> {
    await this.update(message, ['SENDING'], { delivered: [...message.delivered, channel] });
    message.delivered = [...message.delivered, channel];
  }

  async markSent(message: Message, at: string): Promise<void> {
    await this.update(
      message,
      ['SENDING'],
      {
        status: 'SENT',
        sentAt: at,
        updatedAt: at,
        ttl: Math.floor(Date.parse(at) / 1000) + SENT_KEPT_SECONDS,
      },
      ['GSI1PK', 'GSI1SK'],
    );
  }

  async markFailed(
    message: Message,
    failure: { attempts: number; error: string; at: string; nextAttemptAt?: string },
  ): Promise<void> {
    const common = { attempts: failure.attempts, lastError: failure.error, updatedAt: failure.at };
    await this.update(
      message,
      ['SENDING'],
      failure.nextAttemptAt
        ? {
            ...common,
            status: 'RETRY',
            nextAttemptAt: failure.nextAttemptAt,
            GSI1PK: WAITING,
            GSI1SK: waitingUntil(message, failure.nextAttemptAt, message.round),
          }
        : {
            ...common,
            status: 'DEAD',
            GSI1PK: deadKey(townshipOf(message)),
            GSI1SK: `${failure.at}#${message.messageId}`,
          },
    );
  }

  async due(at: string, limit: number): Promise<{ messageId: string; round: number; township: string }[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :waiting AND GSI1SK <= :at',
        ExpressionAttributeValues: { ':waiting': WAITING, ':at': `${at}#~` },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => {
      const [, township, round] = String(item.GSI1SK).split('#');
      return {
        messageId: String(item.PK).slice('MESSAGE#'.length),
        round: Number(round),
        township: township!,
      };
    });
  }

  async redrive(ref: { messageId: string; round: number; township: string }, at: string): Promise<boolean> {
    return this.update(ref, ['PENDING', 'SENDING', 'RETRY'], {
      status: 'PENDING',
      round: ref.round + 1,
      updatedAt: at,
      GSI1PK: WAITING,
      GSI1SK: `${later(at, UNCLAIMED_AFTER_MS)}#${ref.township}#${ref.round + 1}`,
    });
  }

  async resend(message: Message, by: string, at: string): Promise<void> {
    const next = message.round + 1;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: key(message.messageId),
                UpdateExpression:
                  'SET #status = :pending, #round = :next, attempts = :zero, updatedAt = :at, GSI1PK = :waiting, GSI1SK = :due REMOVE nextAttemptAt',
                ConditionExpression: '#status = :dead AND #round = :round',
                ExpressionAttributeNames: { '#status': 'status', '#round': 'round' },
                ExpressionAttributeValues: {
                  ':pending': 'PENDING',
                  ':dead': 'DEAD',
                  ':round': message.round,
                  ':next': next,
                  ':zero': 0,
                  ':at': at,
                  ':waiting': WAITING,
                  ':due': waitingUntil(message, later(at, UNCLAIMED_AFTER_MS), next),
                },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: {
                  PK: `MESSAGE#${message.messageId}`,
                  SK: `AU#${at}`,
                  type: 'AUDIT',
                  action: 'MESSAGE_RESENT',
                  by,
                  at,
                  detail: { messageId: message.messageId, attempts: message.attempts },
                },
              },
            },
          ],
        }),
      );
    } catch (error) {
      // resent meanwhile, or no longer DEAD
      if (isConditionFailure(error)) throw new ConflictError('VERSION');
      throw error;
    }
  }

  async listUndelivered(township: string): Promise<Message[]> {
    const ids: string[] = [];
    const query = async (pk: string, filter?: (sk: string) => boolean) => {
      let ExclusiveStartKey: Item | undefined;
      do {
        const out = await this.client.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ExclusiveStartKey,
          }),
        );
        for (const item of out.Items ?? [])
          if (!filter || filter(String(item.GSI1SK))) ids.push(String(item.PK).slice('MESSAGE#'.length));
        ExclusiveStartKey = out.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    };
    await query(deadKey(township));
    await query(WAITING, (sk) => sk.split('#')[1] === township);
    const messages = await Promise.all(ids.map((id) => this.get(id)));
    return messages
      .filter((m): m is Message => m?.status === 'RETRY' || m?.status === 'DEAD')
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
}
