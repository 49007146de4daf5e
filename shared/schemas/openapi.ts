/**
 * The OpenAPI 3.1 document of CONTRACT.md, generated from the zod schemas the handlers use, so the
 * published contract and the validation cannot drift. `npm run openapi` writes `openapi.json`.
 */

import type { z } from 'zod';
import { array, object, string, toJSONSchema } from 'zod';
import { decisionRecorded, decisionRequest } from './approvals.ts';
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
      },
    },
  };
}
