/**
 * The intake core (受理): opens an identification case from any source — a farmer's application by
 * hotline or mini-program, a cadre's inspection form (综合判定 → 纳入监测评议), a follow-up visit that
 * finds a new risk (风险再标注), and verified leads — the same way: the village and group checked,
 * the applicant locked against a second open case, the case, its audit and the applicant's message
 * in one transaction, then its workflow started under its id. Signatures and idempotency are the
 * webhook adapter's (`applications.ts`), not this core's.
 */
import { randomBytes } from 'node:crypto';
import { type Case, type IdentificationCase, isIdentification } from '#domain/case';
import { perCapitaNetIncome } from '#domain/income';
import { issueCommitmentKey } from '#links/commitment-keys';
import { compose } from '#notify/messages';
import { config } from '#runtime/config';
import { count } from '#runtime/metrics';
import type { ApplicationRequest } from '#schemas/webhooks';
import { hashIdNumber } from '#store/identity';
import type { WebhookReceipt } from '#store/store';
import { ConflictError } from '#store/store';
import type { CaseContext } from '../context.ts';
import { CaseError, validationFailed } from '../errors.ts';

/** How a case's source reads in its history. */
const CHANNEL_LABELS: Record<string, string> = {
  hotline: '12317热线',
  'mini-program': '小程序',
  'cadre-visit': '干部走访',
  'cadre-inspection': '干部走访排查',
  'risk-lead': '风险线索核实',
};

const UPLOAD_URL_SECONDS = 24 * 3600;

/** Where a case comes from. */
export interface CaseSource {
  /** the channel the case is recorded under (`hotline`, `mini-program`, `cadre-inspection`, …) */
  channel: string;
  /** who the audit names as having opened it */
  by: string;
  /** the applicant's ID hash, when the number comes sealed from the registry (a household's head) */
  knownIdHash?: string;
}

/** What a case is opened with: an application's fields, without a webhook's requestId. */
export type CaseRequest = Omit<ApplicationRequest, 'requestId'>;

export interface UploadInstructions {
  uploadUrl: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

/** A case just opened: it waits for the signed commitment (承诺书), uploaded as the instructions say. */
export interface OpenedCase {
  applicationId: string;
  stage: Case['stage'];
  commitment?: UploadInstructions;
}

const newApplicationId = (village: string): string =>
  `${village}-${Date.now().toString(36).toUpperCase()}${randomBytes(6).toString('hex').toUpperCase()}`;

/** A presigned upload for an object key issued to this application only. */
export async function uploadInstructions(
  ctx: CaseContext,
  app: Pick<Case, 'village' | 'applicationId'>,
): Promise<{ key: string; instructions: UploadInstructions }> {
  const key = issueCommitmentKey(app.village, app.applicationId, ctx.secrets.uploadKey);
  const uploadUrl = await ctx.documents.uploadUrl(key, UPLOAD_URL_SECONDS);
  return {
    key,
    instructions: {
      uploadUrl,
      method: 'PUT',
      headers: {},
      expiresAt: new Date(Date.now() + UPLOAD_URL_SECONDS * 1000).toISOString(),
    },
  };
}

/**
 * Writes a new case and everything that goes with it in one transaction (with the webhook's receipt,
 * when there is one). A household with an open case or under monitoring is `CONFLICT`, naming it.
 */
export async function recordCase(
  ctx: CaseContext,
  source: CaseSource,
  request: CaseRequest,
  receipt?: (opened: OpenedCase) => WebhookReceipt,
): Promise<OpenedCase> {
  const directory = await ctx.store.getDirectory();
  const village = directory.villages.find((v) => v.code === request.village);
  if (!village) throw validationFailed([{ path: 'village', message: '村代码不在本系统辖区内' }]);
  if (!village.groups.includes(request.group)) {
    throw validationFailed([{ path: 'group', message: `村民小组不属于${village.name}` }]);
  }
  const idHash = source.knownIdHash ?? hashIdNumber(request.applicant.idNumber, ctx.secrets.idHmacKey);
  const household = await ctx.store.getHousehold(request.village, idHash);
  const at = ctx.clock.nowIso();
  const applicationId = newApplicationId(request.village);
  const upload = await uploadInstructions(ctx, { village: request.village, applicationId });
  const remarked = household?.monitoring?.status === 'RISK_ELIMINATED' ? household.monitoring : undefined;
  const application: IdentificationCase = {
    applicationId,
    village: request.village,
    villageName: village.name,
    group: request.group,
    channel: source.channel,
    callId: request.callId,
    applicant: { ...request.applicant, idHash },
    reason: request.reason,
    riskTypes: request.riskTypes,
    declaredAnnualIncome: request.declaredAnnualIncome,
    householdSize: request.householdSize,
    perCapitaIncome: perCapitaNetIncome(request.declaredAnnualIncome, request.householdSize),
    householdType: household?.householdType ?? 'ORDINARY',
    stage: 'AWAITING_COMMITMENT',
    version: 1,
    createdAt: at,
    updatedAt: at,
    groupReview: config.chainFor(request.village).groupReview,
    ...(remarked
      ? {
          remarking: {
            previousApplicationId: remarked.applicationId,
            eliminationCaseId: remarked.eliminated?.caseId,
            eliminatedMonth: remarked.eliminated?.month,
          },
        }
      : {}),
    commitment: { key: upload.key, status: 'PENDING' },
    history: [
      {
        stage: 'SUBMITTED',
        decision: 'submitted',
        by: CHANNEL_LABELS[source.channel] ?? source.channel,
        at,
        ...(remarked
          ? { comment: `风险再标注：该户曾于${remarked.eliminated?.month ?? ''}标注风险消除` }
          : {}),
      },
    ],
  };
  const opened: OpenedCase = { applicationId, stage: 'AWAITING_COMMITMENT', commitment: upload.instructions };
  try {
    await ctx.store.createApplication(
      application,
      receipt?.(opened),
      {
        action: 'APPLICATION_SUBMITTED',
        by: source.by,
        at,
        detail: { callId: request.callId, riskTypes: request.riskTypes },
      },
      [
        compose(
          'APPLICATION_RECEIVED',
          { name: request.applicant.name, phone: request.applicant.phone },
          request.village,
          { applicationId },
        ),
      ],
    );
    count('ApplicationsReceived');
  } catch (error) {
    if (error instanceof ConflictError && error.reason === 'OPEN_CASE') {
      throw new CaseError(
        'CONFLICT',
        `该户已有在办申请或已是监测对象：${error.existingApplicationId ?? ''}`,
        undefined,
        { applicationId: error.existingApplicationId },
      );
    }
    throw error;
  }
  return opened;
}

/** Starts a written case's workflow under its id: starting it again is harmless. */
export async function startOpenedCase(
  ctx: Pick<CaseContext, 'workflows'>,
  applicationId: string,
  village: string,
): Promise<void> {
  await ctx.workflows.start('identification', applicationId, {
    applicationId,
    village,
    groupReview: config.chainFor(village).groupReview,
    step: { escalation: 0 },
  });
}

/**
 * Opens a case from a source that is not a webhook. The same source again (its `callId`: the form,
 * the visit, the lead) finds the case it opened rather than a conflict, so a redelivered form or
 * visit opens nothing twice.
 */
export async function openCase(
  ctx: CaseContext,
  source: CaseSource,
  request: CaseRequest,
): Promise<OpenedCase> {
  let opened: OpenedCase;
  try {
    opened = await recordCase(ctx, source, request);
  } catch (error) {
    const existing =
      error instanceof CaseError && error.code === 'CONFLICT' && error.extra?.applicationId
        ? await ctx.store.getApplication(String(error.extra.applicationId))
        : undefined;
    if (
      !existing ||
      !isIdentification(existing) ||
      existing.callId !== request.callId ||
      existing.channel !== source.channel
    )
      throw error;
    opened = {
      applicationId: existing.applicationId,
      stage: existing.stage,
      ...(existing.stage === 'AWAITING_COMMITMENT'
        ? { commitment: (await uploadInstructions(ctx, existing)).instructions }
        : {}),
    };
  }
  await startOpenedCase(ctx, opened.applicationId, request.village);
  return opened;
}
