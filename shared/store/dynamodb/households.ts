/**
 * The registry on the single table: households (`H#`), their plans (`P#`), visits (`VI#`) and audit
 * in their village's partition, and the village's grids (`G#`).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '#domain/audit';
import type { AssistancePlan, Grid, Household, Visit } from '#domain/household';
import { householdIdOf } from '../identity.ts';
import type { HouseholdChange, HouseholdStore, WebhookReceipt } from '../store.ts';
import { type DynamoTable, keys, receiptReasons, type TransactItem, withReceipt } from './table.ts';

function householdItem(household: Household, version: number): Record<string, unknown> {
  return {
    PK: keys.village(household.village),
    SK: keys.household(household.idHash),
    type: 'HOUSEHOLD',
    ...household,
    version,
  };
}

export function householdPut(t: DynamoTable, previous: Household | undefined, next: Household): TransactItem {
  const condition =
    previous === undefined
      ? { ConditionExpression: 'attribute_not_exists(PK)' }
      : previous.version === undefined
        ? { ConditionExpression: 'attribute_not_exists(version)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previous.version } };
  return {
    Put: {
      TableName: t.name,
      Item: householdItem(next, (previous?.version ?? 0) + 1),
      ...condition,
    },
  };
}

export function householdAudit(
  t: DynamoTable,
  household: Pick<Household, 'village' | 'idHash'>,
  audit: AuditEntry,
): TransactItem {
  const householdId = householdIdOf(household.village, household.idHash);
  return {
    Put: {
      TableName: t.name,
      Item: {
        PK: keys.village(household.village),
        SK: keys.audit(householdId, audit.at),
        type: 'AUDIT',
        householdId,
        ...audit,
      },
    },
  };
}

export function planPut(
  t: DynamoTable,
  previous: AssistancePlan | undefined,
  next: AssistancePlan,
): TransactItem {
  const [village, idHash] = next.householdId.split('-') as [string, string];
  return {
    Put: {
      TableName: t.name,
      Item: { PK: keys.village(village), SK: keys.plan(idHash, next.year), type: 'PLAN', ...next },
      ...(previous
        ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previous.version } }
        : { ConditionExpression: 'attribute_not_exists(PK)' }),
    },
  };
}

export const householdTable = (
  t: DynamoTable,
): HouseholdStore & { putHousehold(household: Household): Promise<void> } => ({
  async getHousehold(village: string, idHash: string): Promise<Household | undefined> {
    const out = await t.client.send(
      new GetCommand({
        TableName: t.name,
        Key: { PK: keys.village(village), SK: keys.household(idHash) },
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, type: _t, ...household } = out.Item;
    return household as Household;
  },

  async putHousehold(household: Household): Promise<void> {
    await t.client.send(
      new PutCommand({
        TableName: t.name,
        Item: {
          PK: keys.village(household.village),
          SK: keys.household(household.idHash),
          type: 'HOUSEHOLD',
          ...household,
        },
      }),
    );
  },

  async listHouseholds(village: string): Promise<Household[]> {
    const items = await t.queryAll({
      TableName: t.name,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.village(village), ':prefix': 'H#' },
    });
    return items.map(({ PK: _pk, SK: _sk, type: _t, ...h }) => h as Household);
  },

  async importHouseholds(
    households: Household[],
    audit: AuditEntry & { detail: { importId: string } },
  ): Promise<void> {
    const chunk = 99;
    for (let start = 0; start < households.length; start += chunk) {
      const part = households.slice(start, start + chunk);
      const items: TransactItem[] = part.map((h) => ({
        Update: {
          TableName: t.name,
          Key: { PK: keys.village(h.village), SK: keys.household(h.idHash) },
          UpdateExpression:
            'SET #type = :type, village = :village, idHash = :idHash, #group = :group, householdType = :ht, ' +
            'flags = :flags, head = :head, members = :members, memberIdHashes = :memberIdHashes, incomes = :incomes, ' +
            'updatedAt = :at, ' +
            'responsiblePerson = :responsible, ' +
            'version = if_not_exists(version, :zero) + :one',
          ExpressionAttributeNames: { '#type': 'type', '#group': 'group' },
          ExpressionAttributeValues: {
            ':type': 'HOUSEHOLD',
            ':village': h.village,
            ':idHash': h.idHash,
            ':group': h.group ?? '',
            ':ht': h.householdType,
            ':flags': h.flags,
            ':head': h.head,
            ':members': h.members ?? [],
            // members are found by these (the numbers are sealed): a measure's member, a department's row
            ':memberIdHashes': h.memberIdHashes ?? [],
            ':incomes': h.incomes ?? [],
            ':responsible': h.responsiblePerson ?? null,
            ':at': audit.at,
            ':zero': 0,
            ':one': 1,
          },
        },
      }));
      items.push({
        Put: {
          TableName: t.name,
          Item: {
            PK: `IMPORT#${audit.detail.importId}`,
            SK: `AU#${String(start / chunk).padStart(5, '0')}`,
            type: 'AUDIT',
            ...audit,
            detail: { ...audit.detail, households: part.length, first: start },
          },
        },
      });
      await t.transact(
        items,
        items.map(() => undefined),
      );
    }
  },

  async updateHousehold(change: HouseholdChange, receipt?: WebhookReceipt): Promise<void> {
    await t.transact(
      [
        ...withReceipt(t, receipt),
        householdPut(t, change.previous, change.next),
        householdAudit(t, change.next, change.audit),
        ...t.messageItems(change.messages, change.audit.at),
      ],
      [...receiptReasons(receipt), 'VERSION', undefined],
    );
  },

  async listHouseholdAudit(household: Household): Promise<AuditEntry[]> {
    const items = await t.queryAll({
      TableName: t.name,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.village(household.village),
        ':prefix': `AU#${householdIdOf(household.village, household.idHash)}#`,
      },
    });
    return items.map(({ action, by, at, detail }) => ({ action, by, at, detail }));
  },

  async getPlan(householdId: string, year: number): Promise<AssistancePlan | undefined> {
    const [village, idHash] = householdId.split('-') as [string, string];
    const out = await t.client.send(
      new GetCommand({
        TableName: t.name,
        Key: { PK: keys.village(village), SK: keys.plan(idHash, year) },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, type: _t, ...plan } = out.Item;
    return plan as AssistancePlan;
  },

  async putPlan(
    previous: AssistancePlan | undefined,
    next: AssistancePlan,
    audit: AuditEntry,
    receipt?: WebhookReceipt,
  ): Promise<void> {
    const [village, idHash] = next.householdId.split('-') as [string, string];
    await t.transact(
      [...withReceipt(t, receipt), planPut(t, previous, next), householdAudit(t, { village, idHash }, audit)],
      [...receiptReasons(receipt), 'VERSION', undefined],
    );
  },

  async listGrids(village: string): Promise<Grid[]> {
    const items = await t.queryAll({
      TableName: t.name,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.village(village), ':prefix': 'G#' },
    });
    return items.map(({ PK: _pk, SK: _sk, type: _t, ...g }) => g as Grid);
  },

  async putGrid(grid: Grid, audit: AuditEntry): Promise<void> {
    await t.transact(
      [
        {
          Put: {
            TableName: t.name,
            Item: { PK: keys.village(grid.village), SK: keys.grid(grid.gridId), type: 'GRID', ...grid },
          },
        },
        {
          Put: {
            TableName: t.name,
            Item: {
              PK: keys.village(grid.village),
              SK: keys.audit(`G-${grid.gridId}`, audit.at),
              type: 'AUDIT',
              ...audit,
            },
          },
        },
      ],
      [undefined, undefined],
    );
  },

  async recordVisit(visit: Visit, change: HouseholdChange, receipt: WebhookReceipt): Promise<void> {
    const h = change.next;
    await t.transact(
      [
        ...t.receiptItems(receipt),
        {
          Put: {
            TableName: t.name,
            Item: {
              PK: keys.village(h.village),
              SK: keys.visit(h.idHash, visit.visitedOn, visit.visitId),
              type: 'VISIT',
              ...visit,
            },
          },
        },
        householdPut(t, change.previous, change.next),
        householdAudit(t, h, change.audit),
        ...t.messageItems(change.messages, change.audit.at),
      ],
      ['NONCE', 'REQUEST', undefined, 'VERSION', undefined],
    );
  },

  async listVisits(household: Household): Promise<Visit[]> {
    const items = await t.queryAll({
      TableName: t.name,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.village(household.village),
        ':prefix': `VI#${household.idHash}#`,
      },
    });
    return items.map(({ PK: _pk, SK: _sk, type: _t, ...v }) => v as Visit);
  },
});
