/** POST /webhooks/applications/{id}/commitment-url — a fresh upload URL for the signed commitment (附件1). */
import middy from '@middy/core';
import { caseContext } from '#cases/context';
import { issueCommitmentUrl } from '#cases/identification/applications';
import { parseBody, validate } from '#http/body';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { type HttpEvent, json, rawBody } from '#http/responses';
import { verifyWebhook } from '#http/webhook-auth';
import { assertConfigured } from '#runtime/config';
import { applicationId } from '#schemas/common';
import { commitmentUrlRequest } from '#schemas/webhooks';

assertConfigured();

const issue = async (event: HttpEvent) => {
  const webhook = await verifyWebhook(event);
  const body = parseBody(event, commitmentUrlRequest);
  const id = validate(applicationId, event.pathParameters?.id);
  const answer = await issueCommitmentUrl(await caseContext(), webhook, id, body.requestId, rawBody(event));
  return json(200, answer);
};

export const handler = middy(issue).use(withLogger()).use(accessLog()).use(httpErrors());
