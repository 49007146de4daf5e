/**
 * The daily watch over 整改时限: a reminder before, an escalation to the township after (EventBridge
 * Scheduler on AWS, the local scheduler at each new business day locally).
 */
import middy from '@middy/core';
import { watchDeadlines } from '#cases/campaign/campaigns';
import { caseContext } from '#cases/context';
import { withLogger } from '#http/middleware';
import { assertConfigured } from '#runtime/config';

assertConfigured();

const run = async () => watchDeadlines(await caseContext());

export const handler = middy(run).use(withLogger());
