/**
 * Staff API of the lead loop (风险线索): department files uploaded for a month, the district's
 * screening run (部门筛查预警), and each village's leads with their deadlines. Only the district runs
 * the screening; a person reads only where one of their roles covers the unit.
 */
import middy from '@middy/core';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { staffRouter } from '#http/router';
import { assertConfigured } from '#runtime/config';
import { routes } from './routes.ts';

assertConfigured();

export const handler = middy(staffRouter(routes)).use(withLogger()).use(accessLog()).use(httpErrors());
