/**
 * The daily watch over 核实时限: an overdue lead reminds its village, a red one escalates to the
 * township (EventBridge Scheduler on AWS, the local scheduler at each new business day locally).
 */
import middy from '@middy/core';
import { caseContext } from '#cases/context';
import { watchLeads } from '#cases/leads/lead-watch';
import { withLogger } from '#http/middleware';
import { assertConfigured } from '#runtime/config';

assertConfigured();

const run = async () => watchLeads(await caseContext());

export const handler = middy(run).use(withLogger());
