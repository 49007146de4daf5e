/**
 * POST /webhooks/measures and POST /webhooks/visits — what cadres record from the mini-program:
 * assistance measures (一户一方案、一人一措施) and follow-up visits (跟踪走访).
 */
import middy from '@middy/core';
import { caseContext } from '#cases/context';
import { recordMeasure } from '#cases/monitoring/households';
import { recordVisit } from '#cases/monitoring/visits';
import { parseBody } from '#http/body';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { type HttpEvent, json, rawBody } from '#http/responses';
import { verifyWebhook } from '#http/webhook-auth';
import { assertConfigured } from '#runtime/config';
import { measureRequest, visitRequest } from '#schemas/registry';

assertConfigured();

const record = async (event: HttpEvent) => {
  const webhook = await verifyWebhook(event);
  const ctx = await caseContext();
  return event.routeKey.endsWith('/measures')
    ? json(200, await recordMeasure(ctx, webhook, parseBody(event, measureRequest), rawBody(event)))
    : json(201, await recordVisit(ctx, webhook, parseBody(event, visitRequest), rawBody(event)));
};

export const handler = middy(record).use(withLogger()).use(accessLog()).use(httpErrors());
