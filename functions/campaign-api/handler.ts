/**
 * Staff API of the 集中排查 campaign: campaigns and their phases, the 问题整改台账 with filters and its
 * actions, the 汇总表, exports, the 自查专题报告, and the township's application pipeline.
 */
import middy from '@middy/core';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { staffRouter } from '#http/router';
import { assertConfigured } from '#runtime/config';
import { routes } from './routes.ts';

assertConfigured();

export const handler = middy(staffRouter(routes)).use(withLogger()).use(accessLog()).use(httpErrors());
