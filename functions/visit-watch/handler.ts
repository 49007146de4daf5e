/**
 * The daily watch over follow-up visits (跟踪走访): EventBridge on AWS, the local scheduler at each
 * new business day locally.
 */
import middy from '@middy/core';
import { caseContext } from '#cases/context';
import { watchVisits } from '#cases/monitoring/visits';
import { withLogger } from '#http/middleware';
import { assertConfigured } from '#runtime/config';

assertConfigured();

const run = async () => watchVisits(await caseContext());

export const handler = middy(run).use(withLogger());
