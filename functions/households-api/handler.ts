/**
 * Staff API for monitoring households: the registry, assistance plans, grids and contact persons,
 * visits due, elimination proposals (风险消除) and the green channel (绿色通道). The spreadsheet routes
 * are `registry-files`. A person acts only where their roles cover the village.
 */
import middy from '@middy/core';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { staffRouter } from '#http/router';
import { assertConfigured } from '#runtime/config';
import { routes } from './routes.ts';

assertConfigured();

export const handler = middy(staffRouter(routes)).use(withLogger()).use(accessLog()).use(httpErrors());
