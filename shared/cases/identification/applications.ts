/**
 * Applications from the hotline and the mini-program: intake, a fresh commitment upload URL,
 * objections during publicity, and the signed commitment arriving in S3.
 */

import { createHash } from 'node:crypto';
import { issuedCommitment } from '#links/commitment-keys';
import { compose } from '#notify/messages';
import { logger } from '#runtime/logger';
import type { ApplicationRequest } from '#schemas/webhooks';
import type { CaseContext } from '../context.ts';
import { CaseError } from '../errors.ts';
import { oncePerRequest } from '../idempotency.ts';
import type { VerifiedWebhook } from '../requests.ts';
import { type OpenedCase, recordCase, startOpenedCase, uploadInstructions } from './intake.ts';
import { checkScan, type ScanType } from './scans.ts';
import { updateWithRetry } from './updates.ts';

export const MAX_COMMITMENT_BYTES = 10 * 1024 * 1024;

/**
 * `POST /webhooks/applications`: the webhook adapter around the intake core — the request is taken
 * once per requestId (its receipt in the case's own transaction), and the case's workflow is started
 * on a repeat too, since a start that failed after the write is retried by the caller's retry.
 */
export async function submitApplication(
  ctx: CaseContext,
  webhook: VerifiedWebhook,
  body: ApplicationRequest,
  rawBody: string,
): Promise<OpenedCase> {
  const { requestId, ...request } = body;
  const source = { channel: webhook.channel, by: webhook.channel };
  const opened = await oncePerRequest<OpenedCase>(ctx.store, webhook, requestId, rawBody, (receipt) =>
    recordCase(ctx, source, request, receipt),
  );
  await startOpenedCase(ctx, opened.applicationId, body.village);
  return opened;
}

/** What `POST /webhooks/applications/{id}/commitment-url` answers. */
export interface CommitmentUpload {
  applicationId: string;
  commitment: Awaited<ReturnType<typeof uploadInstructions>>['instructions'];
}

export async function issueCommitmentUrl(
  ctx: CaseContext,
  webhook: VerifiedWebhook,
  applicationId: string,
  requestId: string,
  rawBody: string,
): Promise<CommitmentUpload> {
  const app = await ctx.store.getApplication(applicationId);
  if (!app) throw new CaseError('NOT_FOUND', '申请不存在');
  if (app.stage !== 'AWAITING_COMMITMENT') {
    throw new CaseError('CONFLICT', '该申请当前不需要上传承诺书');
  }
  return oncePerRequest<CommitmentUpload>(ctx.store, webhook, requestId, rawBody, async (receipt) => {
    const upload = await uploadInstructions(ctx, app);
    const response = { applicationId, commitment: upload.instructions };
    await ctx.store.recordRequest(app, receipt(response), {
      action: 'COMMITMENT_URL_ISSUED',
      by: webhook.channel,
      at: ctx.clock.nowIso(),
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
    await quarantine(ctx, key);
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
    const bytes = await ctx.documents.read(key);
    // A redelivered event for a scan already moved to quarantine: it was handled.
    if (!bytes) return;
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
    await quarantine(ctx, key);
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
              receivedAt: ctx.clock.nowIso(),
            },
            history: [
              ...current.history,
              {
                stage: 'AWAITING_COMMITMENT',
                decision: 'commitment',
                by: current.applicant.name,
                at: ctx.clock.nowIso(),
              },
            ],
          },
    { action: 'COMMITMENT_ACCEPTED', detail: { key, sha256: verdict.sha256, size } },
  );
  if (updated?.commitmentTaskToken)
    await ctx.workflows.complete(updated.commitmentTaskToken, { escalation: 0, commitment: 'ACCEPTED' });
}

const quarantine = (ctx: CaseContext, key: string): Promise<void> =>
  ctx.documents.move(key, key.replace(/^commitments\//, 'quarantine/'));
