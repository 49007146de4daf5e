/**
 * Applications from the hotline and the mini-program: intake, a fresh commitment upload URL,
 * objections during publicity, and the signed commitment arriving in S3.
 */

import { createHash, randomBytes } from 'node:crypto';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { perCapitaNetIncome } from '#domain/income';
import { issueCommitmentKey, issuedCommitment } from '#links/commitment-keys';
import { compose } from '#notify/messages';
import { nowIso } from '#runtime/clock';
import { config } from '#runtime/config';
import { crashPoint } from '#runtime/crash-points';
import { logger } from '#runtime/logger';
import { count } from '#runtime/metrics';
import { s3 } from '#runtime/s3-client';
import type { ApplicationRequest } from '#schemas/webhooks';
import { hashIdNumber } from '#store/identity';
import type { Application } from '#store/model';
import { ConflictError } from '#store/store';
import type { CaseContext } from './context.ts';
import { CaseError, validationFailed } from './errors.ts';
import { oncePerRequest, type WebhookAnswer } from './idempotency.ts';
import type { VerifiedWebhook } from './requests.ts';
import { checkScan, type ScanType } from './scans.ts';
import { completeTask, startCase } from './sfn-tasks.ts';
import { updateWithRetry } from './updates.ts';

const CHANNEL_LABELS: Record<string, string> = {
  hotline: '12317热线',
  'mini-program': '小程序',
  'cadre-visit': '干部走访',
  'cadre-inspection': '干部走访排查',
};

export const MAX_COMMITMENT_BYTES = 10 * 1024 * 1024;
const UPLOAD_URL_SECONDS = 24 * 3600;

const newApplicationId = (village: string): string =>
  `${village}-${Date.now().toString(36).toUpperCase()}${randomBytes(6).toString('hex').toUpperCase()}`;

async function uploadInstructions(ctx: CaseContext, app: Pick<Application, 'village' | 'applicationId'>) {
  const key = issueCommitmentKey(app.village, app.applicationId, ctx.secrets.uploadKey);
  const uploadUrl = await getSignedUrl(s3(), new PutObjectCommand({ Bucket: config.bucketName, Key: key }), {
    expiresIn: UPLOAD_URL_SECONDS,
  });
  return {
    key,
    instructions: {
      uploadUrl,
      method: 'PUT' as const,
      headers: {},
      expiresAt: new Date(Date.now() + UPLOAD_URL_SECONDS * 1000).toISOString(),
    },
  };
}

export async function submitApplication(
  ctx: CaseContext,
  webhook: VerifiedWebhook,
  body: ApplicationRequest,
  rawBody: string,
  /** where the lead came from when not the caller's channel (干部走访排查) */
  channel: string = webhook.channel,
  /** the applicant's ID hash, when the number comes sealed from the registry (a household's head) */
  knownIdHash?: string,
): Promise<WebhookAnswer> {
  const directory = await ctx.store.getDirectory();
  const village = directory.villages.find((v) => v.code === body.village);
  if (!village) throw validationFailed([{ path: 'village', message: '村代码不在本系统辖区内' }]);
  if (!village.groups.includes(body.group)) {
    throw validationFailed([{ path: 'group', message: `村民小组不属于${village.name}` }]);
  }
  const answer = await oncePerRequest(ctx.store, webhook, body.requestId, rawBody, async (receipt) => {
    const idHash = knownIdHash ?? hashIdNumber(body.applicant.idNumber, ctx.secrets.idHmacKey);
    const household = await ctx.store.getHousehold(body.village, idHash);
    const at = nowIso();
    const applicationId = newApplicationId(body.village);
    const upload = await uploadInstructions(ctx, { village: body.village, applicationId });
    const chain = config.chainFor(body.village);
    const application: Application = {
      applicationId,
      village: body.village,
      villageName: village.name,
      group: body.group,
      channel,
      callId: body.callId,
      applicant: { ...body.applicant, idHash },
      reason: body.reason,
      riskTypes: body.riskTypes,
      declaredAnnualIncome: body.declaredAnnualIncome,
      householdSize: body.householdSize,
      perCapitaIncome: perCapitaNetIncome(body.declaredAnnualIncome, body.householdSize),
      householdType: household?.householdType ?? 'ORDINARY',
      stage: 'AWAITING_COMMITMENT',
      version: 1,
      createdAt: at,
      updatedAt: at,
      groupReview: chain.groupReview,
      ...(household?.monitoring?.status === 'RISK_ELIMINATED'
        ? {
            remarking: {
              previousApplicationId: household.monitoring.applicationId,
              eliminationCaseId: household.monitoring.eliminated?.caseId,
              eliminatedMonth: household.monitoring.eliminated?.month,
            },
          }
        : {}),
      commitment: { key: upload.key, status: 'PENDING' },
      history: [
        {
          stage: 'SUBMITTED',
          decision: 'submitted',
          by: CHANNEL_LABELS[channel] ?? channel,
          at,
          ...(household?.monitoring?.status === 'RISK_ELIMINATED'
            ? { comment: `风险再标注：该户曾于${household.monitoring.eliminated?.month ?? ''}标注风险消除` }
            : {}),
        },
      ],
    };
    const response = {
      status: 202,
      body: { applicationId, stage: 'AWAITING_COMMITMENT', commitment: upload.instructions },
    };
    try {
      await ctx.store.createApplication(
        application,
        receipt(response),
        {
          action: 'APPLICATION_SUBMITTED',
          by: webhook.channel,
          at,
          detail: { callId: body.callId, riskTypes: body.riskTypes },
        },
        [
          compose(
            'APPLICATION_RECEIVED',
            { name: body.applicant.name, phone: body.applicant.phone },
            body.village,
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
          {
            applicationId: error.existingApplicationId,
          },
        );
      }
      throw error;
    }
    return response;
  });
  const applicationId = (answer.body as { applicationId?: string }).applicationId;
  crashPoint('application-written');
  if (applicationId) {
    // Also on a repeat: a start that failed after the write is retried by the caller's retry.
    await startCase(applicationId, {
      applicationId,
      village: body.village,
      groupReview: config.chainFor(body.village).groupReview,
      step: { escalation: 0 },
    });
  }
  return answer;
}

export async function issueCommitmentUrl(
  ctx: CaseContext,
  webhook: VerifiedWebhook,
  applicationId: string,
  requestId: string,
  rawBody: string,
): Promise<WebhookAnswer> {
  const app = await ctx.store.getApplication(applicationId);
  if (!app) throw new CaseError('NOT_FOUND', '申请不存在');
  if (app.stage !== 'AWAITING_COMMITMENT') {
    throw new CaseError('CONFLICT', '该申请当前不需要上传承诺书');
  }
  return oncePerRequest(ctx.store, webhook, requestId, rawBody, async (receipt) => {
    const upload = await uploadInstructions(ctx, app);
    const response = { status: 200, body: { applicationId, commitment: upload.instructions } };
    await ctx.store.recordRequest(app, receipt(response), {
      action: 'COMMITMENT_URL_ISSUED',
      by: webhook.channel,
      at: nowIso(),
      detail: { key: upload.key },
    });
    return response;
  });
}

export async function receiveCommitment(ctx: CaseContext, key: string, size: number): Promise<void> {
  if (!key.startsWith('commitments/')) return;
  const issued = issuedCommitment(key, ctx.secrets.uploadKey);
  if (!issued) {
    // not a key an upload URL was issued for: whoever wrote it, it is not the applicant's scan
    logger.warn('object under commitments/ that no upload URL was issued for', { key });
    await quarantine(key);
    return;
  }
  const { applicationId } = issued;
  const app = await ctx.store.getApplication(applicationId);
  if (!app) {
    logger.warn('commitment for an unknown application', { key });
    return;
  }
  let verdict: { ok: true; sha256: string; contentType: ScanType } | { ok: false; reason: string };
  if (size > MAX_COMMITMENT_BYTES) verdict = { ok: false, reason: '文件超过10 MiB' };
  else {
    let bytes: Uint8Array;
    try {
      const object = await s3().send(new GetObjectCommand({ Bucket: config.bucketName, Key: key }));
      bytes = await object.Body!.transformToByteArray();
    } catch (error) {
      // A redelivered event for a scan already moved to quarantine: it was handled.
      if ((error as Error).name === 'NoSuchKey') return;
      throw error;
    }
    const checked = await checkScan(bytes);
    verdict = checked.ok
      ? {
          ok: true,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          contentType: checked.contentType,
        }
      : checked;
  }
  if (!verdict.ok) {
    const { reason } = verdict;
    // Record and tell first, move last: a redelivered event finds the scan gone and stops.
    await updateWithRetry(
      ctx,
      applicationId,
      (current) => ({
        ...current,
        commitment: {
          ...current.commitment,
          status: current.commitment.status === 'ACCEPTED' ? 'ACCEPTED' : 'QUARANTINED',
          reason: verdict.reason,
        },
      }),
      { action: 'COMMITMENT_QUARANTINED', detail: { key, reason: verdict.reason } },
      (written) => [
        compose(
          'COMMITMENT_REFUSED',
          { name: written.applicant.name, phone: written.applicant.phone },
          written.village,
          { reason },
        ),
      ],
    );
    await quarantine(key);
    return;
  }
  const updated = await updateWithRetry(
    ctx,
    applicationId,
    // Nothing to write once the case has moved on or a scan was accepted (a redelivered event); the
    // waiting step is still told below.
    (current) =>
      current.stage !== 'AWAITING_COMMITMENT' || current.commitment.status === 'ACCEPTED'
        ? undefined
        : {
            ...current,
            commitment: {
              key,
              status: 'ACCEPTED',
              sha256: verdict.sha256,
              size,
              contentType: verdict.contentType,
              receivedAt: nowIso(),
            },
            history: [
              ...current.history,
              {
                stage: 'AWAITING_COMMITMENT',
                decision: 'commitment',
                by: current.applicant.name,
                at: nowIso(),
              },
            ],
          },
    { action: 'COMMITMENT_ACCEPTED', detail: { key, sha256: verdict.sha256, size } },
  );
  if (updated?.commitmentTaskToken)
    await completeTask(updated.commitmentTaskToken, { escalation: 0, commitment: 'ACCEPTED' });
}

async function quarantine(key: string): Promise<void> {
  const target = key.replace(/^commitments\//, 'quarantine/');
  try {
    await s3().send(
      new CopyObjectCommand({
        Bucket: config.bucketName,
        Key: target,
        CopySource: `${config.bucketName}/${key}`,
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return; // moved by an earlier delivery
    throw error;
  }
  await s3().send(new DeleteObjectCommand({ Bucket: config.bucketName, Key: key }));
}
