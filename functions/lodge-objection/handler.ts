/** POST /webhooks/objections — an objection lodged during publicity (公示异议). */
import middy from '@middy/core';
import { caseContext } from '#cases/context';
import { lodgeObjection } from '#cases/identification/objections';
import { parseBody } from '#http/body';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { type HttpEvent, json, rawBody } from '#http/responses';
import { verifyWebhook } from '#http/webhook-auth';
import { assertConfigured } from '#runtime/config';
import { objectionRequest } from '#schemas/webhooks';

assertConfigured();

const lodge = async (event: HttpEvent) => {
  const webhook = await verifyWebhook(event);
  const body = parseBody(event, objectionRequest);
  const answer = await lodgeObjection(await caseContext(), webhook, body, rawBody(event));
  return json(202, answer);
};

export const handler = middy(lodge).use(withLogger()).use(accessLog()).use(httpErrors());
