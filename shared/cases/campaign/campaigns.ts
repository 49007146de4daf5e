/**
 * 集中排查 as use cases: a township's campaign and its phases, 入户排查表 intake (annex 2), the
 * 问题整改台账 lifecycle (annexes 3-1, 3-2) with its deadline watch, and the 汇总表 (annex 4) read from
 * counters that move with the problems.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { businessDate } from '#domain/calendar';
import type { Campaign, InspectionForm, Problem, SummaryCounter } from '#domain/campaign';
import type { Person } from '#domain/directory';
import {
  checkInspectionForm,
  checkPhases,
  defaultPhases,
  INSPECTION_CATEGORIES,
  type Phase,
  PROBLEM_CATEGORIES,
  phaseOn,
} from '#domain/inspection';
import {
  AREA_LEVELS,
  deadlineAction,
  isOverdue,
  nextStatus,
  PROBLEM_STATUSES,
  type ProblemAction,
} from '#domain/rectification';
import { HOUSEHOLD_TYPES } from '#domain/risk-types';
import { covers, MANAGERS, peopleFor, TOWNSHIP_AND_ABOVE } from '#domain/scope';
import { compose, type Notification } from '#notify/messages';
import { logger } from '#runtime/logger';
import type {
  areaProblemRequest,
  campaignRequest,
  inspectionRequest,
  problemAction,
} from '#schemas/campaign';
import { hashIdNumber } from '#store/identity';
import type { WebhookReceipt } from '#store/store';
import { ConflictError } from '#store/store';
import type { CaseContext } from '../context.ts';
import { CaseError, validationFailed } from '../errors.ts';
import { oncePerRequest } from '../idempotency.ts';
import { openCase } from '../identification/intake.ts';
import type { VerifiedWebhook } from '../requests.ts';

const today = (ctx: Pick<CaseContext, 'clock'>) => businessDate(ctx.clock.now());
const id36 = (prefix: string) =>
  `${prefix}${Date.now().toString(36).toUpperCase()}${randomBytes(4).toString('hex').toUpperCase()}`;

export async function mustGetCampaign(ctx: CaseContext, id: string): Promise<Campaign> {
  const campaign = await ctx.store.getCampaign(id);
  if (!campaign) throw new CaseError('NOT_FOUND', '排查不存在');
  return campaign;
}

export function campaignView(ctx: Pick<CaseContext, 'clock'>, campaign: Campaign) {
  const on = today(ctx);
  const current = campaign.closed ? 'CLOSED' : phaseOn(campaign.phases, on);
  return {
    ...campaign,
    today: on,
    status: current,
    phases: campaign.phases.map((p) => ({
      ...p,
      state: campaign.closed || on > p.to ? 'DONE' : on >= p.from ? 'CURRENT' : 'UPCOMING',
    })),
  };
}

/** `POST /townships/{code}/campaigns`: the seed's phases in that year unless others are given. */
export async function createCampaign(
  ctx: CaseContext,
  caller: Person,
  township: string,
  body: z.infer<typeof campaignRequest>,
) {
  if (!covers(caller, township, TOWNSHIP_AND_ABOVE)) {
    throw new CaseError('FORBIDDEN', '仅乡镇审核人员可组织集中排查');
  }
  const directory = await ctx.store.getDirectory();
  const townshipVillages = directory.villages.filter((v) => v.code.startsWith(township)).map((v) => v.code);
  if (townshipVillages.length === 0) throw new CaseError('NOT_FOUND', '乡镇不在本系统辖区内');
  const villages = body.villages ?? townshipVillages;
  const foreign = villages.findIndex((v) => !townshipVillages.includes(v));
  if (foreign >= 0) throw validationFailed([{ path: `villages.${foreign}`, message: '该村不属于本乡镇' }]);
  const template = defaultPhases(body.year);
  const phases: Phase[] = body.phases
    ? body.phases.map((p) => ({ ...p, name: template.find((t) => t.key === p.key)!.name }))
    : template;
  const keysInOrder = phases.map((p) => p.key).join();
  if (keysInOrder !== template.map((p) => p.key).join()) {
    throw validationFailed([
      { path: 'phases', message: '阶段应依次为动员培训、实地排查、问题整改及动态管理、工作总结' },
    ]);
  }
  const findings = checkPhases(phases);
  if (findings.length) throw validationFailed(findings);
  const at = ctx.clock.nowIso();
  const campaign: Campaign = {
    campaignId: `${township}-${body.year}-${randomBytes(2).toString('hex').toUpperCase()}`,
    township,
    name: body.name,
    year: body.year,
    villages,
    phases,
    closed: false,
    createdBy: caller.personId,
    createdAt: at,
    version: 1,
  };
  await ctx.store.putCampaign(undefined, campaign, {
    action: 'CAMPAIGN_CREATED',
    by: caller.personId,
    at,
    detail: { villages: villages.length },
  });
  return campaign;
}

/** `POST /campaigns/{id}/close`: the township ends its campaign; its ledger stays readable. */
export async function closeCampaign(ctx: CaseContext, caller: Person, campaign: Campaign): Promise<Campaign> {
  if (!covers(caller, campaign.township, TOWNSHIP_AND_ABOVE))
    throw new CaseError('FORBIDDEN', '仅乡镇审核人员可结束排查');
  if (campaign.closed) throw new CaseError('CONFLICT', '该排查已结束');
  const next = { ...campaign, closed: true, version: campaign.version + 1 };
  await ctx.store.putCampaign(campaign, next, {
    action: 'CAMPAIGN_CLOSED',
    by: caller.personId,
    at: ctx.clock.nowIso(),
  });
  return next;
}

function problemFromForm(
  form: InspectionForm,
  campaign: Campaign,
  villageName: string,
  index: number,
): Problem {
  const ticked = form.items[index]!;
  const at = form.createdAt;
  const rectification = campaign.phases.find((p) => p.key === 'RECTIFICATION')!;
  return {
    problemId: `${campaign.campaignId}.P${form.formId.slice(1)}${String(index).padStart(2, '0')}`,
    campaignId: campaign.campaignId,
    kind: 'HOUSEHOLD',
    unit: form.village,
    village: form.village,
    household: { name: form.head.name, householdType: form.householdType, formId: form.formId },
    category: ticked.category,
    item: ticked.item,
    content: ticked.problem,
    measure: '待制定整改措施',
    responsible: {
      name: form.inspector.name,
      unit: `${villageName}村委会`,
      personId: form.inspector.personId,
    },
    deadline: rectification.to,
    status: 'OPEN',
    evidence: [],
    history: [{ status: 'OPEN', by: form.inspector.name, at }],
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

/** What filing a form answers; `review` when 综合判定② opened an identification (or could not). */
export interface FiledForm {
  formId: string;
  problemIds: string[];
  review?: unknown;
}

/** `POST /webhooks/inspections` (and the XLSX upload): one household's form, its problems and counters. */
export async function fileInspectionForm(
  ctx: CaseContext,
  webhook: VerifiedWebhook | undefined,
  body: z.infer<typeof inspectionRequest>,
  rawBody: string,
): Promise<FiledForm> {
  const campaign = await mustGetCampaign(ctx, body.campaignId);
  if (campaign.closed) throw new CaseError('CONFLICT', '该排查已结束');
  if (!campaign.villages.includes(body.village)) {
    throw validationFailed([{ path: 'village', message: '该村不在本次排查范围内' }]);
  }
  const directory = await ctx.store.getDirectory();
  const village = directory.villages.find((v) => v.code === body.village)!;
  if (!village.groups.includes(body.group)) {
    throw validationFailed([{ path: 'group', message: `村民小组不属于${village.name}` }]);
  }
  const inspector = directory.people.find((p) => p.personId === body.inspectorPersonId);
  if (!inspector || !covers(inspector, body.village, MANAGERS)) {
    throw validationFailed([{ path: 'inspectorPersonId', message: '排查人不在人员名录中或不负责该村' }]);
  }
  const findings = checkInspectionForm(body);
  if (findings.length) throw validationFailed(findings, '入户排查表填写不符合填表说明');
  const run = async (receipt?: (answer: FiledForm) => WebhookReceipt): Promise<FiledForm> => {
    const at = ctx.clock.nowIso();
    const form: InspectionForm = {
      formId: id36('F'),
      campaignId: campaign.campaignId,
      village: body.village,
      group: body.group,
      householdType: body.householdType,
      head: { ...body.head, idHash: hashIdNumber(body.head.idNumber, ctx.secrets.idHmacKey) },
      householdSize: body.householdSize,
      items: body.items,
      judgement: body.judgement,
      inspector: { personId: inspector.personId, name: inspector.name },
      problemIds: [],
      createdAt: at,
      channel: webhook?.channel ?? 'upload',
    };
    const problems = form.items.map((_, i) => problemFromForm(form, campaign, village.name, i));
    form.problemIds = problems.map((p) => p.problemId);
    const response: FiledForm = { formId: form.formId, problemIds: form.problemIds };
    try {
      await ctx.store.fileInspectionForm(form, problems, receipt?.(response), {
        action: 'INSPECTION_FILED',
        by: inspector.personId,
        at,
        detail: {
          village: form.village,
          problems: problems.length,
          proposeReview: form.judgement.proposeReview,
        },
      });
    } catch (error) {
      if (error instanceof ConflictError && error.reason === 'DUPLICATE') {
        throw new CaseError('CONFLICT', '该户在本次排查中已填报入户排查表');
      }
      throw error;
    }
    return response;
  };
  const answer = webhook
    ? await oncePerRequest(ctx.store, webhook, body.requestId, rawBody, run)
    : await run();
  if (!body.judgement.proposeReview) return answer;
  // 综合判定 → 纳入监测评议: an identification through the application chain (channel: cadre inspection)
  const formId = answer.formId;
  const review = await openCase(
    ctx,
    { channel: 'cadre-inspection', by: inspector.personId },
    {
      village: body.village,
      group: body.group,
      applicant: body.head,
      reason: body.judgement.reason!,
      riskTypes: body.judgement.riskTypes!,
      declaredAnnualIncome: body.judgement.declaredAnnualIncome!,
      householdSize: body.householdSize!,
      callId: `inspection:${formId}`,
    },
  ).catch((error: unknown) => {
    // the household may already have an open case or be monitored: the form stands, the answer says so
    if (error instanceof CaseError && error.code === 'CONFLICT') return error.toBody();
    throw error;
  });
  const applicationId = 'applicationId' in review ? review.applicationId : undefined;
  if (applicationId) {
    const form = await ctx.store.getInspectionForm(
      body.campaignId,
      hashIdNumber(body.head.idNumber, ctx.secrets.idHmacKey),
    );
    if (form && !form.applicationId) await ctx.store.linkFormApplication(form, applicationId);
  }
  return { ...answer, review };
}

/** `POST /campaigns/{id}/problems`: a 面上问题 at 县级, 镇级 or 村级 level. */
export async function createAreaProblem(
  ctx: CaseContext,
  caller: Person,
  campaign: Campaign,
  body: z.infer<typeof areaProblemRequest>,
) {
  if (body.level === 'VILLAGE' && (!body.village || !campaign.villages.includes(body.village))) {
    throw validationFailed([{ path: 'village', message: '村级面上问题须填写本次排查范围内的村' }]);
  }
  const unit =
    body.level === 'VILLAGE'
      ? body.village!
      : body.level === 'TOWNSHIP'
        ? campaign.township
        : campaign.township.slice(0, 6);
  if (!covers(caller, campaign.township, MANAGERS) && !covers(caller, unit, MANAGERS))
    throw new CaseError('FORBIDDEN', '无权登记此问题');
  const at = ctx.clock.nowIso();
  const problem: Problem = {
    problemId: `${campaign.campaignId}.${id36('P')}`,
    campaignId: campaign.campaignId,
    kind: 'AREA',
    level: body.level,
    unit,
    ...(body.village ? { village: body.village } : {}),
    category: body.category,
    ...(body.item ? { item: body.item } : {}),
    content: body.content,
    measure: body.measure,
    responsible: body.responsible,
    deadline: body.deadline,
    status: 'OPEN',
    evidence: [],
    history: [{ status: 'OPEN', by: caller.name, at }],
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await ctx.store.createProblem(problem, {
    action: 'PROBLEM_CREATED',
    by: caller.personId,
    at,
    detail: { level: body.level },
  });
  return problem;
}

/** One step of a ledger line; a re-check is another person's, and a failed one reopens the line. */
export async function actOnProblem(
  ctx: CaseContext,
  caller: Person,
  problem: Problem,
  body: z.infer<typeof problemAction>,
) {
  const campaign = await mustGetCampaign(ctx, problem.campaignId);
  if (!covers(caller, problem.unit, MANAGERS) && !covers(caller, campaign.township, TOWNSHIP_AND_ABOVE)) {
    throw new CaseError('FORBIDDEN', '无权办理此问题');
  }
  if (problem.version !== body.version) throw new CaseError('CONFLICT', '该问题已被他人更新，请刷新后重试');
  const at = ctx.clock.nowIso();
  let next: Problem = { ...problem, version: problem.version + 1, updatedAt: at };
  if (body.action === 'plan') {
    if (problem.status === 'CLOSED') throw new CaseError('CONFLICT', '已销号的问题不能修改');
    next = {
      ...next,
      ...(body.measure ? { measure: body.measure } : {}),
      ...(body.responsible ? { responsible: body.responsible } : {}),
      ...(body.deadline ? { deadline: body.deadline } : {}),
    };
  } else {
    const action: ProblemAction =
      body.action === 'recheck' ? (body.passed ? 'recheck-pass' : 'recheck-fail') : body.action;
    const status = nextStatus(problem.status, action);
    if (!status) {
      throw new CaseError(
        'CONFLICT',
        `“${PROBLEM_STATUSES[problem.status]}”的问题不能${ACTION_LABELS[action]}`,
      );
    }
    if (body.action === 'recheck' && problem.rectifiedBy?.personId === caller.personId) {
      throw new CaseError('FORBIDDEN', '复核须由整改人以外的人员进行');
    }
    next = {
      ...next,
      status,
      ...(body.action === 'rectify'
        ? {
            evidence: [...problem.evidence, { text: body.evidence!, by: caller.name, at }],
            rectifiedBy: { personId: caller.personId, name: caller.name, at },
            ...(body.outcome ? { outcome: body.outcome } : {}),
          }
        : {}),
      ...(body.action === 'recheck'
        ? {
            recheck: {
              personId: caller.personId,
              name: caller.name,
              at,
              passed: body.passed!,
              ...(body.comment ? { comment: body.comment } : {}),
            },
          }
        : {}),
      history: [
        ...problem.history,
        { status, by: caller.name, at, ...(body.comment ? { comment: body.comment } : {}) },
      ],
    };
  }
  try {
    await ctx.store.updateProblem(problem, next, {
      action: `PROBLEM_${body.action.toUpperCase()}`,
      by: caller.personId,
      at,
      detail: {
        from: problem.status,
        to: next.status,
        ...(body.action === 'recheck' ? { passed: body.passed } : {}),
      },
    });
  } catch (error) {
    if (error instanceof ConflictError) throw new CaseError('CONFLICT', '该问题已被他人更新，请刷新后重试');
    throw error;
  }
  return next;
}

const ACTION_LABELS: Record<ProblemAction, string> = {
  start: '开始整改',
  rectify: '提交整改',
  'recheck-pass': '复核销号',
  'recheck-fail': '复核退回',
};

export function problemView(ctx: Pick<CaseContext, 'clock'>, problem: Problem) {
  return {
    ...problem,
    statusLabel: PROBLEM_STATUSES[problem.status],
    categoryName: INSPECTION_CATEGORIES.find((c) => c.no === problem.category)?.name,
    levelLabel: problem.level ? AREA_LEVELS[problem.level] : undefined,
    householdTypeLabel: problem.household ? HOUSEHOLD_TYPES[problem.household.householdType] : undefined,
    overdue: isOverdue(problem, today(ctx)),
  };
}

export interface SummaryRow {
  category: number;
  name: string;
  total: number;
  rectified: number;
  inProgress: number;
}

/** 汇总表 from the counters: per unit (villages, the township, the county level) and in all. */
export function summaryFrom(campaign: Campaign, counters: SummaryCounter[], names: Map<string, string>) {
  // one pass over the counters; every figure below is a sum of these cells
  const cells = new Map<string, Map<number | 'PROPOSED', SummaryCounter>>();
  for (const c of counters) {
    const unit = cells.get(c.unit) ?? new Map();
    unit.set(c.category, c);
    cells.set(c.unit, unit);
  }
  const rowsOf = (units: Iterable<Map<number | 'PROPOSED', SummaryCounter>>): SummaryRow[] => {
    const rows = PROBLEM_CATEGORIES.map((category) => ({
      category: category.no,
      name: category.name,
      total: 0,
      rectified: 0,
      inProgress: 0,
    }));
    for (const unit of units) {
      for (const row of rows) {
        const c = unit.get(row.category);
        if (!c) continue;
        row.total += c.total ?? 0;
        row.rectified += c.rectified ?? 0;
        row.inProgress += c.inProgress ?? 0;
      }
    }
    return rows;
  };
  const proposedOf = (units: Iterable<Map<number | 'PROPOSED', SummaryCounter>>) => {
    let households = 0;
    let persons = 0;
    for (const unit of units) {
      households += unit.get('PROPOSED')?.households ?? 0;
      persons += unit.get('PROPOSED')?.persons ?? 0;
    }
    return { households, persons };
  };
  const totals = (rows: SummaryRow[]) => ({
    total: rows.reduce((n, r) => n + r.total, 0),
    rectified: rows.reduce((n, r) => n + r.rectified, 0),
    inProgress: rows.reduce((n, r) => n + r.inProgress, 0),
  });
  const all = rowsOf(cells.values());
  return {
    campaignId: campaign.campaignId,
    unit: { code: campaign.township, name: names.get(campaign.township) ?? campaign.township },
    rows: all,
    total: totals(all),
    proposed: proposedOf(cells.values()),
    units: [...cells.keys()].sort().map((unit) => {
      const rows = rowsOf([cells.get(unit)!]);
      return {
        unit,
        name: names.get(unit) ?? unit,
        rows,
        total: totals(rows),
        proposed: proposedOf([cells.get(unit)!]),
      };
    }),
  };
}

export async function summaryOf(ctx: CaseContext, campaign: Campaign) {
  const directory = await ctx.store.getDirectory();
  const names = new Map<string, string>([
    ...directory.villages.map((v) => [v.code, v.name] as [string, string]),
    [directory.township.code, directory.township.name],
    [directory.district.code, directory.district.name],
  ]);
  return summaryFrom(campaign, await ctx.store.getSummaryCounters(campaign.campaignId), names);
}

/** The daily deadline watch: a reminder before the 整改时限, an escalation after, each once. */
export async function watchDeadlines(ctx: CaseContext): Promise<{ reminded: number; escalated: number }> {
  const directory = await ctx.store.getDirectory();
  const on = today(ctx);
  let reminded = 0;
  let escalated = 0;
  for (const campaign of await ctx.store.listCampaigns(directory.township.code)) {
    if (campaign.closed) continue;
    for await (const page of ctx.store.problems(campaign.campaignId)) {
      for (const problem of page) {
        const action = deadlineAction(problem, on);
        if (!action) continue;
        if (action === 'REMIND' && problem.remindedOn) continue;
        if (action === 'ESCALATE' && problem.escalatedOn) continue;
        const next: Problem = {
          ...problem,
          ...(action === 'REMIND' ? { remindedOn: on } : { escalatedOn: on }),
          version: problem.version + 1,
        };
        const what = `${problem.household ? `${problem.household.name}户` : (AREA_LEVELS[problem.level!] ?? '')}“${problemView(ctx, problem).categoryName}”问题（${problem.content.slice(0, 30)}）`;
        const village = problem.village ?? campaign.villages[0]!;
        const to = (p: { personId: string; name: string; phone: string }) => ({
          personId: p.personId,
          name: p.name,
          phone: p.phone,
        });
        let messages: Notification[];
        if (action === 'REMIND') {
          const person =
            directory.people.find((p) => p.personId === problem.responsible.personId) ??
            (problem.level === 'COUNTY'
              ? peopleFor(directory.people, 'DISTRICT_FILER', 'district', village)[0]
              : problem.level === 'TOWNSHIP'
                ? peopleFor(directory.people, 'TOWNSHIP_REVIEWER', 'township', village)[0]
                : peopleFor(directory.people, 'VILLAGE_COMMITTEE', 'village', village)[0]);
          messages = person
            ? [
                compose('PROBLEM_REMINDER', to(person), village, {
                  problem: what,
                  deadline: problem.deadline,
                }),
              ]
            : [];
        } else {
          messages = peopleFor(directory.people, 'TOWNSHIP_REVIEWER', 'township', campaign.villages[0]!).map(
            (p) =>
              compose('PROBLEM_ESCALATION', to(p), village, {
                problem: what,
                deadline: problem.deadline,
                responsible: problem.responsible.name,
                unit: problem.responsible.unit,
              }),
          );
        }
        try {
          await ctx.store.updateProblem(
            problem,
            next,
            { action: `PROBLEM_${action}`, by: 'system', at: ctx.clock.nowIso() },
            messages,
          );
        } catch (error) {
          if (error instanceof ConflictError) continue;
          throw error;
        }
        if (action === 'REMIND') reminded++;
        else escalated++;
      }
    }
  }
  logger.info('deadline watch', { reminded, escalated });
  return { reminded, escalated };
}
