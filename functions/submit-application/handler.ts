/**
 * POST /webhooks/applications — a household applies to become a monitoring object (纳入监测申请),
 * through the 12317 hotline or the mini-program.
 */
import middy from '@middy/core';
import { caseContext } from '#cases/context';
import { submitApplication } from '#cases/identification/applications';
import { parseBody } from '#http/body';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { type HttpEvent, json, rawBody } from '#http/responses';
import { verifyWebhook } from '#http/webhook-auth';
import { assertConfigured } from '#runtime/config';
import { applicationRequest } from '#schemas/webhooks';

assertConfigured();

const submit = async (event: HttpEvent) => {
  const webhook = await verifyWebhook(event);
  const body = parseBody(event, applicationRequest);
  const answer = await submitApplication(await caseContext(), webhook, body, rawBody(event));
  return json(202, answer);
};

export const handler = middy(submit).use(withLogger()).use(accessLog()).use(httpErrors());
