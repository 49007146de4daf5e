/**
 * The OpenAPI 3.1 document of CONTRACT.md, generated from the zod schemas the handlers use, so the
 * published contract and the validation cannot drift. `npm run openapi` writes `openapi.json`.
 */

import type { z } from 'zod';
import { array, object, string, toJSONSchema } from 'zod';
import { decisionRecorded, decisionRequest } from './approvals.ts';
import {
  contactRequest,
  eliminationRequest,
  greenChannelRequest,
  gridRequest,
  householdUpdate,
  measureRequest,
  planUpdate,
  visitRequest,
} from './registry.ts';
import {
  applicationAccepted,
  applicationRequest,
  commitmentUrlRequest,
  objectionAccepted,
  objectionRequest,
  uploadInstructions,
} from './webhooks.ts';

const schema = (s: z.ZodType) =>
  toJSONSchema(s, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });

const error = object({
  error: object({
    code: string(),
    message: string(),
    fields: array(object({ path: string(), message: string() })).optional(),
  }),
});

const webhookHeaders = [
  {
    name: 'x-fangfan-channel',
    in: 'header',
    required: true,
    schema: { type: 'string', enum: ['hotline', 'mini-program'] },
  },
  {
    name: 'x-fangfan-timestamp',
    in: 'header',
    required: true,
    schema: { type: 'string', description: 'unix seconds, within 300 s' },
  },
  {
    name: 'x-fangfan-nonce',
    in: 'header',
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' },
  },
  {
    name: 'x-fangfan-signature',
    in: 'header',
    required: true,
    schema: { type: 'string', description: 'lowercase hex HMAC-SHA256 of "<timestamp>.<nonce>.<raw body>"' },
  },
];

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: 'error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );

const jsonBody = (ref: string) => ({
  required: true,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});
const jsonResponse = (description: string, ref: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fangfan 防返 API',
      version: '1.0.0',
      description: '防止返贫动态监测和帮扶：webhooks, approval links and staff API (CONTRACT.md).',
    },
    paths: {
      '/webhooks/applications': {
        post: {
          summary: '纳入监测申请',
          parameters: webhookHeaders,
          requestBody: jsonBody('ApplicationRequest'),
          responses: {
            '202': jsonResponse('accepted', 'ApplicationAccepted'),
            ...errors(400, 401, 409, 413, 429),
          },
        },
      },
      '/webhooks/applications/{id}/commitment-url': {
        post: {
          summary: '重新获取承诺书上传地址',
          parameters: [
            ...webhookHeaders,
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          ],
          requestBody: jsonBody('CommitmentUrlRequest'),
          responses: {
            '200': {
              description: 'upload URL',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      applicationId: { type: 'string' },
                      commitment: { $ref: '#/components/schemas/UploadInstructions' },
                    },
                  },
                },
              },
            },
            ...errors(400, 401, 404, 409),
          },
        },
      },
      '/webhooks/objections': {
        post: {
          summary: '公示异议',
          parameters: webhookHeaders,
          requestBody: jsonBody('ObjectionRequest'),
          responses: { '202': jsonResponse('accepted', 'ObjectionAccepted'), ...errors(400, 401, 404, 409) },
        },
      },
      '/approvals/{id}': {
        get: {
          summary: '审批页面（GET 不做任何改动）',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 't', in: 'query', required: true, schema: { type: 'string' } },
          ],
          responses: {
            '200': { description: 'zh-CN page, or JSON with Accept: application/json' },
            ...errors(403, 410),
          },
        },
        post: {
          summary: '提交审批决定',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 't', in: 'query', required: true, schema: { type: 'string' } },
          ],
          requestBody: jsonBody('DecisionRequest'),
          responses: { '200': jsonResponse('recorded', 'DecisionRecorded'), ...errors(400, 403, 409, 410) },
        },
      },
      '/applications/{id}': {
        get: {
          summary: '申请详情（工作人员）',
          security: [{ bearer: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'application' }, ...errors(401, 403, 404) },
        },
      },
      '/applications/{id}/audit': {
        get: {
          summary: '申请的审计记录（工作人员）',
          security: [{ bearer: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: '{"items": [{action, by, at, detail}]}' },
            ...errors(401, 403, 404),
          },
        },
      },
      '/villages/{code}/applications': {
        get: {
          summary: '村内申请列表（工作人员）',
          security: [{ bearer: [] }],
          parameters: [
            { name: 'code', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'stage', in: 'query', required: false, schema: { type: 'string' } },
          ],
          responses: { '200': { description: '{"items": [...]}' }, ...errors(400, 401, 403) },
        },
      },
      ...monitoringPaths(),
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        ApplicationRequest: schema(applicationRequest),
        ApplicationAccepted: schema(applicationAccepted),
        UploadInstructions: schema(uploadInstructions),
        CommitmentUrlRequest: schema(commitmentUrlRequest),
        ObjectionRequest: schema(objectionRequest),
        ObjectionAccepted: schema(objectionAccepted),
        DecisionRequest: schema(decisionRequest),
        DecisionRecorded: schema(decisionRecorded),
        Error: schema(error),
        MeasureRequest: schema(measureRequest),
        VisitRequest: schema(visitRequest),
        HouseholdUpdate: schema(householdUpdate),
        PlanUpdate: schema(planUpdate),
        GridRequest: schema(gridRequest),
        ContactRequest: schema(contactRequest),
        EliminationRequest: schema(eliminationRequest),
        GreenChannelRequest: schema(greenChannelRequest),
      },
    },
  };
}

const path = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const staffOp = (
  summary: string,
  parameters: unknown[],
  responses: Record<string, unknown>,
  body?: string,
) => ({
  summary,
  security: [{ bearer: [] }],
  parameters,
  ...(body ? { requestBody: jsonBody(body) } : {}),
  responses,
});

/** Monitoring households after activation (README, "Monitoring households"). */
function monitoringPaths() {
  const household = [path('id')];
  return {
    '/webhooks/measures': {
      post: {
        summary: '登记帮扶措施（一户一方案、一人一措施）；measureId 已存在时更新该措施',
        parameters: webhookHeaders,
        requestBody: jsonBody('MeasureRequest'),
        responses: {
          '200': { description: '{"measureId", "planVersion", "warnings": [{rule, message}]}' },
          ...errors(400, 401, 404, 409),
        },
      },
    },
    '/webhooks/visits': {
      post: {
        summary: '登记跟踪走访；风险消除户发现新风险时自动发起风险再标注',
        parameters: webhookHeaders,
        requestBody: jsonBody('VisitRequest'),
        responses: {
          '201': {
            description: '{"visitId", "householdId", "remarking"?: {applicationId, stage, commitment}}',
          },
          ...errors(400, 401, 404, 409),
        },
      },
    },
    '/households/import': {
      post: {
        summary: '批量导入户籍（CSV 或 XLSX，每行一名成员）；任一行有误则整体不导入',
        security: [{ bearer: [] }],
        requestBody: {
          required: true,
          content: {
            'text/csv': { schema: { type: 'string' } },
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
              schema: { type: 'string', format: 'binary' },
            },
          },
        },
        responses: {
          '200': { description: '{"importId", "households", "members", "villages"}' },
          ...errors(400, 401, 403, 413),
        },
      },
    },
    '/villages/{code}/households': {
      get: staffOp('村内户籍及监测状态', [path('code')], {
        '200': { description: '{"items": [household]}' },
        ...errors(400, 401, 403),
      }),
    },
    '/villages/{code}/grids': {
      get: staffOp('村内网格', [path('code')], {
        '200': { description: '{"items": [grid]}' },
        ...errors(400, 401, 403),
      }),
    },
    '/villages/{code}/grids/{gridId}': {
      put: staffOp(
        '保存网格及网格员',
        [path('code'), path('gridId')],
        { '200': { description: 'grid' }, ...errors(400, 401, 403, 404) },
        'GridRequest',
      ),
    },
    '/villages/{code}/visits/overdue': {
      get: staffOp('走访超期的监测户', [path('code')], {
        '200': {
          description:
            '{"items": [{householdId, followUpOverdue, overdueDays, concentratedOverdue, nextVisitOn}]}',
        },
        ...errors(400, 401, 403),
      }),
    },
    '/households/{id}': {
      get: staffOp('户详情：成员、收入与监测范围、一致性检查、监测状态、本年度帮扶计划', household, {
        '200': { description: 'household' },
        ...errors(400, 401, 403, 404),
      }),
      put: staffOp(
        '修改户籍信息（不含监测状态）',
        household,
        { '200': { description: 'household' }, ...errors(400, 401, 403, 404, 409) },
        'HouseholdUpdate',
      ),
    },
    '/households/{id}/audit': {
      get: staffOp('户的审计记录', household, {
        '200': { description: '{"items": [{action, by, at, detail}]}' },
        ...errors(401, 403, 404),
      }),
    },
    '/households/{id}/visits': {
      get: staffOp('走访记录', household, {
        '200': { description: '{"items": [visit]}' },
        ...errors(401, 403, 404),
      }),
    },
    '/households/{id}/plans/{year}': {
      get: staffOp('年度帮扶计划及提示', [path('id'), path('year')], {
        '200': { description: 'plan with warnings' },
        ...errors(400, 401, 403, 404),
      }),
      put: staffOp(
        '修改年度帮扶计划（按读取时的 version 条件写入）',
        [path('id'), path('year')],
        { '200': { description: 'plan with warnings' }, ...errors(400, 401, 403, 404, 409) },
        'PlanUpdate',
      ),
    },
    '/households/{id}/contact': {
      put: staffOp(
        '指定或调整网格与帮扶联系人（记录原因）',
        household,
        { '200': { description: 'household' }, ...errors(400, 401, 403, 404, 409) },
        'ContactRequest',
      ),
    },
    '/households/{id}/elimination': {
      post: staffOp(
        '村两委提议风险消除；不符合条件时 422 NOT_ELIGIBLE（整户无劳动能力为暂不标注）',
        household,
        { '202': { description: '{"caseId", "stage", "check"}' }, ...errors(400, 401, 403, 404, 409, 422) },
        'EliminationRequest',
      ),
    },
    '/applications/{id}/green-channel': {
      post: staffOp(
        '绿色通道：乡镇先行帮扶突发严重困难户',
        [path('id')],
        { '200': { description: 'application' }, ...errors(400, 401, 403, 404, 409) },
        'GreenChannelRequest',
      ),
    },
    '/districts/{code}/system-entry-batch': {
      get: staffOp(
        '全国系统录入批次：区内待录入的全部案件（XLSX 或 CSV）',
        [
          path('code'),
          { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['xlsx', 'csv'] } },
        ],
        { '200': { description: 'file' }, ...errors(400, 401, 403) },
      ),
    },
  };
}
