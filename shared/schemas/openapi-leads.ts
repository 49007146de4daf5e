/** 风险线索 and 部门筛查预警 (docs/contract-leads.md), as OpenAPI paths. */
import { errors, path, staffOp } from './openapi-parts.ts';

/** 风险线索 and 部门筛查预警 (docs/contract-leads.md). */
export function leadPaths() {
  const code = [path('code')];
  return {
    '/districts/{code}/extracts': {
      post: staffOp(
        '部门数据上传地址：某月某部门的文件（CSV 或 XLSX），同月同部门以最后一次上传为准',
        code,
        {
          '201': { description: '{district, month, department, departmentName, upload}' },
          ...errors(400, 401, 403),
        },
        'ExtractUploadRequest',
      ),
    },
    '/districts/{code}/screenings': {
      post: staffOp(
        '运行部门筛查：比对当月已上传的部门数据，生成风险线索（同样的文件再运行不产生新线索）',
        code,
        {
          '200': { description: 'the run: {district, month, departments, leads, alreadyRaised, …}' },
          ...errors(400, 401, 403, 404),
        },
        'ScreeningRequest',
      ),
    },
    '/districts/{code}/screenings/{month}': {
      get: staffOp('某月部门筛查结果', [path('code'), path('month')], {
        '200': { description: 'the run' },
        ...errors(400, 401, 403, 404),
      }),
    },
    '/districts/{code}/screenings/{month}/feedback': {
      get: staffOp('预警信息核实反馈表（XLSX）：当月线索及各村核实结果', [path('code'), path('month')], {
        '200': {
          description: 'file',
          content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {} },
        },
        ...errors(400, 401, 403),
      }),
    },
    '/districts/{code}/area-events': {
      post: staffOp(
        '认定区域性风险事件：所列各村每户一条核实线索（同一类型同一日期为同一事件，再次认定只补缺）',
        code,
        { '201': { description: 'the event' }, ...errors(400, 401, 403, 409) },
        'AreaEventRequest',
      ),
    },
    '/districts/{code}/area-events/{id}': {
      get: staffOp('区域性风险事件及各村核实进度', [path('code'), path('id')], {
        '200': { description: 'the event with progress per village' },
        ...errors(400, 401, 403, 404),
      }),
    },
    '/districts/{code}/area-events/{id}/close': {
      post: staffOp(
        '结束区域性风险事件（全部核实后），附总结',
        [path('code'), path('id')],
        { '200': { description: 'the event, closed' }, ...errors(400, 401, 403, 404, 409) },
        'AreaEventClose',
      ),
    },
    '/lead-links/{village}': {
      get: {
        summary: '村干部核实链接：本村待核实的风险线索（GET 不做任何改动）',
        parameters: [path('village'), { name: 't', in: 'query', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'zh-CN page, or JSON with Accept: application/json' },
          ...errors(403, 410),
        },
      },
      post: {
        summary: '通过核实链接登记一条线索的核实结果',
        parameters: [path('village'), { name: 't', in: 'query', required: true, schema: { type: 'string' } }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                allOf: [
                  { $ref: '#/components/schemas/LeadVerification' },
                  { type: 'object', required: ['leadId'], properties: { leadId: { type: 'string' } } },
                ],
              },
            },
          },
        },
        responses: {
          '200': { description: '{leadId, status, verification}' },
          ...errors(400, 403, 404, 409, 410),
        },
      },
    },
    '/leads/{id}/verification': {
      post: staffOp(
        '登记风险线索核实结果（本村村干部，一条线索核实一次）',
        [path('id')],
        { '200': { description: 'the lead, verified' }, ...errors(400, 401, 403, 404, 409) },
        'LeadVerification',
      ),
    },
    '/villages/{code}/leads': {
      get: staffOp(
        '本村风险线索（按核实期限排序）',
        [
          path('code'),
          {
            name: 'status',
            in: 'query',
            required: false,
            schema: { type: 'string', enum: ['OPEN', 'VERIFIED'] },
          },
          { name: 'month', in: 'query', required: false, schema: { type: 'string' } },
        ],
        { '200': { description: '{"items": [lead]}' }, ...errors(400, 401, 403) },
      ),
      post: staffOp(
        '登记信访、媒体舆情、第三方反映或防返贫保险理赔线索（乡镇、区级）',
        code,
        { '201': { description: 'the lead' }, ...errors(400, 401, 403) },
        'ReportedLead',
      ),
    },
  };
}
