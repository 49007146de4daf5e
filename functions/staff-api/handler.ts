/**
 * Staff API: `GET /applications/{id}`, its audit trail `GET /applications/{id}/audit`, and
 * `GET /villages/{code}/applications?stage=`. The caller is the person in the token's claims (Cognito
 * on AWS, the local login locally); a person reads only the villages their roles cover.
 */
import middy from '@middy/core';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { staffRouter } from '#http/router';
import { assertConfigured } from '#runtime/config';
import { routes } from './routes.ts';

assertConfigured();

export const handler = middy(staffRouter(routes)).use(withLogger()).use(accessLog()).use(httpErrors());
