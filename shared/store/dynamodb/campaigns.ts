/**
 * 集中排查 on the single table: a campaign (`CP#<id>`) holds its forms (`F#`), problems (`P#`),
 * exports (`EX#`) and audit; its 汇总表 counters are `SUM#<id>`; a township lists its campaigns (`T#`).
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '#domain/audit';
import type { Campaign, ExportJob, InspectionForm, Problem, SummaryCounter } from '#domain/campaign';
import { counterDelta } from '#domain/rectification';
import type { Notification } from '#notify/messages';
import type { CampaignStore, WebhookReceipt } from '../store.ts';
import {
  campaignOf,
  type DynamoTable,
  decodeCursor,
  encodeCursor,
  keys,
  receiptReasons,
  type TransactItem,
  withReceipt,
} from './table.ts';

function counterUpdates(
  t: DynamoTable,
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
        TableName: t.name,
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

function campaignAudit(t: DynamoTable, campaignId: string, subject: string, audit: AuditEntry): TransactItem {
  return {
    Put: {
      TableName: t.name,
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

function problemPut(t: DynamoTable, problem: Problem, previous?: Problem): TransactItem {
  return {
    Put: {
      TableName: t.name,
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

export const campaignTable = (t: DynamoTable): CampaignStore => ({
  async putCampaign(previous: Campaign | undefined, next: Campaign, audit: AuditEntry): Promise<void> {
    await t.transact(
      [
        {
          Put: {
            TableName: t.name,
            Item: { PK: keys.township(next.township), SK: `C#${next.campaignId}`, type: 'CAMPAIGN', ...next },
            ...(previous
              ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previous.version } }
              : { ConditionExpression: 'attribute_not_exists(PK)' }),
          },
        },
        campaignAudit(t, next.campaignId, next.campaignId, audit),
      ],
      [previous ? 'VERSION' : 'DUPLICATE', undefined],
    );
  },

  async getCampaign(campaignId: string): Promise<Campaign | undefined> {
    const out = await t.client.send(
      new GetCommand({
        TableName: t.name,
        Key: { PK: keys.township(campaignId.slice(0, 9)), SK: `C#${campaignId}` },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, type: _t, ...campaign } = out.Item;
    return campaign as Campaign;
  },

  async listCampaigns(township: string): Promise<Campaign[]> {
    const items = await t.queryAll({
      TableName: t.name,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.township(township), ':prefix': 'C#' },
    });
    return items.map(({ PK: _pk, SK: _sk, type: _t, ...c }) => c as Campaign);
  },

  async fileInspectionForm(
    form: InspectionForm,
    problems: Problem[],
    receipt: WebhookReceipt | undefined,
    audit: AuditEntry,
  ): Promise<void> {
    const items: TransactItem[] = [
      ...withReceipt(t, receipt),
      {
        Put: {
          TableName: t.name,
          Item: { PK: keys.campaign(form.campaignId), SK: `F#${form.head.idHash}`, type: 'FORM', ...form },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...problems.map((p) => problemPut(t, p)),
      ...counterUpdates(
        t,
        form.campaignId,
        problems.map((p) => ({ unit: p.unit, category: p.category, after: p.status })),
      ),
      campaignAudit(t, form.campaignId, form.formId, audit),
    ];
    if (form.judgement.proposeReview) {
      items.push({
        Update: {
          TableName: t.name,
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
    await t.transact(items, [...receiptReasons(receipt), 'DUPLICATE']);
  },

  async linkFormApplication(form: InspectionForm, applicationId: string): Promise<void> {
    await t.client.send(
      new UpdateCommand({
        TableName: t.name,
        Key: { PK: keys.campaign(form.campaignId), SK: `F#${form.head.idHash}` },
        UpdateExpression: 'SET applicationId = :id',
        ExpressionAttributeValues: { ':id': applicationId },
      }),
    );
  },

  async getInspectionForm(campaignId: string, idHash: string): Promise<InspectionForm | undefined> {
    const out = await t.client.send(
      new GetCommand({
        TableName: t.name,
        Key: { PK: keys.campaign(campaignId), SK: `F#${idHash}` },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, type: _t, ...form } = out.Item;
    return form as InspectionForm;
  },

  async *inspectionForms(campaignId: string): AsyncGenerator<InspectionForm[]> {
    yield* t.pages<InspectionForm>(keys.campaign(campaignId), 'F#');
  },

  async createProblem(problem: Problem, audit: AuditEntry): Promise<void> {
    await t.transact(
      [
        problemPut(t, problem),
        ...counterUpdates(t, problem.campaignId, [
          { unit: problem.unit, category: problem.category, after: problem.status },
        ]),
        campaignAudit(t, problem.campaignId, problem.problemId, audit),
      ],
      ['DUPLICATE'],
    );
  },

  async updateProblem(
    previous: Problem,
    next: Problem,
    audit: AuditEntry,
    messages?: Notification[],
  ): Promise<void> {
    await t.transact(
      [
        problemPut(t, next, previous),
        ...counterUpdates(t, next.campaignId, [
          { unit: next.unit, category: next.category, before: previous.status, after: next.status },
        ]),
        campaignAudit(t, next.campaignId, next.problemId, audit),
        ...t.messageItems(messages, audit.at),
      ],
      ['VERSION'],
    );
  },

  async getProblem(problemId: string): Promise<Problem | undefined> {
    const out = await t.client.send(
      new GetCommand({
        TableName: t.name,
        Key: { PK: keys.campaign(campaignOf(problemId)), SK: `P#${problemId}` },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, type: _t, ...problem } = out.Item;
    return problem as Problem;
  },

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
    // a cursor is this listing's own: its partition and a problem's key, nothing else
    let ExclusiveStartKey = decodeCursor(page.cursor, keys.campaign(campaignId), /^P#[\w.-]{1,200}$/);
    do {
      const out = await t.client.send(
        new QueryCommand({
          TableName: t.name,
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
  },

  async *problems(campaignId: string): AsyncGenerator<Problem[]> {
    yield* t.pages<Problem>(keys.campaign(campaignId), 'P#');
  },

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
        ...part.map((p) => problemPut(t, p)),
        ...counterUpdates(
          t,
          campaignId,
          part.map((p) => ({ unit: p.unit, category: p.category, after: p.status })),
        ),
        campaignAudit(t, campaignId, `import-${start}`, {
          ...audit,
          detail: { ...audit.detail, first: start, problems: part.length },
        }),
      ];
      await t.transact(
        items,
        items.map(() => 'DUPLICATE' as const),
      );
      start = end;
    }
  },

  async getSummaryCounters(campaignId: string): Promise<SummaryCounter[]> {
    const items = await t.queryAll({
      TableName: t.name,
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
  },

  async putExport(job: ExportJob): Promise<void> {
    await t.client.send(
      new PutCommand({
        TableName: t.name,
        Item: { PK: keys.campaign(job.campaignId), SK: `EX#${job.exportId}`, type: 'EXPORT', ...job },
      }),
    );
  },

  async getExport(exportId: string): Promise<ExportJob | undefined> {
    const out = await t.client.send(
      new GetCommand({
        TableName: t.name,
        Key: { PK: keys.campaign(campaignOf(exportId)), SK: `EX#${exportId}` },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, type: _t, ...job } = out.Item;
    return job as ExportJob;
  },
});
