import { object, enum as zEnum } from 'zod';
import { listVillageApplications, readApplication, readApplicationAudit } from '#cases/identification/reads';
import { STAGES } from '#domain/stages';
import { validate } from '#http/body';
import { json } from '#http/responses';
import type { Routes, StaffRequest } from '#http/router';
import { applicationId, villageCode } from '#schemas/common';

const stageQuery = object({ stage: zEnum(STAGES, { error: '未知的阶段' }).optional() });

export const routes: Routes<StaffRequest> = {
  'GET /applications/{id}': async (_, { ctx, caller, params }) =>
    json(200, await readApplication(ctx, caller, validate(applicationId, params.id))),
  'GET /applications/{id}/audit': async (_, { ctx, caller, params }) =>
    json(200, await readApplicationAudit(ctx, caller, validate(applicationId, params.id))),
  'GET /villages/{code}/applications': async (event, { ctx, caller, params }) => {
    const code = validate(villageCode, params.code);
    const { stage } = validate(stageQuery, event.queryStringParameters ?? {});
    return json(200, await listVillageApplications(ctx, caller, code, stage));
  },
};
