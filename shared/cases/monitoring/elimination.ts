/**
 * 风险消除 and 绿色通道 as use cases: the 村两委's proposal, the workflow's check and marking steps,
 * and the township's immediate help for a sudden hardship before its chain completes.
 */

import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { businessDate } from '#domain/calendar';
import { asElimination, asIdentification, type EliminationCase, type IdentificationCase } from '#domain/case';
import type { Person } from '#domain/directory';
import { ELIMINATION_WAYS } from '#domain/elimination';
import type { Household } from '#domain/household';
import { netIncomeFen, toYuan } from '#domain/income';
import { isFinal } from '#domain/stages';
import { compose } from '#notify/messages';
import type { eliminationRequest, greenChannelRequest } from '#schemas/registry';
import { ConflictError } from '#store/store';
import type { CaseContext } from '../context.ts';
import { CaseError } from '../errors.ts';
import { updateWithRecords, updateWithRetry } from '../identification/updates.ts';
import { mustCover } from './households.ts';
import { judgeElimination } from './outcomes.ts';

const newCaseId = (village: string) =>
  `${village}-E${Date.now().toString(36).toUpperCase()}${randomBytes(5).toString('hex').toUpperCase()}`;

/** `POST /households/{id}/elimination`: checked at once; refused proposals change nothing but 暂不标注. */
export async function proposeElimination(
  ctx: CaseContext,
  caller: Person,
  household: Household,
  body: z.infer<typeof eliminationRequest>,
) {
  mustCover(caller, household.village, ['VILLAGE_COMMITTEE']);
  const monitoring = household.monitoring;
  if (monitoring?.status !== 'MONITORED') throw new CaseError('CONFLICT', '该户不是在监测中的监测对象');
  const identification = await ctx.store.getApplication(monitoring.applicationId);
  if (!identification) throw new CaseError('CONFLICT', '找不到该户的纳入监测记录');
  const { comment, ...proposal } = body;
  const check = await judgeElimination(ctx, household, proposal);
  if (check.notMarked) {
    const at = ctx.clock.nowIso();
    await ctx.store.updateHousehold({
      previous: household,
      next: {
        ...household,
        monitoring: { ...monitoring, notMarked: { at, reason: check.findings[0]!.message } },
        version: (household.version ?? 0) + 1,
        updatedAt: at,
      },
      audit: {
        action: 'ELIMINATION_NOT_MARKED',
        by: caller.personId,
        at,
        detail: { rules: ['NO_LABOUR_CAPACITY'] },
      },
    });
  }
  if (!check.eligible) {
    throw new CaseError(
      'NOT_ELIGIBLE',
      check.notMarked ? check.findings[0]!.message : '不符合风险消除条件',
      check.findings.map((f) => ({ path: f.rule, message: f.message })),
      { notMarked: check.notMarked },
    );
  }
  const at = ctx.clock.nowIso();
  const caseId = newCaseId(household.village);
  const income = household.incomes?.find((i) => i.year === Number(businessDate(ctx.clock.now()).slice(0, 4)));
  const size = household.members?.length || identification.householdSize;
  const case_: EliminationCase = {
    applicationId: caseId,
    kind: 'ELIMINATION',
    village: household.village,
    villageName: identification.villageName,
    group: household.group || identification.group,
    channel: 'village-committee',
    applicant: identification.applicant,
    reason: comment ?? `村两委提议${ELIMINATION_WAYS[proposal.way]}`,
    riskTypes: monitoring.riskTypes,
    declaredAnnualIncome: income ? toYuan(netIncomeFen(income)) : identification.declaredAnnualIncome,
    householdSize: size,
    perCapitaIncome: check.perCapitaIncome ?? identification.perCapitaIncome,
    householdType: household.householdType,
    stage: 'SUBMITTED',
    version: 1,
    createdAt: at,
    updatedAt: at,
    groupReview: false,
    // the authorisation signed at identification still covers the checks
    commitment: identification.commitment,
    history: [
      {
        stage: 'SUBMITTED',
        decision: 'submitted',
        by: caller.name,
        byPersonId: caller.personId,
        at,
        comment: `村两委提议风险消除（${ELIMINATION_WAYS[proposal.way]}）${check.weakStability ? '，收入稳定性较弱' : ''}`,
      },
    ],
    elimination: {
      identificationId: identification.applicationId,
      proposal,
      check,
      proposedBy: caller.name,
      proposedByPersonId: caller.personId,
    },
  };
  try {
    await ctx.store.createEliminationCase(case_, {
      action: 'ELIMINATION_PROPOSED',
      by: caller.personId,
      at,
      detail: { way: proposal.way, weakStability: check.weakStability },
    });
  } catch (error) {
    if (error instanceof ConflictError && error.reason === 'OPEN_CASE') {
      throw new CaseError('CONFLICT', '该户已有在办的风险消除或不再是监测对象');
    }
    throw error;
  }
  await ctx.workflows.start('elimination', caseId, {
    applicationId: caseId,
    village: case_.village,
    step: { escalation: 0 },
  });
  return { caseId, stage: case_.stage, check };
}

/** The workflow's check: the rules again, against the household as it is when the step runs. */
export async function checkEliminationStep(ctx: CaseContext, input: { applicationId: string }) {
  let eligible = false;
  await updateWithRecords(
    ctx,
    input.applicationId,
    async (read) => {
      const current = asElimination(read);
      const household = await ctx.store.getHousehold(current.village, current.applicant.idHash);
      if (!household?.monitoring || household.monitoring.status !== 'MONITORED') {
        eligible = false;
        return current.outcome?.reason
          ? undefined
          : { next: { ...current, outcome: { ...current.outcome, reason: '该户已不在监测中' } } };
      }
      const check = await judgeElimination(ctx, household, current.elimination.proposal);
      eligible = check.eligible;
      if (check.eligible) {
        return JSON.stringify(check) === JSON.stringify(current.elimination.check)
          ? undefined
          : { next: { ...current, elimination: { ...current.elimination, check } } };
      }
      const reason = check.notMarked
        ? check.findings[0]!.message
        : `不符合风险消除条件：${check.findings.map((f) => f.message).join('；')}`;
      const at = ctx.clock.nowIso();
      return {
        next: {
          ...current,
          elimination: { ...current.elimination, check },
          outcome: { ...current.outcome, reason },
        },
        ...(check.notMarked
          ? {
              household: {
                previous: household,
                next: {
                  ...household,
                  monitoring: { ...household.monitoring, notMarked: { at, reason } },
                  updatedAt: at,
                },
              },
            }
          : {}),
      };
    },
    { action: 'ELIMINATION_CHECKED' },
  );
  return { eligible };
}

/** 标注风险消除: the way and the month; a weakly stable household keeps its measures running. */
export async function markEliminated(ctx: CaseContext, input: { applicationId: string }) {
  await updateWithRecords(
    ctx,
    input.applicationId,
    async (read) => {
      const current = asElimination(read);
      if (current.stage === 'RISK_ELIMINATED') return undefined;
      const household = await ctx.store.getHousehold(current.village, current.applicant.idHash);
      if (!household?.monitoring) throw new Error(`household of ${current.applicationId} is not monitored`);
      const at = ctx.clock.nowIso();
      const month = businessDate(ctx.clock.now()).slice(0, 7);
      const { proposal, check } = current.elimination;
      return {
        next: {
          ...current,
          stage: 'RISK_ELIMINATED',
          pendingApproval: undefined,
          outcome: { ...current.outcome, closedAt: at },
        },
        household: {
          previous: household,
          next: {
            ...household,
            monitoring: {
              ...household.monitoring,
              status: 'RISK_ELIMINATED',
              eliminated: {
                way: proposal.way,
                month,
                caseId: current.applicationId,
                weakStability: check.weakStability,
              },
              cases: [
                ...household.monitoring.cases,
                { caseId: current.applicationId, kind: 'ELIMINATION', at },
              ],
            },
            updatedAt: at,
          },
        },
      };
    },
    { action: 'RISK_ELIMINATED' },
    async (written) => {
      const done = asElimination(written);
      const household = await ctx.store.getHousehold(done.village, done.applicant.idHash);
      const way = ELIMINATION_WAYS[done.elimination.proposal.way];
      const contact = household?.monitoring?.contactPerson;
      return [
        compose('RISK_ELIMINATED', { name: done.applicant.name, phone: done.applicant.phone }, done.village, {
          way,
        }),
        ...(contact
          ? [
              compose(
                // weak stability is refused now; only a case checked before that rule can still arrive weak
                done.elimination.check.weakStability ? 'RISK_ELIMINATED_WEAK' : 'RISK_ELIMINATED_CONTACT',
                contact,
                done.village,
                { applicant: done.applicant.name, way },
              ),
            ]
          : []),
      ];
    },
  );
}

/** A proposal 评议 sent back ends as withdrawn; the 村两委 may propose again. */
export async function withdraw(ctx: CaseContext, input: { applicationId: string }) {
  await updateWithRetry(
    ctx,
    input.applicationId,
    (read) => {
      const current = asElimination(read);
      return current.outcome?.closedAt
        ? undefined
        : {
            ...current,
            stage: 'WITHDRAWN',
            pendingApproval: undefined,
            outcome: { ...current.outcome, reason: '评议退回，提议撤回', closedAt: ctx.clock.nowIso() },
          };
    },
    { action: 'ELIMINATION_WITHDRAWN' },
  );
}

const SUDDEN = new Set(['ILLNESS', 'DISASTER', 'ACCIDENT']);

/** `POST /applications/{id}/green-channel` (绿色通道): help first, the procedure completes afterwards. */
export async function grantGreenChannel(
  ctx: CaseContext,
  caller: Person,
  applicationId: string,
  body: z.infer<typeof greenChannelRequest>,
): Promise<IdentificationCase> {
  const read = await ctx.store.getApplication(applicationId);
  if (!read) throw new CaseError('NOT_FOUND', '申请不存在');
  mustCover(caller, read.village, ['TOWNSHIP_REVIEWER']);
  if (read.kind === 'ELIMINATION') throw new CaseError('CONFLICT', '风险消除不适用绿色通道');
  const app = asIdentification(read);
  if (isFinal(app.stage)) throw new CaseError('CONFLICT', '该申请已办结');
  if (app.greenChannel) throw new CaseError('CONFLICT', '该申请已开通绿色通道');
  if (!app.riskTypes.some((r) => SUDDEN.has(r))) {
    throw new CaseError('CONFLICT', '绿色通道仅适用于突发严重困难户（因病、因自然灾害、因意外事故）');
  }
  const at = ctx.clock.nowIso();
  const updated = await updateWithRetry(
    ctx,
    app.applicationId,
    (read) => {
      const current = asIdentification(read);
      if (current.greenChannel) throw new CaseError('CONFLICT', '该申请已开通绿色通道');
      if (isFinal(current.stage)) throw new CaseError('CONFLICT', '该申请已办结');
      return {
        ...current,
        greenChannel: {
          grantedBy: caller.name,
          grantedByPersonId: caller.personId,
          grantedAt: at,
          reason: body.reason,
          measures: body.measures,
          status: 'GRANTED',
        },
        history: [
          ...current.history,
          {
            stage: current.stage,
            decision: 'green-channel',
            by: caller.name,
            byPersonId: caller.personId,
            at,
            comment: `绿色通道先行帮扶：${body.measures.map((m) => m.content).join('、')}`,
          },
        ],
      };
    },
    { action: 'GREEN_CHANNEL_GRANTED', by: caller.personId, detail: { measures: body.measures.length } },
    (written) => [
      compose(
        'GREEN_CHANNEL_GRANTED',
        { name: written.applicant.name, phone: written.applicant.phone },
        written.village,
        { measures: body.measures.map((m) => m.content).join('、') },
      ),
    ],
  );
  return asIdentification(updated!);
}
