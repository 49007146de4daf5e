/**
 * The single table (DESIGN.md, Data): `PK = V#<village>` holds a village's applications (`A#`), audit
 * (`AU#`), objections (`OB#`), registry households (`H#`), their plans (`P#`), visits (`VI#`) and the
 * village's grids (`G#`). Other items have their own partition:
 * `ID#<hmac>` locks an applicant against a second open case, `AP#` approvals, `RQ#` requests, `NC#`
 * nonces, `DIR` the directory, `OUTBOX` local notifications.
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
} from '@aws-sdk/lib-dynamodb';
import type { CalendarData } from '#domain/calendar';
import { isAllowedTransition, isFinal } from '#domain/stages';
import { config } from '#runtime/config';
import { ddb } from '#runtime/dynamodb-client';
import { householdIdOf } from './identity.ts';
import type {
  Application,
  Approval,
  AssistancePlan,
  AuditEntry,
  Directory,
  Grid,
  Household,
  OutboxMessage,
  StoredRequest,
  Visit,
  WebhookReceipt,
} from './model.ts';
import { type ApplicationChange, ConflictError, type HouseholdChange, type Store } from './store.ts';

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
  person: (idHash: string) => `ID#${idHash}`,
  approval: (id: string) => `AP#${id}`,
  request: (channel: string, requestId: string) => `RQ#${channel}#${requestId}`,
  nonce: (channel: string, nonce: string) => `NC#${channel}#${nonce}`,
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

const directoryCache = new Map<string, { at: number; directory: Directory }>();

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
    const ttl = Number(process.env.DIRECTORY_CACHE_SECONDS ?? 30) * 1000;
    const cached = directoryCache.get(this.table);
    if (cached && Date.now() - cached.at < ttl) return cached.directory;
    const directory = await this.readDirectory();
    directoryCache.set(this.table, { at: Date.now(), directory });
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
        .map((i) => ({ personId: i.personId, name: i.name, phone: i.phone, roles: i.roles })),
    };
  }

  async putDirectory(directory: Directory): Promise<void> {
    directoryCache.delete(this.table);
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
        [...this.receiptItems(receipt), lock, put, this.auditItem(application, audit)],
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
    objection: { objectionId: string; name: string; phone: string; content: string; at: string },
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
        counts[kind] = (counts[kind] ?? 0) + 1;
      }
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return counts;
  }

  /** Kept per recipient phone, so one person's messages are one Query. */
  async putOutbox(message: OutboxMessage): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          PK: `OUTBOX#${message.to.phone}`,
          SK: `${message.createdAt}#${message.id}`,
          type: 'OUTBOX',
          ...message,
        },
      }),
    );
  }

  async listOutbox(to?: string): Promise<OutboxMessage[]> {
    const toMessage = ({ id, to, channel, text, link, createdAt }: Record<string, any>) =>
      ({ id, to, channel, text, link, createdAt }) as OutboxMessage;
    if (!to) {
      const items: Record<string, any>[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const out = await this.client.send(
          new ScanCommand({
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
      return items
        .map(toMessage)
        .sort((a, b) => `${a.createdAt}#${a.id}`.localeCompare(`${b.createdAt}#${b.id}`));
    }
    const phone = /^\d+$/.test(to)
      ? to
      : (await this.getDirectory()).people.find((p) => p.personId === to)?.phone;
    if (!phone) return [];
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `OUTBOX#${phone}` },
      ConsistentRead: true,
    });
    return items.map(toMessage).filter((m) => m.to.personId === to || m.to.phone === to);
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
