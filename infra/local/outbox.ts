/**
 * What the twin's SMS endpoint received (`/_local/outbox`): the phone network's side, kept in the
 * table as `OUTBOX` items so that `/_local/stats` counts them. The recipient's number is sealed like
 * any phone and the partition is its keyed hash, so the table holds no whole number; the twin reveals
 * it when it answers.
 */
import { createHmac } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type FieldCrypto, revealFields } from '#runtime/field-crypto';

/** What the local twin's SMS endpoint received (`/_local/outbox`). */
export interface OutboxMessage {
  id: string;
  /** the outbox message it delivered */
  messageId?: string;
  to: { personId?: string; name: string; phone: string };
  channel: string;
  text: string;
  link?: string;
  createdAt: string;
}

export class LocalOutbox {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly crypto: FieldCrypto,
    private readonly hashKey: string,
    /** a staff member's current phone, by person id */
    private readonly phoneOf: (personId: string) => Promise<string | undefined>,
  ) {}

  private partition(phone: string): string {
    return `OUTBOX#${createHmac('sha256', this.hashKey).update(phone).digest('hex').slice(0, 32)}`;
  }

  async put(message: OutboxMessage): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          PK: this.partition(message.to.phone),
          SK: `${message.createdAt}#${message.id}`,
          type: 'OUTBOX',
          ...message,
        },
      }),
    );
  }

  /** Every message, or those to one person (by id) or number, oldest first. */
  async list(to?: string): Promise<OutboxMessage[]> {
    const items: Record<string, any>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    const phone = to === undefined ? undefined : /^\d+$/.test(to) ? to : await this.phoneOf(to);
    if (to !== undefined && !phone) return [];
    do {
      const out = await this.db.send(
        phone
          ? new QueryCommand({
              TableName: this.table,
              KeyConditionExpression: 'PK = :pk',
              ExpressionAttributeValues: { ':pk': this.partition(phone) },
              ConsistentRead: true,
              ExclusiveStartKey,
            })
          : new ScanCommand({
              TableName: this.table,
              FilterExpression: '#type = :outbox',
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: { ':outbox': 'OUTBOX' },
              ExclusiveStartKey,
            }),
      );
      items.push(...(out.Items ?? []));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const messages = await Promise.all(
      items.map(({ id, messageId, to, channel, text, link, createdAt }) =>
        revealFields(this.crypto, { id, messageId, to, channel, text, link, createdAt } as OutboxMessage, [
          'phone',
        ]),
      ),
    );
    return messages.sort((a, b) => `${a.createdAt}#${a.id}`.localeCompare(`${b.createdAt}#${b.id}`));
  }
}
