/**
 * The workflow's own steps. Each is idempotent: the local engine re-enters the last state after a
 * restart, and Step Functions may retry, so a step that finds its work done returns the same answer.
 */
import { randomBytes } from 'node:crypto';
import { businessDate, publicityPeriod } from '#domain/calendar';
import {
  type Approval,
  asIdentification,
  type Case,
  type HistoryEntry,
  type IdentificationCase,
  isIdentification,
} from '#domain/case';
import type { Person } from '#domain/directory';
import { checkExclusions } from '#domain/eligibility';
import { MONITORING_OBJECT_TYPES, RISK_TYPES } from '#domain/risk-types';
import { peopleFor } from '#domain/scope';
import {
  APPROVAL_LEVELS,
  type ApprovalStage,
  assertAllowedTransition,
  STAGE_LABELS,
  scopeCode,
} from '#domain/stages';
import { approvalLink } from '#links/approval-links';
import { compose } from '#notify/messages';
import { config } from '#runtime/config';
import { logger } from '#runtime/logger';
import { count } from '#runtime/metrics';
import { ConflictError } from '#store/store';
import { calendarData } from '../configuration.ts';
import type { CaseContext } from '../context.ts';
import { activationRecords } from '../monitoring/outcomes.ts';
import { updateWithRecords, updateWithRetry } from './updates.ts';

/** Reminder, then escalation to the level above (the last allowed), then the case lapses. */
const maxEscalations = () => config.escalations;

const person = (p: Pick<Person, 'personId' | 'name' | 'phone'>) => ({
  personId: p.personId,
  name: p.name,
  phone: p.phone,
});
const applicant = (app: Case) => ({ name: app.applicant.name, phone: app.applicant.phone });

/** How people are told what a case is about. */
export const caseTitle = (app: Case): string =>
  !isIdentification(app) ? '风险消除' : app.remarking ? '风险再标注申请' : '纳入监测申请';

async function mustGet(ctx: CaseContext, applicationId: string): Promise<Case> {
  const app = await ctx.store.getApplication(applicationId);
  if (!app) throw new Error(`application ${applicationId} not found`);
  return app;
}

/** 等待承诺书: parks the case until the scan is accepted (or finds it already accepted). */
export async function awaitCommitment(
  ctx: CaseContext,
  input: { applicationId: string; taskToken: string; escalation: number },
) {
  const app = await updateWithRetry(
    ctx,
    input.applicationId,
    (current) =>
      // the same entry of the step again (a retry): written, and told, once
      current.commitmentTaskToken === input.taskToken && current.stage === 'AWAITING_COMMITMENT'
        ? undefined
        : {
            ...current,
            stage: 'AWAITING_COMMITMENT',
            commitmentTaskToken: input.taskToken,
            pendingApproval: undefined,
          },
    { action: 'COMMITMENT_AWAITED', detail: { escalation: input.escalation } },
    async (app) => {
      if (app.commitment.status === 'ACCEPTED') return [];
      const last = app.history.at(-1);
      const { applicationId } = app;
      if (input.escalation === 0)
        return last?.decision === 'return'
          ? [
              compose('RETURNED_FOR_CORRECTION', applicant(app), app.village, {
                applicationId,
                comment: last.comment,
              }),
            ]
          : [];
      const reminder = compose('COMMITMENT_REMINDER', applicant(app), app.village, { applicationId });
      if (input.escalation < maxEscalations()) return [reminder];
      const directory = await ctx.store.getDirectory();
      return [
        reminder,
        ...peopleFor(directory.people, 'VILLAGE_COMMITTEE', 'village', app.village).map((p) =>
          compose('COMMITMENT_HELP', person(p), app.village, { applicant: app.applicant.name }),
        ),
      ];
    },
  );
  if (app?.commitment.status === 'ACCEPTED') {
    await ctx.workflows.complete(input.taskToken, { escalation: 0, commitment: 'ACCEPTED' });
  }
}

const linkExpiry = (ctx: Pick<CaseContext, 'clock'>) =>
  new Date(ctx.clock.now().getTime() + config.linkTtlSeconds * 1000).toISOString();

const personalLink = (ctx: CaseContext, approval: Approval, personId: string) =>
  approvalLink(
    config.publicBaseUrl,
    { approvalId: approval.approvalId, personId, expiresAt: approval.expiresAt },
    ctx.secrets.linkKey,
  );

function decisionOutput(approval: Approval) {
  return { ...approval.decision, escalation: 0 };
}

/**
 * 审批环节: opens an approval and sends each approver a personal link. Re-entered after a restart it
 * re-binds the new task token to the same approval (the links stay valid); re-entered after a
 * decision that never reached the workflow it hands that decision on; re-entered after a timeout it
 * reminds, then escalates. Links and reminders are marked sent only after they went out, so a step
 * retried after a failure sends what is missing.
 */
export async function requestApproval(
  ctx: CaseContext,
  input: { applicationId: string; stage: ApprovalStage; taskToken: string; escalation: number },
) {
  for (let attempt = 0; ; attempt++) {
    const app = await mustGet(ctx, input.applicationId);
    const current = app.pendingApproval ? await ctx.store.getApproval(app.pendingApproval) : undefined;
    let approval: Approval | undefined;
    try {
      if (current && current.stage === input.stage) {
        if (current.status === 'DECIDED') {
          await ctx.workflows.complete(input.taskToken, decisionOutput(current));
          return;
        }
        approval = { ...current, taskToken: input.taskToken, expiresAt: linkExpiry(ctx) };
        await ctx.store.updatePendingApproval(current, {
          taskToken: approval.taskToken,
          expiresAt: approval.expiresAt,
        });
      } else {
        approval = await openApprovalFor(ctx, app, input);
      }
      const directory = await ctx.store.getDirectory();
      await sendLinks(ctx, app, approval, directory.people);
      if (input.escalation > approval.escalation) {
        await ctx.store.updatePendingApproval(
          approval,
          { escalation: input.escalation },
          remindOrEscalate(app, approval, input.escalation, directory.people, ctx),
        );
      }
      return;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 5) throw error;
      // Decided while this step was still sending links: hand the decision on and stop. Never open a
      // second approval for a step whose approval exists; the case may already be further on.
      const ours = approval && (await ctx.store.getApproval(approval.approvalId));
      if (ours?.status === 'DECIDED') {
        await ctx.workflows.complete(input.taskToken, decisionOutput(ours));
        return;
      }
    }
  }
}

async function openApprovalFor(
  ctx: CaseContext,
  app: Case,
  input: { stage: ApprovalStage; taskToken: string; escalation: number },
): Promise<Approval> {
  const level = APPROVAL_LEVELS[input.stage];
  const directory = await ctx.store.getDirectory();
  const approvers = peopleFor(directory.people, level.role, level.scope, app.village);
  if (approvers.length === 0) {
    logger.warn('no approver in the directory', {
      role: level.role,
      scope: scopeCode(app.village, level.scope),
    });
  }
  const at = ctx.clock.nowIso();
  const approval: Approval = {
    approvalId: randomBytes(16).toString('base64url'),
    applicationId: app.applicationId,
    village: app.village,
    stage: input.stage,
    status: 'PENDING',
    taskToken: input.taskToken,
    approvers: approvers.map((p) => p.personId),
    escalation: input.escalation,
    notified: [],
    createdAt: at,
    expiresAt: linkExpiry(ctx),
  };
  assertAllowedTransition(app.stage, input.stage, app.applicationId);
  await ctx.store.openApproval(
    app,
    {
      next: {
        ...app,
        stage: input.stage,
        pendingApproval: approval.approvalId,
        version: app.version + 1,
        updatedAt: at,
      },
      audit: {
        action: 'APPROVAL_OPENED',
        by: 'system',
        at,
        detail: { approvalId: approval.approvalId, stage: input.stage },
      },
    },
    approval,
  );
  return approval;
}

/** Each approver's personal link, once. */
async function sendLinks(ctx: CaseContext, app: Case, approval: Approval, people: Person[]) {
  const sent = new Set(approval.notified ?? []);
  const missing = approval.approvers.filter((id) => !sent.has(id));
  if (missing.length === 0) return;
  const label = approval.stage === 'OBJECTION_REVIEW' ? '公示有异议，请复核' : STAGE_LABELS[approval.stage];
  const messages = missing.flatMap((personId) => {
    const approver = people.find((p) => p.personId === personId);
    if (!approver) return [];
    return [
      compose(
        'APPROVAL_REQUEST',
        person(approver),
        app.village,
        {
          village: app.villageName ?? app.village,
          group: app.group,
          applicant: app.applicant.name,
          caseTitle: caseTitle(app),
          step: label,
          applicationId: app.applicationId,
        },
        personalLink(ctx, approval, personId),
      ),
    ];
  });
  // marked sent with the messages that carry the links, in one transaction
  await ctx.store.updatePendingApproval(approval, { notified: approval.approvers }, messages);
}

/** 催办 each approver with the link, and 督办 the level above on the last escalation. */
function remindOrEscalate(
  app: Case,
  approval: Approval,
  escalation: number,
  people: Person[],
  ctx: CaseContext,
) {
  count('OverdueSteps');
  const level = APPROVAL_LEVELS[approval.stage];
  const params = {
    applicant: app.applicant.name,
    caseTitle: caseTitle(app),
    step: STAGE_LABELS[approval.stage],
    applicationId: app.applicationId,
    village: app.villageName ?? app.village,
  };
  const reminders = approval.approvers.flatMap((personId) => {
    const approver = people.find((p) => p.personId === personId);
    return approver
      ? [
          compose(
            'APPROVAL_REMINDER',
            person(approver),
            app.village,
            params,
            personalLink(ctx, approval, personId),
          ),
        ]
      : [];
  });
  if (escalation < maxEscalations()) return reminders;
  return [
    ...reminders,
    ...peopleFor(people, level.escalateTo.role, level.escalateTo.scope, app.village).map((p) =>
      compose('APPROVAL_ESCALATION', person(p), app.village, params),
    ),
  ];
}

/** A human step timed out: one more escalation, or lapse past the last. */
export function overdue(input: { escalation: number }) {
  const escalation = input.escalation + 1;
  return { escalation, lapse: escalation > maxEscalations() };
}

/** 村内公示: opens the posting (or finds it open) and says when it ends. */
export async function openPublicity(ctx: CaseContext, input: { applicationId: string }) {
  const extra = await calendarData(ctx);
  const app = await updateWithRetry(
    ctx,
    input.applicationId,
    (current) => {
      // Re-entered (a restart, a retried step): the posting of this round stands, closed or not.
      if (current.publicity) return undefined;
      const postedAt = ctx.clock.now();
      const period = publicityPeriod(businessDate(postedAt), { ...config.publicity, extra });
      return {
        ...current,
        stage: 'PUBLICITY',
        pendingApproval: undefined,
        publicity: {
          postedOn: period.postedOn,
          startsAt: postedAt.toISOString(),
          endsAt: period.endsAt,
          provisional: period.provisional,
          objections: 0,
        },
        history: [
          ...current.history,
          {
            stage: 'PUBLICITY',
            decision: 'publicity',
            by: 'system',
            at: postedAt.toISOString(),
            comment: `公示至${period.lastDay}${period.provisional ? '（节假日数据未发布，暂定）' : ''}`,
          },
        ],
      };
    },
    { action: 'PUBLICITY_OPENED' },
  );
  const publicity = app!.publicity!;
  return {
    endsAt: publicity.endsAt,
    provisional: publicity.provisional,
    closed: false,
    objections: publicity.objections,
  };
}

/** Closes publicity against the business clock; a provisional end is recomputed first. */
export async function closePublicity(ctx: CaseContext, input: { applicationId: string }) {
  const extra = await calendarData(ctx);
  const app = await mustGet(ctx, input.applicationId);
  const publicity = app.publicity!;
  if (publicity.closedAt)
    return { endsAt: publicity.endsAt, provisional: false, closed: true, objections: publicity.objections };
  let endsAt = publicity.endsAt;
  let provisional = publicity.provisional;
  if (provisional) {
    const period = publicityPeriod(publicity.postedOn, { ...config.publicity, extra });
    endsAt = period.endsAt;
    provisional = period.provisional;
  }
  if (ctx.clock.now().toISOString() < endsAt) {
    if (endsAt !== publicity.endsAt || provisional !== publicity.provisional) {
      await updateWithRetry(
        ctx,
        app.applicationId,
        (c) => ({ ...c, publicity: { ...c.publicity!, endsAt, provisional } }),
        {
          action: 'PUBLICITY_RECOMPUTED',
          detail: { endsAt },
        },
      );
    }
    return { endsAt, provisional, closed: false, objections: publicity.objections };
  }
  const closed = await updateWithRetry(
    ctx,
    app.applicationId,
    (c) =>
      c.publicity?.closedAt
        ? undefined
        : { ...c, publicity: { ...c.publicity!, endsAt, provisional, closedAt: ctx.clock.nowIso() } },
    { action: 'PUBLICITY_CLOSED', detail: { objections: publicity.objections } },
  );
  return { endsAt, provisional, closed: true, objections: closed!.publicity!.objections };
}

/** 区级数据比对: the registry's exclusion flags and other open cases of the same household. */
export async function compareData(ctx: CaseContext, input: { applicationId: string }) {
  const app = await mustGet(ctx, input.applicationId);
  const household = await ctx.store.getHousehold(app.village, app.applicant.idHash);
  const check = checkExclusions(household?.flags ?? {});
  const comparison = {
    comparedAt: ctx.clock.nowIso(),
    hardStops: check.hardStops,
    warnings: check.warnings,
    otherOpenCases: [] as string[],
  };
  await updateWithRetry(
    ctx,
    app.applicationId,
    (c) => ({ ...c, comparison, householdType: household?.householdType ?? c.householdType }),
    {
      action: 'DATA_COMPARED',
      detail: { hardStops: check.hardStops.map((h) => h.rule), warnings: check.warnings.map((w) => w.rule) },
    },
  );
  return { excluded: check.excluded, hardStops: check.hardStops.length, warnings: check.warnings.length };
}

/** 绿色通道 granted but the case ends without inclusion: the township must settle the help given. */
function greenChannelUnconfirmed(at: string, current: IdentificationCase): Partial<IdentificationCase> {
  if (current.greenChannel?.status !== 'GRANTED') return {};
  return {
    greenChannel: {
      ...current.greenChannel,
      status: 'UNCONFIRMED',
      reconciledAt: at,
      note: '未纳入监测：先行帮扶须由乡镇核实处理',
    },
  };
}

async function townshipOfGreenChannel(ctx: CaseContext, app: Case) {
  if (!isIdentification(app) || app.greenChannel?.status !== 'UNCONFIRMED') return [];
  const directory = await ctx.store.getDirectory();
  return peopleFor(directory.people, 'TOWNSHIP_REVIEWER', 'township', app.village).map((p) =>
    compose('GREEN_CHANNEL_UNCONFIRMED', person(p), app.village, {
      applicant: app.applicant.name,
      applicationId: app.applicationId,
      stage: STAGE_LABELS[app.stage],
    }),
  );
}

/** A case of either kind ends at `stage`; 绿色通道 help given before is left for the township to settle. */
function ended<C extends Case>(
  current: C,
  at: string,
  stage: 'REJECTED' | 'LAPSED',
  reason: string,
  history: HistoryEntry[],
  closed: boolean,
): C {
  return {
    ...current,
    ...(isIdentification(current) ? greenChannelUnconfirmed(at, current) : {}),
    stage,
    pendingApproval: undefined,
    outcome: { ...current.outcome, reason, ...(closed ? { closedAt: at } : {}) },
    history,
  };
}

/** The case ends as rejected; the applicant is told why. */
export async function reject(ctx: CaseContext, input: { applicationId: string }) {
  await updateWithRetry(
    ctx,
    input.applicationId,
    (current) => {
      if (current.outcome?.closedAt) return undefined;
      const hardStops = current.comparison?.hardStops ?? [];
      const reason =
        current.outcome?.reason ??
        (hardStops.length ? `不得确定为监测对象：${hardStops.map((h) => h.label).join('；')}` : '未通过审核');
      const at = ctx.clock.nowIso();
      const history: HistoryEntry[] =
        hardStops.length && current.stage !== 'REJECTED'
          ? [
              ...current.history,
              { stage: current.stage, decision: 'comparison', by: '区级数据比对', at, comment: reason },
            ]
          : current.history;
      return ended(current, at, 'REJECTED', reason, history, true);
    },
    { action: 'APPLICATION_REJECTED' },
    async (app) => [
      compose('CASE_REJECTED', applicant(app), app.village, {
        caseTitle: caseTitle(app),
        applicationId: app.applicationId,
        reason: app.outcome?.reason ?? '未通过审核',
      }),
      ...(await townshipOfGreenChannel(ctx, app)),
    ],
  );
}

/** A step stayed undone past its escalations. */
export async function lapse(ctx: CaseContext, input: { applicationId: string; stage?: string }) {
  await updateWithRetry(
    ctx,
    input.applicationId,
    (current) => {
      if (current.stage === 'LAPSED') return undefined;
      const at = ctx.clock.nowIso();
      return ended(
        current,
        at,
        'LAPSED',
        `“${STAGE_LABELS[current.stage]}”环节超时未办理`,
        [
          ...current.history,
          {
            stage: current.stage,
            decision: 'timeout',
            by: 'system',
            at,
            comment: '多次催办后仍超时，申请失效',
          },
        ],
        false,
      );
    },
    { action: 'APPLICATION_LAPSED' },
    async (app) => [
      compose('CASE_LAPSED', applicant(app), app.village, {
        caseTitle: caseTitle(app),
        applicationId: app.applicationId,
        step: STAGE_LABELS[app.history.at(-1)!.stage],
      }),
      ...(await townshipOfGreenChannel(ctx, app)),
    ],
  );
  count('Lapses');
}

/** 纳入监测: an active monitoring object with a contact person and a first assistance plan. */
export async function activate(ctx: CaseContext, input: { applicationId: string }) {
  const directory = await ctx.store.getDirectory();
  await updateWithRecords(
    ctx,
    input.applicationId,
    async (current) => {
      const person = peopleFor(directory.people, 'VILLAGE_COMMITTEE', 'village', current.village)[0];
      const contact = person
        ? { personId: person.personId, name: person.name, phone: person.phone }
        : undefined;
      return activationRecords(ctx, asIdentification(current), contact);
    },
    { action: 'MONITORING_ACTIVATED' },
    (written) => {
      const app = asIdentification(written);
      const contact = app.outcome?.contactPerson;
      return [
        compose('MONITORING_ACTIVATED', applicant(app), app.village, {
          objectType: MONITORING_OBJECT_TYPES[app.outcome!.monitoringObjectType!],
          riskTypes: app.riskTypes.map((r) => RISK_TYPES[r]).join('、'),
          contact: contact?.name ?? '待安排',
        }),
        ...(contact
          ? [
              compose('CONTACT_OF_NEW_OBJECT', person(contact), app.village, {
                applicant: app.applicant.name,
              }),
            ]
          : []),
      ];
    },
  );
}
