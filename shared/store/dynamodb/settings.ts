/** The directory (`DIR`), the holiday data (`CONFIG`), webhook requests (`RQ#`) and nonces (`NC#`). */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '#domain/audit';
import type { CalendarData } from '#domain/calendar';
import type { Directory } from '#domain/directory';
import { config } from '#runtime/config';
import { perContainer } from '#runtime/container';
import type { SettingsStore, StoredRequest } from '../store.ts';
import { type DynamoTable, keys } from './table.ts';

const directoryCache = perContainer(() => new Map<string, { at: number; directory: Directory }>());

async function readDirectory(t: DynamoTable): Promise<Directory> {
  const items = await t.queryAll({
    TableName: t.name,
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': 'DIR' },
  });
  const meta = items.find((i) => i.SK === 'META');
  return {
    township: meta?.township ?? { code: '', name: '' },
    district: meta?.district ?? { code: '', name: '' },
    villages: items
      .filter((i) => String(i.SK).startsWith('V#'))
      .map((i) => ({ code: i.code, name: i.name, groups: i.groups })),
    people: items
      .filter((i) => String(i.SK).startsWith('P#'))
      .map((i) => ({
        personId: i.personId,
        name: i.name,
        phone: i.phone,
        ...(i.wecomUserId ? { wecomUserId: i.wecomUserId } : {}),
        roles: i.roles,
      })),
  };
}

export const settingsTable = (
  t: DynamoTable,
): SettingsStore & { countItems(): Promise<Record<string, number>> } => ({
  /**
   * The directory changes rarely and is read by nearly every request, so a container keeps it for
   * `DIRECTORY_CACHE_SECONDS` (default 30); a change made here is seen at once.
   */
  async getDirectory(): Promise<Directory> {
    const ttl = config.directoryCacheSeconds * 1000;
    const cached = directoryCache().get(t.name);
    if (cached && Date.now() - cached.at < ttl) return cached.directory;
    const directory = await readDirectory(t);
    directoryCache().set(t.name, { at: Date.now(), directory });
    return directory;
  },

  async putDirectory(directory: Directory): Promise<void> {
    directoryCache().delete(t.name);
    const items = [
      { PK: 'DIR', SK: 'META', township: directory.township, district: directory.district },
      ...directory.villages.map((v) => ({ PK: 'DIR', SK: `V#${v.code}`, ...v })),
      ...directory.people.map((p) => ({ PK: 'DIR', SK: `P#${p.personId}`, ...p })),
    ];
    for (const Item of items) await t.client.send(new PutCommand({ TableName: t.name, Item }));
  },

  async getRequest(channel: string, requestId: string): Promise<StoredRequest | undefined> {
    const out = await t.client.send(
      new GetCommand({
        TableName: t.name,
        Key: { PK: keys.request(channel, requestId), SK: 'RQ' },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    // records written before answers were stored bare kept `{status, body}` under `response`
    const answer = 'answer' in out.Item ? out.Item.answer : out.Item.response?.body;
    return { bodyHash: out.Item.bodyHash, answer };
  },

  async claimNonce(channel: string, nonce: string): Promise<void> {
    await t.transact([t.nonceItem(channel, nonce)], ['NONCE']);
  },

  async getCalendarData(): Promise<CalendarData> {
    const out = await t.client.send(
      new GetCommand({ TableName: t.name, Key: { PK: 'CONFIG', SK: 'CALENDAR' } }),
    );
    return (out.Item?.years as CalendarData | undefined) ?? {};
  },

  async putCalendarYear(year: string, data: CalendarData[string], audit: AuditEntry): Promise<void> {
    await t.transact(
      [
        {
          Update: {
            TableName: t.name,
            Key: { PK: 'CONFIG', SK: 'CALENDAR' },
            UpdateExpression: 'SET years = if_not_exists(years, :empty)',
            ExpressionAttributeValues: { ':empty': {} },
          },
        },
      ],
      [undefined],
    );
    await t.transact(
      [
        {
          Update: {
            TableName: t.name,
            Key: { PK: 'CONFIG', SK: 'CALENDAR' },
            UpdateExpression: 'SET years.#year = :data',
            ExpressionAttributeNames: { '#year': year },
            ExpressionAttributeValues: { ':data': data },
          },
        },
        {
          Put: {
            TableName: t.name,
            Item: { PK: 'CONFIG', SK: `AU#${audit.at}#${randomUUID().slice(0, 8)}`, type: 'AUDIT', ...audit },
          },
        },
      ],
      [undefined, undefined],
    );
  },

  /** Items per kind across the table (a scan: for local diagnostics and tests only). */
  async countItems(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await t.client.send(
        new ScanCommand({
          TableName: t.name,
          ProjectionExpression: 'PK, SK, #type',
          ExpressionAttributeNames: { '#type': 'type' },
          ExclusiveStartKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const kind = String(item.type ?? String(item.PK).split('#')[0]);
        // value keys are kept when a container first seals: machinery, not records
        if (kind === 'SEAL_KEY') continue;
        counts[kind] = (counts[kind] ?? 0) + 1;
      }
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return counts;
  },
});
