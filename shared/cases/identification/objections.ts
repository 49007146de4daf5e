/** 公示异议: an objection lodged during publicity, by webhook. */
import { randomUUID } from 'node:crypto';
import { maskText } from '#domain/masking';
import type { ObjectionRequest } from '#schemas/webhooks';
import { ConflictError } from '#store/store';
import type { CaseContext } from '../context.ts';
import { CaseError } from '../errors.ts';
import { oncePerRequest } from '../idempotency.ts';
import type { VerifiedWebhook } from '../requests.ts';

export async function lodgeObjection(
  ctx: CaseContext,
  webhook: VerifiedWebhook,
  body: ObjectionRequest,
  rawBody: string,
): Promise<{ objectionId: string }> {
  const app = await ctx.store.getApplication(body.applicationId);
  if (!app) throw new CaseError('NOT_FOUND', '申请不存在');
  return oncePerRequest(ctx.store, webhook, body.requestId, rawBody, async (receipt) => {
    const at = ctx.clock.nowIso();
    if (app.stage !== 'PUBLICITY' || !app.publicity || app.publicity.endsAt <= at) {
      throw new CaseError('NOT_IN_PUBLICITY', '该申请不在公示期内');
    }
    const objectionId = randomUUID();
    const response = { objectionId };
    try {
      await ctx.store.addObjection(
        app,
        { objectionId, name: body.objector.name, phone: body.objector.phone, content: body.content, at },
        receipt(response),
        {
          action: 'OBJECTION_LODGED',
          by: webhook.channel,
          at,
          detail: { objectionId, content: maskText(body.content) },
        },
      );
    } catch (error) {
      if (error instanceof ConflictError && error.reason === 'NOT_IN_PUBLICITY') {
        throw new CaseError('NOT_IN_PUBLICITY', '该申请不在公示期内');
      }
      throw error;
    }
    return response;
  });
}
