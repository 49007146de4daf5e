/**
 * The OpenAPI 3.1 document of CONTRACT.md, generated from the zod schemas the handlers use, so the
 * published contract and the validation cannot drift. `npm run openapi` writes `openapi.json`.
 */

import type { z } from 'zod';
import { array, object, string, toJSONSchema } from 'zod';
import { decisionRecorded, decisionRequest } from './approvals.ts';
import {
  areaProblemRequest,
  campaignRequest,
  exportRequest,
  inspectionRequest,
  problemAction,
} from './campaign.ts';
import {
  areaEventClose,
  areaEventRequest,
  extractUploadRequest,
  leadVerification,
  reportedLeadRequest,
  screeningRequest,
} from './leads.ts';
import { leadPaths } from './openapi-leads.ts';
import { errors, jsonBody, path, staffOp } from './openapi-parts.ts';
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
            ...errors(400, 401, 409, 413, 415, 429),
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
            ...errors(400, 401, 404, 409, 415),
          },
        },
      },
      '/webhooks/objections': {
        post: {
          summary: '公示异议',
          parameters: webhookHeaders,
          requestBody: jsonBody('ObjectionRequest'),
          responses: {
            '202': jsonResponse('accepted', 'ObjectionAccepted'),
            ...errors(400, 401, 404, 409, 415),
          },
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
      ...campaignPaths(),
      ...leadPaths(),
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
        InspectionRequest: schema(inspectionRequest),
        CampaignRequest: schema(campaignRequest),
        AreaProblemRequest: schema(areaProblemRequest),
        ProblemAction: schema(problemAction),
        ExportRequest: schema(exportRequest),
        ExtractUploadRequest: schema(extractUploadRequest),
        ScreeningRequest: schema(screeningRequest),
        LeadVerification: schema(leadVerification),
        AreaEventRequest: schema(areaEventRequest),
        AreaEventClose: schema(areaEventClose),
        ReportedLead: schema(reportedLeadRequest),
      },
    },
  };
}

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
          ...errors(400, 401, 404, 409, 415),
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
          ...errors(400, 401, 404, 409, 415),
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

/** The 集中排查 campaign (docs/contract-campaign.md). */
function campaignPaths() {
  const id = [path('id')];
  const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  return {
    '/webhooks/inspections': {
      post: {
        summary: '入户排查表（附件2）：一户一表；综合判定提请评议时发起纳入监测识别',
        parameters: webhookHeaders,
        requestBody: jsonBody('InspectionRequest'),
        responses: {
          '201': { description: '{"formId", "problemIds": [...], "review"?: <the application answer>}' },
          ...errors(400, 401, 404, 409, 415),
        },
      },
    },
    '/me': {
      get: staffOp('当前登录人员及所属乡镇', [], {
        '200': { description: '{personId, name, roles, township}' },
        ...errors(401, 403),
      }),
    },
    '/townships/{code}/campaigns': {
      get: staffOp('乡镇的集中排查', [path('code')], {
        '200': { description: '{"items": [campaign]}' },
        ...errors(400, 401, 403),
      }),
      post: staffOp(
        '组织集中排查（默认四个阶段按方案日期）',
        [path('code')],
        { '201': { description: 'campaign' }, ...errors(400, 401, 403, 404) },
        'CampaignRequest',
      ),
    },
    '/townships/{code}/pipeline': {
      get: staffOp('识别纳入进度：按村、按环节的申请数', [path('code')], {
        '200': { description: '{township, villages: [{village, name, stages}]}' },
        ...errors(400, 401, 403),
      }),
    },
    '/townships/{code}/messages': {
      get: staffOp(
        '未送达消息：重试中（RETRY）和发送失败（DEAD）的消息，手机号脱敏，不含个人链接',
        [path('code')],
        {
          '200': {
            description:
              '{items: [{messageId, kind, to: {personId?, name, phone (masked)}, text, hasLink, village, status, attempts, lastError, createdAt, updatedAt, nextAttemptAt?}]}',
          },
          ...errors(400, 401, 403),
        },
      ),
    },
    '/messages/{id}/resend': {
      post: staffOp('重新发送一条发送失败（DEAD）的消息', id, {
        '200': { description: 'the message, status PENDING' },
        ...errors(400, 401, 403, 404, 409),
      }),
    },
    '/campaigns/{id}': {
      get: staffOp('排查详情及阶段进度', id, {
        '200': { description: 'campaign' },
        ...errors(400, 401, 403, 404),
      }),
    },
    '/campaigns/{id}/problems': {
      get: staffOp('问题整改台账（筛选：status、category、unit、kind、overdue=1；分页：limit、cursor）', id, {
        '200': { description: '{"items": [problem], "cursor"?}' },
        ...errors(400, 401, 403, 404),
      }),
      post: staffOp(
        '登记面上问题（附件3-2）',
        id,
        { '201': { description: 'problem' }, ...errors(400, 401, 403, 404) },
        'AreaProblemRequest',
      ),
    },
    '/problems/{id}': {
      get: staffOp('台账问题详情', id, { '200': { description: 'problem' }, ...errors(400, 401, 403, 404) }),
    },
    '/problems/{id}/actions': {
      post: staffOp(
        '整改：plan（四项清单）、start、rectify（附佐证）、recheck（他人复核，通过销号，不通过退回）',
        id,
        { '200': { description: 'problem' }, ...errors(400, 401, 403, 404, 409) },
        'ProblemAction',
      ),
    },
    '/campaigns/{id}/close': {
      post: staffOp('结束排查：不再接收入户排查表，停止时限提醒', id, {
        '200': { description: 'campaign' },
        ...errors(400, 401, 403, 404, 409),
      }),
    },
    '/campaigns/{id}/summary': {
      get: staffOp('整改情况汇总表（附件4），由计数器读取', id, {
        '200': { description: '{rows, total, proposed, units}' },
        ...errors(400, 401, 403, 404),
      }),
    },
    '/campaigns/{id}/report': {
      get: staffOp('自查专题报告（可打印的 HTML）', id, {
        '200': { description: 'text/html' },
        ...errors(400, 401, 403, 404),
      }),
    },
    '/campaigns/{id}/exports': {
      post: staffOp(
        '导出附件2、3-1、3-2、4（后台生成 XLSX）',
        id,
        { '202': { description: 'export job' }, ...errors(400, 401, 403, 404) },
        'ExportRequest',
      ),
    },
    '/exports/{id}': {
      get: staffOp('导出状态；完成后含下载链接（15分钟有效）', id, {
        '200': { description: '{exportId, status, downloadUrl}' },
        ...errors(400, 401, 403, 404),
      }),
    },
    '/campaigns/{id}/inspections/template': {
      get: staffOp(
        '入户排查表模板（XLSX，每户一页）',
        [...id, { name: 'sheets', in: 'query', required: false, schema: { type: 'string' } }],
        { '200': { description: xlsx }, ...errors(400, 401, 403, 404) },
      ),
    },
    '/campaigns/{id}/inspections/import': {
      post: {
        summary: '上传填好的入户排查表（XLSX，每户一页）；任一页有误则全部不导入',
        security: [{ bearer: [] }],
        parameters: id,
        requestBody: {
          required: true,
          content: { [xlsx]: { schema: { type: 'string', format: 'binary' } } },
        },
        responses: {
          '200': {
            description:
              '{"sheets", "filed", "results": [{sheet, formId, problems, review?} | {sheet, error}]}; review as the webhook answers it when 综合判定② is ticked',
          },
          ...errors(400, 401, 403, 404),
        },
      },
    },
    '/console': {
      get: {
        summary: '乡镇工作台页面（数据经工作人员接口读取）',
        responses: { '200': { description: 'text/html' } },
      },
    },
  };
}
