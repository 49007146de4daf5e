/**
 * Approval links (CONTRACT.md): reading an approval never changes anything; a decision is recorded
 * once (PENDING → DECIDED with the application's history in one transaction), then handed to the
 * waiting workflow step.
 */
import { type Approval, type Case, caseKind, isElimination, isIdentification } from '#domain/case';
import type { Person } from '#domain/directory';
import { maskName, maskPhone, maskText } from '#domain/masking';
import { MEETING_GROUPS, missingGroups } from '#domain/meeting';
import {
  APPROVAL_LEVELS,
  type ApprovalStage,
  assertAllowedTransition,
  returnTarget,
  STAGE_LABELS,
  stageAfterDecision,
} from '#domain/stages';
import { verifyApprovalToken } from '#links/approval-links';
import { SCAN_LINK_SECONDS, SCAN_LINKS_PRESIGNED, scanLink } from '#links/scan-links';
import { config } from '#runtime/config';
import { count } from '#runtime/metrics';
import type { DecisionRequest } from '#schemas/approvals';
import { ConflictError } from '#store/store';
import type { CaseContext } from '../context.ts';
import { CaseError } from '../errors.ts';
import { SCAN_EXTENSIONS, type ScanType } from './scans.ts';
import { historyView, householdView } from './views.ts';

export interface ApprovalAccess {
  approval: Approval;
  application: Case;
  approver: Person;
  /** what the objection reviewer reviews (异议复核): the objections, objectors masked */
  objections: { name: string; phone: string; content: string; at: string }[];
}

/** Checks the link: 403 forged or foreign, 410 expired or the step has moved on. */
export async function openApprovalLink(
  ctx: CaseContext,
  approvalId: string,
  token: string | undefined,
): Promise<ApprovalAccess> {
  const personId = verifyApprovalToken(token, approvalId, ctx.secrets.linkKey, ctx.clock.now());
  const approval = await ctx.store.getApproval(approvalId);
  if (!approval) throw new CaseError('BAD_LINK', '审批链接无效或不属于此审批');
  if (!approval.approvers.includes(personId)) throw new CaseError('BAD_LINK', '此链接不属于本审批的审批人');
  const application = await ctx.store.getApplication(approval.applicationId);
  if (!application) throw new CaseError('NOT_FOUND', '申请不存在');
  const directory = await ctx.store.getDirectory();
  const approver = directory.people.find((p) => p.personId === personId);
  if (!approver) throw new CaseError('FORBIDDEN', '审批人不在名录中');
  const objections =
    approval.stage === 'OBJECTION_REVIEW'
      ? (await ctx.store.listObjections(application)).map((o) => ({
          name: maskName(o.name),
          phone: maskPhone(o.phone),
          content: maskText(o.content),
          at: o.at,
        }))
      : [];
  return { approval, application, approver, objections };
}

export function approvalStatus(ctx: Pick<CaseContext, 'clock'>, access: ApprovalAccess): Approval['status'] {
  const { approval, application } = access;
  if (approval.status === 'DECIDED') return 'DECIDED';
  if (
    approval.status === 'EXPIRED' ||
    application.pendingApproval !== approval.approvalId ||
    application.stage !== approval.stage
  ) {
    return 'EXPIRED';
  }
  return Date.parse(approval.expiresAt) < ctx.clock.now().getTime() ? 'EXPIRED' : 'PENDING';
}

async function commitmentLink(ctx: CaseContext, application: ApprovalAccess['application']) {
  const commitment = application.commitment as { key: string; contentType?: string };
  const contentType = commitment.contentType ?? 'application/octet-stream';
  const fileName = `承诺书-${application.applicationId}.${SCAN_EXTENSIONS[contentType as ScanType] ?? 'bin'}`;
  if (config.commitmentScanUrl !== SCAN_LINKS_PRESIGNED)
    return scanLink(
      config.commitmentScanUrl,
      { key: commitment.key, contentType, fileName },
      ctx.secrets.scanKey,
      ctx.clock.now(),
    );
  return ctx.documents.downloadUrl(commitment.key, SCAN_LINK_SECONDS, {
    contentType,
    disposition: `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  });
}

export async function approvalView(ctx: CaseContext, access: ApprovalAccess) {
  const { approval, application } = access;
  // streamed by the scan function with the type it was checked to be, as a download, never rendered
  const identification = isIdentification(application) ? application : undefined;
  const elimination = isElimination(application) ? application.elimination : undefined;
  const commitmentUrl =
    application.commitment.status === 'ACCEPTED' ? await commitmentLink(ctx, application) : undefined;
  return {
    approvalId: approval.approvalId,
    applicationId: application.applicationId,
    stage: approval.stage,
    stageLabel: STAGE_LABELS[approval.stage],
    status: approvalStatus(ctx, access),
    recordsMeeting: APPROVAL_LEVELS[approval.stage].recordsMeeting,
    /** where 退回 sends the case from this step: the approver reads it before choosing */
    returnsTo: returnTarget(approval.stage as ApprovalStage, {
      groupReview: application.groupReview,
      kind: caseKind(application),
    }),
    approver: { name: access.approver.name },
    household: householdView(application),
    reason: maskText(application.reason),
    riskTypes: application.riskTypes,
    history: historyView(application),
    publicity: application.publicity ?? null,
    objections: access.objections,
    comparison: application.comparison ?? null,
    commitmentUrl,
    kind: caseKind(application),
    remarking: identification?.remarking ?? null,
    greenChannel: identification?.greenChannel ?? null,
    elimination: elimination
      ? {
          way: elimination.proposal.way,
          weakStability: elimination.check.weakStability,
          perCapitaIncome: elimination.check.perCapitaIncome ?? null,
          line: elimination.check.line ?? null,
          proposedBy: elimination.proposedBy,
        }
      : null,
    systemEntryBatch:
      approval.stage === 'SYSTEM_ENTRY' && application.systemEntryBatch
        ? {
            batchId: application.systemEntryBatch.batchId,
            xlsxUrl: await ctx.documents.downloadUrl(application.systemEntryBatch.xlsxKey, 900),
            csvUrl: await ctx.documents.downloadUrl(application.systemEntryBatch.csvKey, 900),
          }
        : null,
  };
}

export async function decide(
  ctx: CaseContext,
  access: ApprovalAccess,
  body: DecisionRequest,
  attempt = 1,
): Promise<{ status: 'recorded'; stage: string }> {
  const { approval, application, approver } = access;
  const status = approvalStatus(ctx, access);
  if (status === 'DECIDED') throw new CaseError('ALREADY_DECIDED', '此审批已作出决定');
  if (status === 'EXPIRED') {
    // The case may have moved on because of a decision made since the approval was read.
    const fresh = await ctx.store.getApproval(approval.approvalId);
    if (fresh?.status === 'DECIDED') throw new CaseError('ALREADY_DECIDED', '此审批已作出决定');
    throw new CaseError('LINK_EXPIRED', '此审批环节已结束或链接已过期');
  }
  const stage = approval.stage as ApprovalStage;
  if (APPROVAL_LEVELS[stage].recordsMeeting && body.decision === 'approve' && !body.meeting) {
    throw new CaseError('VALIDATION_FAILED', '村级评议须记录参会人员和表决结果', [
      { path: 'meeting', message: '请填写参会人员（村两委、驻村工作队、村监委会、村民代表）和表决票数' },
    ]);
  }
  if (APPROVAL_LEVELS[stage].recordsMeeting && body.meeting) {
    const required = config.chainFor(application.village).meetingGroups ?? MEETING_GROUPS;
    const missing = missingGroups(body.meeting.attendees, required);
    if (missing.length) {
      throw new CaseError('VALIDATION_FAILED', '村级评议的参会人员不全', [
        {
          path: 'meeting.attendees',
          message: `参会人员须包括${required.join('、')}，缺少${missing.join('、')}`,
        },
      ]);
    }
  }
  const at = ctx.clock.nowIso();
  const after = stageAfterDecision(stage, body.decision, {
    groupReview: application.groupReview,
    kind: application.kind,
  });
  const decision = {
    decision: body.decision,
    by: approver.name,
    byPersonId: approver.personId,
    at,
    ...(body.comment ? { comment: body.comment } : {}),
  };
  // the clerk's decision names the entry batch it was typed from
  const batchId = stage === 'SYSTEM_ENTRY' ? application.systemEntryBatch?.batchId : undefined;
  const next: Case = {
    ...application,
    version: application.version + 1,
    updatedAt: at,
    // A stage is entered by the step that enters it, together with its data (publicity and its dates,
    // the next approval, ACTIVE with the contact person and the first plan), so no reader sees a stage
    // ahead of the workflow. Only a return for a new commitment carries its data here: the scan reset.
    stage: after === 'AWAITING_COMMITMENT' ? after : application.stage,
    ...(after === 'AWAITING_COMMITMENT'
      ? { commitment: { ...application.commitment, status: 'PENDING' as const } }
      : {}),
    // a new posting starts with each approval by the committee
    ...(after === 'PUBLICITY' ? { publicity: undefined } : {}),
    ...(body.decision === 'reject' ? { outcome: { ...application.outcome, reason: body.comment } } : {}),
    history: [
      ...application.history,
      {
        stage,
        ...decision,
        ...(APPROVAL_LEVELS[stage].recordsMeeting && body.meeting ? { meeting: body.meeting } : {}),
        ...(batchId ? { batchId } : {}),
      },
    ],
  };
  try {
    assertAllowedTransition(application.stage, next.stage, application.applicationId);
    await ctx.store.decideApproval(approval, { ...approval, status: 'DECIDED', decision }, application, {
      next,
      audit: {
        action: 'APPROVAL_DECIDED',
        by: approver.personId,
        at,
        detail: {
          approvalId: approval.approvalId,
          stage,
          decision: body.decision,
          ...(body.comment ? { comment: body.comment } : {}),
        },
      },
    });
  } catch (error) {
    if (error instanceof ConflictError) {
      const fresh = await ctx.store.getApproval(approval.approvalId);
      if (fresh?.status === 'DECIDED') throw new CaseError('ALREADY_DECIDED', '此审批已作出决定');
      // Still open: the case record or the step's token changed meanwhile (a restart, a reminder).
      const freshApplication = await ctx.store.getApplication(approval.applicationId);
      if (fresh && freshApplication && attempt < 5) {
        return decide(ctx, { ...access, approval: fresh, application: freshApplication }, body, attempt + 1);
      }
      throw new CaseError('CONFLICT', '申请状态已变化，请刷新后重试');
    }
    throw error;
  }
  count('Decisions');
  // If the step timed out meanwhile (or the runtime died just now), the next visit of this step finds
  // the decision and hands it on.
  await ctx.workflows.complete(approval.taskToken, { ...decision, escalation: 0 });
  return { status: 'recorded', stage: after };
}
