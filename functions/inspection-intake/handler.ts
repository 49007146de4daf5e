/**
 * POST /webhooks/inspections — one household's 入户排查表 (annex 2) from the cadres' mini-program: the
 * form, its problems in the ledger, the 汇总表 counters, and (综合判定) an identification.
 */
import middy from '@middy/core';
import { fileInspectionForm } from '#cases/campaign/campaigns';
import { caseContext } from '#cases/context';
import { parseBody } from '#http/body';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { type HttpEvent, json, rawBody } from '#http/responses';
import { verifyWebhook } from '#http/webhook-auth';
import { assertConfigured } from '#runtime/config';
import { inspectionRequest } from '#schemas/campaign';

assertConfigured();

const intake = async (event: HttpEvent) => {
  const webhook = await verifyWebhook(event);
  const body = parseBody(event, inspectionRequest);
  const answer = await fileInspectionForm(await caseContext(), webhook, body, rawBody(event));
  return json(201, answer);
};

export const handler = middy(intake).use(withLogger()).use(accessLog()).use(httpErrors());
