/**
 * Identification and elimination cases on the single table: the application in its village's
 * partition (`A#`), its audit (`AU#`) and objections (`OB#`), the applicant's lock (`ID#`) against a
 * second open case, approvals (`AP#`).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '#domain/audit';
import type { Approval, Case, EliminationCase, IdentificationCase, Objection } from '#domain/case';
import { isFinal } from '#domain/stages';
import type { Notification } from '#notify/messages';
import { nowIso } from '#runtime/clock';
import type { WebhookReceipt } from '../store.ts';
import { type ApplicationChange, type CaseStore, ConflictError } from '../store.ts';
import { householdPut, planPut } from './households.ts';
import {
  type DynamoTable,
  keys,
  receiptReasons,
  type TransactItem,
  villageOfApplication,
  withReceipt,
} from './table.ts';

function auditItem(
  t: DynamoTable,
  application: Pick<Case, 'applicationId' | 'village' | 'stage'>,
  audit: AuditEntry,
): TransactItem {
  return {
    Put: {
      TableName: t.name,
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

function applicationItem(application: Case): Record<string, unknown> {
  return {
    PK: keys.village(application.village),
    SK: keys.application(application.applicationId),
    type: 'APPLICATION',
    ...application,
  };
}

function toApplication(item: Record<string, unknown>): Case {
  const { PK: _pk, SK: _sk, type: _type, GSI1PK: _g1, GSI1SK: _g2, ...application } = item;
  return application as unknown as Case;
}

function applicationWrites(t: DynamoTable, previous: Case, change: ApplicationChange): TransactItem[] {
  const items: TransactItem[] = [
    {
      Put: {
        TableName: t.name,
        Item: applicationItem(change.next),
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': previous.version },
      },
    },
    auditItem(t, change.next, change.audit),
  ];
  if (change.household) items.push(householdPut(t, change.household.previous, change.household.next));
  if (change.plan) items.push(planPut(t, change.plan.previous, change.plan.next));
  items.push(...t.messageItems(change.messages, change.audit.at));
  if (previous.kind === 'ELIMINATION') {
    if (isFinal(change.next.stage) && !isFinal(previous.stage))
      items.push(eliminationRelease(t, previous, change));
    return items;
  }
  if (isFinal(change.next.stage) && !isFinal(previous.stage)) {
    // An ended case frees the applicant; an active one keeps the household marked as monitored.
    items.push({
      Update: {
        TableName: t.name,
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
function eliminationRelease(t: DynamoTable, previous: Case, change: ApplicationChange): TransactItem {
  const eliminated = change.next.stage === 'RISK_ELIMINATED';
  return {
    Update: {
      TableName: t.name,
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

export const caseTable = (t: DynamoTable): CaseStore => ({
  async createApplication(
    application: IdentificationCase,
    receipt: WebhookReceipt | undefined,
    audit: AuditEntry,
    messages?: Notification[],
  ): Promise<void> {
    const lock: TransactItem = {
      Update: {
        TableName: t.name,
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
        TableName: t.name,
        Item: applicationItem(application),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
    try {
      await t.transact(
        [
          ...withReceipt(t, receipt),
          lock,
          put,
          auditItem(t, application, audit),
          ...t.messageItems(messages, audit.at),
        ],
        [...receiptReasons(receipt), 'OPEN_CASE', 'VERSION'],
      );
    } catch (error) {
      if (error instanceof ConflictError && error.reason === 'OPEN_CASE') {
        const holder = await t.client.send(
          new GetCommand({
            TableName: t.name,
            Key: { PK: keys.person(application.applicant.idHash), SK: 'ID' },
            ConsistentRead: true,
          }),
        );
        throw new ConflictError('OPEN_CASE', holder.Item?.openApplicationId);
      }
      throw error;
    }
  },

  async recordRequest(application: Case, receipt: WebhookReceipt, audit: AuditEntry): Promise<void> {
    await t.transact([...t.receiptItems(receipt), auditItem(t, application, audit)], ['NONCE', 'REQUEST']);
  },

  async addObjection(
    application: Case,
    objection: Objection,
    receipt: WebhookReceipt,
    audit: AuditEntry,
  ): Promise<void> {
    const update: TransactItem = {
      Update: {
        TableName: t.name,
        Key: { PK: keys.village(application.village), SK: keys.application(application.applicationId) },
        UpdateExpression: 'SET publicity.objections = publicity.objections + :one',
        ConditionExpression: 'stage = :publicity AND publicity.endsAt > :at',
        ExpressionAttributeValues: { ':one': 1, ':publicity': 'PUBLICITY', ':at': objection.at },
      },
    };
    const put: TransactItem = {
      Put: {
        TableName: t.name,
        Item: {
          PK: keys.village(application.village),
          SK: keys.objection(application.applicationId, objection.objectionId),
          type: 'OBJECTION',
          applicationId: application.applicationId,
          ...objection,
        },
      },
    };
    await t.transact(
      [...t.receiptItems(receipt), update, put, auditItem(t, application, audit)],
      ['NONCE', 'REQUEST', 'NOT_IN_PUBLICITY'],
    );
  },

  async listObjections(application: Case): Promise<Objection[]> {
    const items = await t.queryAll({
      TableName: t.name,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: {
        ':pk': keys.village(application.village),
        ':sk': keys.objection(application.applicationId, ''),
      },
    });
    return items
      .map(({ objectionId, name, phone, content, at }) => ({ objectionId, name, phone, content, at }))
      .sort((a, b) => a.at.localeCompare(b.at));
  },

  async getApplication(applicationId: string): Promise<Case | undefined> {
    const out = await t.client.send(
      new GetCommand({
        TableName: t.name,
        Key: { PK: keys.village(villageOfApplication(applicationId)), SK: keys.application(applicationId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toApplication(out.Item) : undefined;
  },

  async listApplications(village: string, stage?: string): Promise<Case[]> {
    const items = await t.queryAll({
      TableName: t.name,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.village(village),
        ':prefix': 'A#',
        ...(stage ? { ':stage': stage } : {}),
      },
      ...(stage ? { FilterExpression: 'stage = :stage' } : {}),
    });
    return items.map((item) => toApplication(item));
  },

  async listAudit(application: Case): Promise<AuditEntry[]> {
    const items = await t.queryAll({
      TableName: t.name,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.village(application.village),
        ':prefix': `AU#${application.applicationId}#`,
      },
    });
    return items.map(({ action, by, at, detail }) => ({ action, by, at, detail }));
  },

  async createEliminationCase(case_: EliminationCase, audit: AuditEntry): Promise<void> {
    const identificationId = case_.elimination!.identificationId;
    await t.transact(
      [
        {
          Update: {
            TableName: t.name,
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
            TableName: t.name,
            Item: applicationItem(case_),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        auditItem(t, case_, audit),
      ],
      ['OPEN_CASE', 'VERSION', undefined],
    );
  },

  async updateApplication(previous: Case, change: ApplicationChange): Promise<void> {
    const writes = applicationWrites(t, previous, change);
    await t.transact(
      writes,
      writes.map(() => 'VERSION' as const),
    );
  },

  async getApproval(approvalId: string): Promise<Approval | undefined> {
    const out = await t.client.send(
      new GetCommand({
        TableName: t.name,
        Key: { PK: keys.approval(approvalId), SK: 'AP' },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, ...approval } = out.Item;
    return approval as Approval;
  },

  async openApproval(previous: Case, change: ApplicationChange, approval: Approval): Promise<void> {
    const writes = [
      ...applicationWrites(t, previous, change),
      {
        Put: {
          TableName: t.name,
          Item: { PK: keys.approval(approval.approvalId), SK: 'AP', ...approval },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
    await t.transact(
      writes,
      writes.map(() => 'VERSION' as const),
    );
  },

  async updatePendingApproval(
    approval: Approval,
    patch: Partial<Pick<Approval, 'taskToken' | 'approvers' | 'escalation' | 'expiresAt' | 'notified'>>,
    messages?: Notification[],
  ): Promise<void> {
    const names = Object.keys(patch);
    await t.transact(
      [
        {
          Update: {
            TableName: t.name,
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
        ...t.messageItems(messages, nowIso()),
      ],
      ['ALREADY_DECIDED'],
    );
  },

  async decideApproval(
    approval: Approval,
    decided: Approval,
    previous: Case,
    change: ApplicationChange,
  ): Promise<void> {
    const writes: TransactItem[] = [
      {
        Put: {
          TableName: t.name,
          Item: { PK: keys.approval(approval.approvalId), SK: 'AP', ...decided },
          // the token read must still be the current one, or the workflow would not hear the decision
          ConditionExpression: '#status = :pending AND taskToken = :token',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':token': approval.taskToken },
        },
      },
      ...applicationWrites(t, previous, change),
    ];
    await t.transact(writes, ['ALREADY_DECIDED', ...writes.slice(1).map(() => 'VERSION' as const)]);
  },
});
