/**
 * The single table (DESIGN.md, Data): `PK = V#<village>` holds a village's applications (`A#`), audit
 * (`AU#`), objections (`OB#`), registry households (`H#`), their plans (`P#`), visits (`VI#`) and the
 * village's grids (`G#`). A campaign (`CP#<id>`) holds its forms (`F#`), problems (`P#`), exports (`EX#`)
 * and audit; its 汇总表 counters are `SUM#<id>`; a township lists its campaigns (`T#`). Other items have
 * their own partition:
 * `ID#<hmac>` locks an applicant against a second open case, `AP#` approvals, `RQ#` requests, `NC#`
 * nonces, `DIR` the directory, `MESSAGE#` the outbox of messages to send (`dynamodb-messages.ts`).
 * Personal data in every item is sealed on the way in (`#runtime/dynamodb-sealing`); the value keys
 * it is sealed under are `SEALKEY#<id>` (`#runtime/field-crypto`).
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CalendarData } from '#domain/calendar';
import { counterDelta } from '#domain/rectification';
import { isAllowedTransition, isFinal } from '#domain/stages';
import type { Notification } from '#notify/messages';
import { nowIso } from '#runtime/clock';
import { config } from '#runtime/config';
import { perContainer } from '#runtime/container';
import { ddb } from '#runtime/dynamodb-client';
import { messagePut } from './dynamodb-messages.ts';
import { householdIdOf } from './identity.ts';
import type {
  Application,
  Approval,
  AssistancePlan,
  AuditEntry,
  Campaign,
  Directory,
  ExportJob,
  Grid,
  Household,
  InspectionForm,
  Objection,
  Problem,
  StoredRequest,
  SummaryCounter,
  Visit,
  WebhookReceipt,
} from './model.ts';
import {
  type ApplicationChange,
  ConflictError,
  type HouseholdChange,
  InvalidCursor,
  type Store,
} from './store.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

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
};

/** A problem or export id starts with its campaign's id, so it is found without an index. */
export const campaignOf = (id: string): string => id.split('.')[0]!;

const encodeCursor = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
const decodeCursor = (cursor: string | undefined): Record<string, unknown> | undefined => {
  if (!cursor) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
};

/** The village is part of every application id, so an application is found without an index. */
export const villageOfApplication = (applicationId: string): string => applicationId.slice(0, 12);

function cancellationCodes(error: unknown): string[] | undefined {
  if (
    error instanceof TransactionCanceledException ||
    (error as Error)?.name === 'TransactionCanceledException'
  ) {
    return ((error as TransactionCanceledException).CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  }
  return undefined;
}

const directoryCache = perContainer(() => new Map<string, { at: number; directory: Directory }>());

export class DynamoStore implements Store {
  constructor(
    private readonly client: DynamoDBDocumentClient = ddb(),
    private readonly table: string = config.tableName,
  ) {}

  private auditItem(
    application: Pick<Application, 'applicationId' | 'village' | 'stage'>,
    audit: AuditEntry,
  ): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: {
          PK: keys.village(application.village),
          SK: keys.audit(application.applicationId, audit.at),
          type: 'AUDIT',
          applicationId: application.applicationId,
          stage: application.stage,
          ...audit,
        },
      },
    };
  }

  /** the outbox: each message a Put in the transaction of the change that causes it */
  private messageItems(messages: Notification[] | undefined, at: string): TransactItem[] {
    return (messages ?? []).map((m) => messagePut(this.table, m, at));
  }

  private nonceItem(channel: string, nonce: string): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: { PK: keys.nonce(channel, nonce), SK: 'NC', ttl: epoch() + 600 },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  private receiptItems(receipt: WebhookReceipt): TransactItem[] {
    return [
      this.nonceItem(receipt.channel, receipt.nonce),
      {
        Put: {
          TableName: this.table,
          Item: {
            PK: keys.request(receipt.channel, receipt.requestId),
            SK: 'RQ',
            bodyHash: receipt.bodyHash,
            response: receipt.response,
            ttl: epoch() + 30 * DAY,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
  }

  private async transact(
    items: TransactItem[],
    reasons: (ConflictError['reason'] | undefined)[],
  ): Promise<void> {
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

  /**
   * The directory changes rarely and is read by nearly every request, so a container keeps it for
   * `DIRECTORY_CACHE_SECONDS` (default 30); a change made here is seen at once.
   */
  async getDirectory(): Promise<Directory> {
    const ttl = config.directoryCacheSeconds * 1000;
    const cached = directoryCache().get(this.table);
    if (cached && Date.now() - cached.at < ttl) return cached.directory;
    const directory = await this.readDirectory();
    directoryCache().set(this.table, { at: Date.now(), directory });
    return directory;
  }

  private async readDirectory(): Promise<Directory> {
    const items = await this.queryAll({
      TableName: this.table,
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

  async putDirectory(directory: Directory): Promise<void> {
    directoryCache().delete(this.table);
    const items = [
      { PK: 'DIR', SK: 'META', township: directory.township, district: directory.district },
      ...directory.villages.map((v) => ({ PK: 'DIR', SK: `V#${v.code}`, ...v })),
      ...directory.people.map((p) => ({ PK: 'DIR', SK: `P#${p.personId}`, ...p })),
    ];
    for (const Item of items) await this.client.send(new PutCommand({ TableName: this.table, Item }));
  }

  async getHousehold(village: string, idHash: string): Promise<Household | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: keys.village(village), SK: keys.household(idHash) },
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, type: _t, ...household } = out.Item;
    return household as Household;
  }

  async putHousehold(household: Household): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          PK: keys.village(household.village),
          SK: keys.household(household.idHash),
          type: 'HOUSEHOLD',
          ...household,
        },
      }),
    );
  }

  async getRequest(channel: string, requestId: string): Promise<StoredRequest | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: keys.request(channel, requestId), SK: 'RQ' },
        ConsistentRead: true,
      }),
    );
    return out.Item ? { bodyHash: out.Item.bodyHash, response: out.Item.response } : undefined;
  }

  async claimNonce(channel: string, nonce: string): Promise<void> {
    await this.transact([this.nonceItem(channel, nonce)], ['NONCE']);
  }

  async createApplication(
    application: Application,
    receipt: WebhookReceipt,
    audit: AuditEntry,
    messages?: Notification[],
  ): Promise<void> {
    const lock: TransactItem = {
      Update: {
        TableName: this.table,
        Key: { PK: keys.person(application.applicant.idHash), SK: 'ID' },
        UpdateExpression: 'SET openApplicationId = :id, village = :village, updatedAt = :at',
        ConditionExpression: 'attribute_not_exists(openApplicationId) OR openApplicationId = :none',
        ExpressionAttributeValues: {
          ':id': application.applicationId,
          ':village': application.village,
          ':at': audit.at,
          ':none': '',
        },
      },
    };
    const put: TransactItem = {
      Put: {
        TableName: this.table,
        Item: this.applicationItem(application),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
    try {
      await this.transact(
        [
          ...this.receiptItems(receipt),
          lock,
          put,
          this.auditItem(application, audit),
          ...this.messageItems(messages, audit.at),
        ],
        ['NONCE', 'REQUEST', 'OPEN_CASE', 'VERSION'],
      );
    } catch (error) {
      if (error instanceof ConflictError && error.reason === 'OPEN_CASE') {
        const holder = await this.client.send(
          new GetCommand({
            TableName: this.table,
            Key: { PK: keys.person(application.applicant.idHash), SK: 'ID' },
            ConsistentRead: true,
          }),
        );
        throw new ConflictError('OPEN_CASE', holder.Item?.openApplicationId);
      }
      throw error;
    }
  }

  async recordRequest(application: Application, receipt: WebhookReceipt, audit: AuditEntry): Promise<void> {
    await this.transact(
      [...this.receiptItems(receipt), this.auditItem(application, audit)],
      ['NONCE', 'REQUEST'],
    );
  }

  async addObjection(
    application: Application,
    objection: Objection,
    receipt: WebhookReceipt,
    audit: AuditEntry,
  ): Promise<void> {
    const update: TransactItem = {
      Update: {
        TableName: this.table,
        Key: { PK: keys.village(application.village), SK: keys.application(application.applicationId) },
        UpdateExpression: 'SET publicity.objections = publicity.objections + :one',
        ConditionExpression: 'stage = :publicity AND publicity.endsAt > :at',
        ExpressionAttributeValues: { ':one': 1, ':publicity': 'PUBLICITY', ':at': objection.at },
      },
    };
    const put: TransactItem = {
      Put: {
        TableName: this.table,
        Item: {
          PK: keys.village(application.village),
          SK: keys.objection(application.applicationId, objection.objectionId),
          type: 'OBJECTION',
          applicationId: application.applicationId,
          ...objection,
        },
      },
    };
    await this.transact(
      [...this.receiptItems(receipt), update, put, this.auditItem(application, audit)],
      ['NONCE', 'REQUEST', 'NOT_IN_PUBLICITY'],
    );
  }

  async listObjections(application: Application): Promise<Objection[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: {
        ':pk': keys.village(application.village),
        ':sk': keys.objection(application.applicationId, ''),
      },
    });
    return items
      .map(({ objectionId, name, phone, content, at }) => ({ objectionId, name, phone, content, at }))
      .sort((a, b) => a.at.localeCompare(b.at));
  }

  async getApplication(applicationId: string): Promise<Application | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: keys.village(villageOfApplication(applicationId)), SK: keys.application(applicationId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? this.toApplication(out.Item) : undefined;
  }

  async listApplications(village: string, stage?: string): Promise<Application[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.village(village),
        ':prefix': 'A#',
        ...(stage ? { ':stage': stage } : {}),
      },
      ...(stage ? { FilterExpression: 'stage = :stage' } : {}),
    });
    return items.map((item) => this.toApplication(item));
  }

  async listAudit(application: Application): Promise<AuditEntry[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.village(application.village),
        ':prefix': `AU#${application.applicationId}#`,
      },
    });
    return items.map(({ action, by, at, detail }) => ({ action, by, at, detail }));
  }

  private applicationWrites(previous: Application, change: ApplicationChange): TransactItem[] {
    if (!isAllowedTransition(previous.stage, change.next.stage)) {
      throw new Error(
        `refused stage change ${previous.stage} → ${change.next.stage} of ${previous.applicationId}`,
      );
    }
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: this.applicationItem(change.next),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': previous.version },
        },
      },
      this.auditItem(change.next, change.audit),
    ];
    if (change.household) items.push(this.householdPut(change.household.previous, change.household.next));
    if (change.plan) items.push(this.planPut(change.plan.previous, change.plan.next));
    items.push(...this.messageItems(change.messages, change.audit.at));
    if (previous.kind === 'ELIMINATION') {
      if (isFinal(change.next.stage) && !isFinal(previous.stage))
        items.push(this.eliminationRelease(previous, change));
      return items;
    }
    if (isFinal(change.next.stage) && !isFinal(previous.stage)) {
      // An ended case frees the applicant; an active one keeps the household marked as monitored.
      items.push({
        Update: {
          TableName: this.table,
          Key: { PK: keys.person(previous.applicant.idHash), SK: 'ID' },
          UpdateExpression:
            change.next.stage === 'ACTIVE'
              ? 'SET openApplicationId = :id, monitoring = :true'
              : 'SET openApplicationId = :none',
          ConditionExpression: 'openApplicationId = :id',
          ExpressionAttributeValues:
            change.next.stage === 'ACTIVE'
              ? { ':id': previous.applicationId, ':true': true }
              : { ':id': previous.applicationId, ':none': '' },
        },
      });
    }
    return items;
  }

  /** An elimination that ends frees the household's lock: for a new identification once eliminated. */
  private eliminationRelease(previous: Application, change: ApplicationChange): TransactItem {
    const eliminated = change.next.stage === 'RISK_ELIMINATED';
    return {
      Update: {
        TableName: this.table,
        Key: { PK: keys.person(previous.applicant.idHash), SK: 'ID' },
        UpdateExpression: eliminated
          ? 'SET openApplicationId = :none, monitoring = :false, eliminationCaseId = :none'
          : 'SET eliminationCaseId = :none',
        ConditionExpression: 'eliminationCaseId = :case',
        ExpressionAttributeValues: {
          ':case': previous.applicationId,
          ':none': '',
          ...(eliminated ? { ':false': false } : {}),
        },
      },
    };
  }

  private householdItem(household: Household, version: number): Record<string, unknown> {
    return {
      PK: keys.village(household.village),
      SK: keys.household(household.idHash),
      type: 'HOUSEHOLD',
      ...household,
      version,
    };
  }

  private householdPut(previous: Household | undefined, next: Household): TransactItem {
    const condition =
      previous === undefined
        ? { ConditionExpression: 'attribute_not_exists(PK)' }
        : previous.version === undefined
          ? { ConditionExpression: 'attribute_not_exists(version)' }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previous.version } };
    return {
      Put: {
        TableName: this.table,
        Item: this.householdItem(next, (previous?.version ?? 0) + 1),
        ...condition,
      },
    };
  }

  private householdAudit(household: Pick<Household, 'village' | 'idHash'>, audit: AuditEntry): TransactItem {
    const householdId = householdIdOf(household.village, household.idHash);
    return {
      Put: {
        TableName: this.table,
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

  private planPut(previous: AssistancePlan | undefined, next: AssistancePlan): TransactItem {
    const [village, idHash] = next.householdId.split('-') as [string, string];
    return {
      Put: {
        TableName: this.table,
        Item: { PK: keys.village(village), SK: keys.plan(idHash, next.year), type: 'PLAN', ...next },
        ...(previous
          ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previous.version } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    };
  }

  async listHouseholds(village: string): Promise<Household[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.village(village), ':prefix': 'H#' },
    });
    return items.map(({ PK: _pk, SK: _sk, type: _t, ...h }) => h as Household);
  }

  async importHouseholds(
    households: Household[],
    audit: AuditEntry & { detail: { importId: string } },
  ): Promise<void> {
    const chunk = 99;
    for (let start = 0; start < households.length; start += chunk) {
      const part = households.slice(start, start + chunk);
      const items: TransactItem[] = part.map((h) => ({
        Update: {
          TableName: this.table,
          Key: { PK: keys.village(h.village), SK: keys.household(h.idHash) },
          UpdateExpression:
            'SET #type = :type, village = :village, idHash = :idHash, #group = :group, householdType = :ht, ' +
            'flags = :flags, head = :head, members = :members, incomes = :incomes, updatedAt = :at, ' +
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
          TableName: this.table,
          Item: {
            PK: `IMPORT#${audit.detail.importId}`,
            SK: `AU#${String(start / chunk).padStart(5, '0')}`,
            type: 'AUDIT',
            ...audit,
            detail: { ...audit.detail, households: part.length, first: start },
          },
        },
      });
      await this.transact(
        items,
        items.map(() => undefined),
      );
    }
  }

  async updateHousehold(change: HouseholdChange, receipt?: WebhookReceipt): Promise<void> {
    await this.transact(
      [
        ...(receipt ? this.receiptItems(receipt) : []),
        this.householdPut(change.previous, change.next),
        this.householdAudit(change.next, change.audit),
        ...this.messageItems(change.messages, change.audit.at),
      ],
      [...(receipt ? (['NONCE', 'REQUEST'] as const) : []), 'VERSION', undefined],
    );
  }

  async listHouseholdAudit(household: Household): Promise<AuditEntry[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.village(household.village),
        ':prefix': `AU#${householdIdOf(household.village, household.idHash)}#`,
      },
    });
    return items.map(({ action, by, at, detail }) => ({ action, by, at, detail }));
  }

  async getPlan(householdId: string, year: number): Promise<AssistancePlan | undefined> {
    const [village, idHash] = householdId.split('-') as [string, string];
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: keys.village(village), SK: keys.plan(idHash, year) },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, type: _t, ...plan } = out.Item;
    return plan as AssistancePlan;
  }

  async putPlan(
    previous: AssistancePlan | undefined,
    next: AssistancePlan,
    audit: AuditEntry,
    receipt?: WebhookReceipt,
  ): Promise<void> {
    const [village, idHash] = next.householdId.split('-') as [string, string];
    await this.transact(
      [
        ...(receipt ? this.receiptItems(receipt) : []),
        this.planPut(previous, next),
        this.householdAudit({ village, idHash }, audit),
      ],
      [...(receipt ? (['NONCE', 'REQUEST'] as const) : []), 'VERSION', undefined],
    );
  }

  async listGrids(village: string): Promise<Grid[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.village(village), ':prefix': 'G#' },
    });
    return items.map(({ PK: _pk, SK: _sk, type: _t, ...g }) => g as Grid);
  }

  async putGrid(grid: Grid, audit: AuditEntry): Promise<void> {
    await this.transact(
      [
        {
          Put: {
            TableName: this.table,
            Item: { PK: keys.village(grid.village), SK: keys.grid(grid.gridId), type: 'GRID', ...grid },
          },
        },
        {
          Put: {
            TableName: this.table,
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
  }

  async recordVisit(visit: Visit, change: HouseholdChange, receipt: WebhookReceipt): Promise<void> {
    const h = change.next;
    await this.transact(
      [
        ...this.receiptItems(receipt),
        {
          Put: {
            TableName: this.table,
            Item: {
              PK: keys.village(h.village),
              SK: keys.visit(h.idHash, visit.visitedOn, visit.visitId),
              type: 'VISIT',
              ...visit,
            },
          },
        },
        this.householdPut(change.previous, change.next),
        this.householdAudit(h, change.audit),
        ...this.messageItems(change.messages, change.audit.at),
      ],
      ['NONCE', 'REQUEST', undefined, 'VERSION', undefined],
    );
  }

  async listVisits(household: Household): Promise<Visit[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.village(household.village),
        ':prefix': `VI#${household.idHash}#`,
      },
    });
    return items.map(({ PK: _pk, SK: _sk, type: _t, ...v }) => v as Visit);
  }

  async createEliminationCase(case_: Application, audit: AuditEntry): Promise<void> {
    const identificationId = case_.elimination!.identificationId;
    await this.transact(
      [
        {
          Update: {
            TableName: this.table,
            Key: { PK: keys.person(case_.applicant.idHash), SK: 'ID' },
            UpdateExpression: 'SET eliminationCaseId = :case',
            ConditionExpression:
              'openApplicationId = :ident AND monitoring = :true AND (attribute_not_exists(eliminationCaseId) OR eliminationCaseId = :none)',
            ExpressionAttributeValues: {
              ':case': case_.applicationId,
              ':ident': identificationId,
              ':true': true,
              ':none': '',
            },
          },
        },
        {
          Put: {
            TableName: this.table,
            Item: this.applicationItem(case_),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        this.auditItem(case_, audit),
      ],
      ['OPEN_CASE', 'VERSION', undefined],
    );
  }

  private counterUpdates(
    campaignId: string,
    changes: { unit: string; category: number; before?: Problem['status']; after: Problem['status'] }[],
  ): TransactItem[] {
    const sums = new Map<
      string,
      { unit: string; category: number; total: number; rectified: number; inProgress: number }
    >();
    for (const c of changes) {
      const d = counterDelta(c.before, c.after);
      const key = keys.counter(c.unit, c.category);
      const sum = sums.get(key) ?? {
        unit: c.unit,
        category: c.category,
        total: 0,
        rectified: 0,
        inProgress: 0,
      };
      sum.total += d.total;
      sum.rectified += d.rectified;
      sum.inProgress += d.inProgress;
      sums.set(key, sum);
    }
    return [...sums.entries()]
      .filter(([, d]) => d.total || d.rectified || d.inProgress)
      .map(([sk, d]) => ({
        Update: {
          TableName: this.table,
          Key: { PK: keys.summary(campaignId), SK: sk },
          UpdateExpression:
            'SET #unit = :unit, category = :category, #type = :type ADD #total :t, rectified :r, inProgress :i',
          ExpressionAttributeNames: { '#unit': 'unit', '#type': 'type', '#total': 'total' },
          ExpressionAttributeValues: {
            ':unit': d.unit,
            ':category': d.category,
            ':type': 'COUNTER',
            ':t': d.total,
            ':r': d.rectified,
            ':i': d.inProgress,
          },
        },
      }));
  }

  private campaignAudit(campaignId: string, subject: string, audit: AuditEntry): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: {
          PK: keys.campaign(campaignId),
          SK: keys.audit(subject, audit.at),
          type: 'AUDIT',
          subject,
          ...audit,
        },
      },
    };
  }

  async putCampaign(previous: Campaign | undefined, next: Campaign, audit: AuditEntry): Promise<void> {
    await this.transact(
      [
        {
          Put: {
            TableName: this.table,
            Item: { PK: keys.township(next.township), SK: `C#${next.campaignId}`, type: 'CAMPAIGN', ...next },
            ...(previous
              ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previous.version } }
              : { ConditionExpression: 'attribute_not_exists(PK)' }),
          },
        },
        this.campaignAudit(next.campaignId, next.campaignId, audit),
      ],
      [previous ? 'VERSION' : 'DUPLICATE', undefined],
    );
  }

  async getCampaign(campaignId: string): Promise<Campaign | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: keys.township(campaignId.slice(0, 9)), SK: `C#${campaignId}` },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, type: _t, ...campaign } = out.Item;
    return campaign as Campaign;
  }

  async listCampaigns(township: string): Promise<Campaign[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.township(township), ':prefix': 'C#' },
    });
    return items.map(({ PK: _pk, SK: _sk, type: _t, ...c }) => c as Campaign);
  }

  private problemPut(problem: Problem, previous?: Problem): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: {
          PK: keys.campaign(problem.campaignId),
          SK: `P#${problem.problemId}`,
          type: 'PROBLEM',
          ...problem,
        },
        ...(previous
          ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previous.version } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    };
  }

  async fileInspectionForm(
    form: InspectionForm,
    problems: Problem[],
    receipt: WebhookReceipt | undefined,
    audit: AuditEntry,
  ): Promise<void> {
    const items: TransactItem[] = [
      ...(receipt ? this.receiptItems(receipt) : []),
      {
        Put: {
          TableName: this.table,
          Item: { PK: keys.campaign(form.campaignId), SK: `F#${form.head.idHash}`, type: 'FORM', ...form },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...problems.map((p) => this.problemPut(p)),
      ...this.counterUpdates(
        form.campaignId,
        problems.map((p) => ({ unit: p.unit, category: p.category, after: p.status })),
      ),
      this.campaignAudit(form.campaignId, form.formId, audit),
    ];
    if (form.judgement.proposeReview) {
      items.push({
        Update: {
          TableName: this.table,
          Key: { PK: keys.summary(form.campaignId), SK: keys.counter(form.village, 'PROPOSED') },
          UpdateExpression:
            'SET #unit = :unit, category = :category, #type = :type ADD households :one, persons :persons',
          ExpressionAttributeNames: { '#unit': 'unit', '#type': 'type' },
          ExpressionAttributeValues: {
            ':unit': form.village,
            ':category': 'PROPOSED',
            ':type': 'COUNTER',
            ':one': 1,
            ':persons': form.householdSize ?? 1,
          },
        },
      });
    }
    const reasons: (ConflictError['reason'] | undefined)[] = items.map(() => undefined);
    if (receipt) reasons.splice(0, 2, 'NONCE', 'REQUEST');
    reasons[receipt ? 2 : 0] = 'DUPLICATE';
    await this.transact(items, reasons);
  }

  async linkFormApplication(form: InspectionForm, applicationId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { PK: keys.campaign(form.campaignId), SK: `F#${form.head.idHash}` },
        UpdateExpression: 'SET applicationId = :id',
        ExpressionAttributeValues: { ':id': applicationId },
      }),
    );
  }

  async getInspectionForm(campaignId: string, idHash: string): Promise<InspectionForm | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: keys.campaign(campaignId), SK: `F#${idHash}` },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, type: _t, ...form } = out.Item;
    return form as InspectionForm;
  }

  async *inspectionForms(campaignId: string): AsyncGenerator<InspectionForm[]> {
    yield* this.pages<InspectionForm>(campaignId, 'F#');
  }

  private async *pages<T>(campaignId: string, prefix: string): AsyncGenerator<T[]> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.campaign(campaignId), ':prefix': prefix },
          ExclusiveStartKey,
        }),
      );
      yield (out.Items ?? []).map(({ PK: _pk, SK: _sk, type: _t, ...item }) => item as T);
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  async createProblem(problem: Problem, audit: AuditEntry): Promise<void> {
    await this.transact(
      [
        this.problemPut(problem),
        ...this.counterUpdates(problem.campaignId, [
          { unit: problem.unit, category: problem.category, after: problem.status },
        ]),
        this.campaignAudit(problem.campaignId, problem.problemId, audit),
      ],
      ['DUPLICATE'],
    );
  }

  async updateProblem(
    previous: Problem,
    next: Problem,
    audit: AuditEntry,
    messages?: Notification[],
  ): Promise<void> {
    await this.transact(
      [
        this.problemPut(next, previous),
        ...this.counterUpdates(next.campaignId, [
          { unit: next.unit, category: next.category, before: previous.status, after: next.status },
        ]),
        this.campaignAudit(next.campaignId, next.problemId, audit),
        ...this.messageItems(messages, audit.at),
      ],
      ['VERSION'],
    );
  }

  async getProblem(problemId: string): Promise<Problem | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: keys.campaign(campaignOf(problemId)), SK: `P#${problemId}` },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, type: _t, ...problem } = out.Item;
    return problem as Problem;
  }

  async listProblems(
    campaignId: string,
    filter: { status?: string[]; category?: number; unit?: string; kind?: string; deadlineBefore?: string },
    page: { limit: number; cursor?: string },
  ): Promise<{ items: Problem[]; cursor?: string }> {
    const conditions: string[] = [];
    const values: Record<string, unknown> = { ':pk': keys.campaign(campaignId), ':prefix': 'P#' };
    const names: Record<string, string> = {};
    if (filter.status?.length) {
      names['#status'] = 'status';
      conditions.push(`#status IN (${filter.status.map((_, i) => `:s${i}`).join(', ')})`);
      filter.status.forEach((s, i) => {
        values[`:s${i}`] = s;
      });
    }
    if (filter.category !== undefined) {
      conditions.push('category = :category');
      values[':category'] = filter.category;
    }
    if (filter.unit) {
      names['#unit'] = 'unit';
      conditions.push('begins_with(#unit, :unit)');
      values[':unit'] = filter.unit;
    }
    if (filter.kind) {
      conditions.push('kind = :kind');
      values[':kind'] = filter.kind;
    }
    if (filter.deadlineBefore) {
      conditions.push('deadline < :before');
      values[':before'] = filter.deadlineBefore;
    }
    const items: Problem[] = [];
    let ExclusiveStartKey = decodeCursor(page.cursor);
    // a cursor is this listing's own: its partition and a problem's key, nothing else
    if (
      page.cursor &&
      (!ExclusiveStartKey ||
        Object.keys(ExclusiveStartKey).sort().join() !== 'PK,SK' ||
        ExclusiveStartKey.PK !== keys.campaign(campaignId) ||
        !/^P#[\w.-]{1,200}$/.test(String(ExclusiveStartKey.SK)))
    )
      throw new InvalidCursor();
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: values,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
          Limit: Math.max(page.limit - items.length, 25),
          ExclusiveStartKey,
        }),
      );
      let dropped = false;
      for (const { PK: _pk, SK: _sk, type: _t, ...p } of out.Items ?? []) {
        if (items.length < page.limit) items.push(p as Problem);
        else dropped = true;
      }
      ExclusiveStartKey = out.LastEvaluatedKey;
      if (items.length >= page.limit && (ExclusiveStartKey || dropped)) {
        const last = items.at(-1)!;
        return { items, cursor: encodeCursor({ PK: keys.campaign(campaignId), SK: `P#${last.problemId}` }) };
      }
    } while (ExclusiveStartKey);
    return { items };
  }

  async *problems(campaignId: string): AsyncGenerator<Problem[]> {
    yield* this.pages<Problem>(campaignId, 'P#');
  }

  async importProblems(problems: Problem[], audit: AuditEntry): Promise<void> {
    // a transaction holds at most 100 items: the problems, one counter per unit and type, the audit
    let start = 0;
    while (start < problems.length) {
      const counters = new Set<string>();
      let end = start;
      while (end < problems.length) {
        const p = problems[end]!;
        const key = keys.counter(p.unit, p.category);
        if (end - start + 1 + counters.size + (counters.has(key) ? 0 : 1) + 1 > 100) break;
        counters.add(key);
        end++;
      }
      const part = problems.slice(start, end);
      const campaignId = part[0]!.campaignId;
      const items = [
        ...part.map((p) => this.problemPut(p)),
        ...this.counterUpdates(
          campaignId,
          part.map((p) => ({ unit: p.unit, category: p.category, after: p.status })),
        ),
        this.campaignAudit(campaignId, `import-${start}`, {
          ...audit,
          detail: { ...audit.detail, first: start, problems: part.length },
        }),
      ];
      await this.transact(
        items,
        items.map(() => 'DUPLICATE' as const),
      );
      start = end;
    }
  }

  async getSummaryCounters(campaignId: string): Promise<SummaryCounter[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.summary(campaignId) },
      ConsistentRead: true,
    });
    return items.map(({ unit, category, total, rectified, inProgress, households, persons }) => ({
      unit,
      category,
      total,
      rectified,
      inProgress,
      households,
      persons,
    }));
  }

  async putExport(job: ExportJob): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { PK: keys.campaign(job.campaignId), SK: `EX#${job.exportId}`, type: 'EXPORT', ...job },
      }),
    );
  }

  async getExport(exportId: string): Promise<ExportJob | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: keys.campaign(campaignOf(exportId)), SK: `EX#${exportId}` },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, type: _t, ...job } = out.Item;
    return job as ExportJob;
  }

  async updateApplication(previous: Application, change: ApplicationChange): Promise<void> {
    const writes = this.applicationWrites(previous, change);
    await this.transact(
      writes,
      writes.map(() => 'VERSION' as const),
    );
  }

  async getApproval(approvalId: string): Promise<Approval | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: keys.approval(approvalId), SK: 'AP' },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, ...approval } = out.Item;
    return approval as Approval;
  }

  async openApproval(previous: Application, change: ApplicationChange, approval: Approval): Promise<void> {
    const writes = [
      ...this.applicationWrites(previous, change),
      {
        Put: {
          TableName: this.table,
          Item: { PK: keys.approval(approval.approvalId), SK: 'AP', ...approval },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
    await this.transact(
      writes,
      writes.map(() => 'VERSION' as const),
    );
  }

  async updatePendingApproval(
    approval: Approval,
    patch: Partial<Pick<Approval, 'taskToken' | 'approvers' | 'escalation' | 'expiresAt' | 'notified'>>,
    messages?: Notification[],
  ): Promise<void> {
    const names = Object.keys(patch);
    await this.transact(
      [
        {
          Update: {
            TableName: this.table,
            Key: { PK: keys.approval(approval.approvalId), SK: 'AP' },
            UpdateExpression: `SET ${names.map((n) => `#${n} = :${n}`).join(', ')}`,
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: {
              '#status': 'status',
              ...Object.fromEntries(names.map((n) => [`#${n}`, n])),
            },
            ExpressionAttributeValues: {
              ':pending': 'PENDING',
              ...Object.fromEntries(Object.entries(patch).map(([n, v]) => [`:${n}`, v])),
            },
          },
        },
        ...this.messageItems(messages, nowIso()),
      ],
      ['ALREADY_DECIDED'],
    );
  }

  async decideApproval(
    approval: Approval,
    decided: Approval,
    previous: Application,
    change: ApplicationChange,
  ): Promise<void> {
    const writes: TransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: { PK: keys.approval(approval.approvalId), SK: 'AP', ...decided },
          // the token read must still be the current one, or the workflow would not hear the decision
          ConditionExpression: '#status = :pending AND taskToken = :token',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':token': approval.taskToken },
        },
      },
      ...this.applicationWrites(previous, change),
    ];
    await this.transact(writes, ['ALREADY_DECIDED', ...writes.slice(1).map(() => 'VERSION' as const)]);
  }

  async getCalendarData(): Promise<CalendarData> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { PK: 'CONFIG', SK: 'CALENDAR' } }),
    );
    return (out.Item?.years as CalendarData | undefined) ?? {};
  }

  async putCalendarYear(year: string, data: CalendarData[string], audit: AuditEntry): Promise<void> {
    await this.transact(
      [
        {
          Update: {
            TableName: this.table,
            Key: { PK: 'CONFIG', SK: 'CALENDAR' },
            UpdateExpression: 'SET years = if_not_exists(years, :empty)',
            ExpressionAttributeValues: { ':empty': {} },
          },
        },
      ],
      [undefined],
    );
    await this.transact(
      [
        {
          Update: {
            TableName: this.table,
            Key: { PK: 'CONFIG', SK: 'CALENDAR' },
            UpdateExpression: 'SET years.#year = :data',
            ExpressionAttributeNames: { '#year': year },
            ExpressionAttributeValues: { ':data': data },
          },
        },
        {
          Put: {
            TableName: this.table,
            Item: { PK: 'CONFIG', SK: `AU#${audit.at}#${randomUUID().slice(0, 8)}`, type: 'AUDIT', ...audit },
          },
        },
      ],
      [undefined, undefined],
    );
  }

  /** Items per kind across the table (a scan: for local diagnostics and tests only). */
  async countItems(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new ScanCommand({
          TableName: this.table,
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
  }

  private applicationItem(application: Application): Record<string, unknown> {
    return {
      PK: keys.village(application.village),
      SK: keys.application(application.applicationId),
      type: 'APPLICATION',
      ...application,
    };
  }

  private toApplication(item: Record<string, unknown>): Application {
    const { PK: _pk, SK: _sk, type: _type, GSI1PK: _g1, GSI1SK: _g2, ...application } = item;
    return application as unknown as Application;
  }

  private async queryAll(input: QueryCommandInput): Promise<Record<string, any>[]> {
    const items: Record<string, any>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey }));
      items.push(...(out.Items ?? []));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}
