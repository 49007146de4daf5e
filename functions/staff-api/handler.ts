/**
 * Staff API: `GET /applications/{id}`, its audit trail `GET /applications/{id}/audit`, and `GET /villages/{code}/applications?stage=`. The caller is the
 * person in the token's claims (Cognito on AWS, the local login locally); a person reads only the
 * villages their roles cover.
 */
import middy from '@middy/core';
import { object, enum as zEnum } from 'zod';
import { caseContext } from '#cases/context';
import { applicationView } from '#cases/views';
import { STAGES, scopeCovers } from '#domain/stages';
import { validate } from '#http/body';
import { HttpError } from '#http/errors';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { type HttpEvent, json } from '#http/responses';
import { staffCaller } from '#http/staff-caller';
import { assertConfigured } from '#runtime/config';
import { applicationId, villageCode } from '#schemas/common';

assertConfigured();

const stageQuery = object({ stage: zEnum(STAGES, { error: '未知的阶段' }).optional() });

const staff = async (event: HttpEvent) => {
  const ctx = await caseContext();
  const { caller: person } = await staffCaller(ctx, event);
  const covers = (village: string) => person.roles.some((r) => scopeCovers(r.scope, village));
  if (event.routeKey.startsWith('GET /applications/')) {
    const id = validate(applicationId, event.pathParameters?.id);
    const app = await ctx.store.getApplication(id);
    if (!app) throw new HttpError('NOT_FOUND', '申请不存在');
    if (!covers(app.village)) throw new HttpError('FORBIDDEN', '无权查看此村的申请');
    if (event.routeKey.endsWith('/audit')) {
      const audit = await ctx.store.listAudit(app);
      return json(200, { items: audit.sort((a, b) => a.at.localeCompare(b.at)) });
    }
    return json(200, applicationView(app));
  }
  const code = validate(villageCode, event.pathParameters?.code);
  const { stage } = validate(stageQuery, event.queryStringParameters ?? {});
  if (!covers(code)) throw new HttpError('FORBIDDEN', '无权查看此村的申请');
  const items = await ctx.store.listApplications(code, stage);
  return json(200, { items: items.map(applicationView) });
};

export const handler = middy(staff).use(withLogger()).use(accessLog()).use(httpErrors());
