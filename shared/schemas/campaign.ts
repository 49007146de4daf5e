/**
 * Requests of the 集中排查 campaign: the campaign itself, the 入户排查表 (annex 2) from the cadres'
 * mini-program, area problems (annex 3-2), actions on a ledger line, and exports.
 */
import { array, boolean, number, object, string, enum as zEnum } from 'zod';
import { PROBLEM_STATUSES } from '#domain/rectification';
import { MAX_RISK_TYPES, RISK_TYPE_CODES } from '#domain/risk-types';
import { idNumber, mobile, personName, requestId, toFen, villageCode } from './common.ts';

const isoDate = string({ error: '日期必填' }).regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为YYYY-MM-DD');
export const campaignId = string({ error: '排查编号必填' }).regex(
  /^\d{9}-\d{4}-[0-9A-Z]{4}$/,
  '排查编号格式不正确',
);
export const problemId = string({ error: '问题编号必填' }).regex(
  /^\d{9}-\d{4}-[0-9A-Z]{4}\.P[0-9A-Za-z]{6,30}$/,
  '问题编号格式不正确',
);
export const exportId = string({ error: '导出编号必填' }).regex(
  /^\d{9}-\d{4}-[0-9A-Z]{4}\.X[0-9A-Za-z]{6,30}$/,
  '导出编号格式不正确',
);
export const townshipCode = string({ error: '乡镇代码必填' }).regex(/^\d{9}$/, '乡镇代码应为9位');

const phase = object({
  key: zEnum(['MOBILIZATION', 'FIELD_INSPECTION', 'RECTIFICATION', 'SUMMARY'], { error: '未知的阶段' }),
  from: isoDate,
  to: isoDate,
}).strict();

/** `POST /townships/{code}/campaigns` */
export const campaignRequest = object({
  name: string({ error: '排查名称必填' }).trim().min(2, '排查名称过短').max(60, '排查名称不超过60字'),
  year: number({ error: '年度必填' }).int().min(2021, '年度过早').max(2100, '年度过晚'),
  villages: array(villageCode).min(1).max(500).optional().describe('default: every village of the township'),
  phases: array(phase)
    .length(4, '应有四个阶段')
    .optional()
    .describe("default: the seed's dates in that year"),
}).strict();

const tickedItem = object({
  category: number({ error: '排查类型序号必填' }).int('排查类型序号应为整数'),
  item: number({ error: '排查内容序号必填' }).int('排查内容序号应为整数'),
  problem: string({ error: '排查问题必填' }).max(500, '排查问题不超过500字'),
}).strict();

/** `POST /webhooks/inspections`: one household's 入户排查表. */
export const inspectionRequest = object({
  requestId,
  campaignId,
  village: villageCode,
  group: string({ error: '组必填' }).trim().min(1).max(32),
  householdType: zEnum(['LIFTED', 'MARGINAL', 'ORDINARY'], {
    error: '户类型应为 LIFTED、MARGINAL 或 ORDINARY',
  }),
  head: object({ name: personName, idNumber, phone: mobile }).strict(),
  householdSize: number().int().min(1, '家庭人口应为正整数').max(30).optional(),
  items: array(tickedItem, { error: '排查项必填' }).max(40, '排查项过多'),
  judgement: object({
    suspectedRisk: boolean({ error: '是否疑似存在返贫致贫风险必填' }),
    proposeReview: boolean({ error: '是否纳入监测对象评议必填' }),
    reason: string().max(500).optional(),
    riskTypes: array(zEnum(RISK_TYPE_CODES, { error: '未知的风险类型' }))
      .min(1)
      .max(MAX_RISK_TYPES)
      .optional(),
    declaredAnnualIncome: number().min(0).max(100_000_000).transform(toFen).optional(),
  })
    .strict()
    .refine((j) => !j.proposeReview || (j.riskTypes && j.reason && j.declaredAnnualIncome !== undefined), {
      message: '提请纳入监测评议须填写风险类型、理由和家庭年纯收入',
      path: ['proposeReview'],
    }),
  inspectorPersonId: string({ error: '排查人必填' }).min(1).max(64),
})
  .strict()
  .refine((f) => !f.judgement.proposeReview || f.householdSize !== undefined, {
    message: '提请纳入监测评议须填写家庭人口',
    path: ['householdSize'],
  });

const responsible = object({
  name: personName,
  unit: string({ error: '责任单位必填' }).trim().min(2, '责任单位必填').max(64),
  personId: string().max(64).optional(),
}).strict();

/** `POST /campaigns/{id}/problems`: a 面上问题 (annex 3-2). */
export const areaProblemRequest = object({
  level: zEnum(['COUNTY', 'TOWNSHIP', 'VILLAGE'], { error: '面上问题层级应为 COUNTY、TOWNSHIP 或 VILLAGE' }),
  village: villageCode.optional().describe('required for a VILLAGE-level problem'),
  category: number({ error: '问题类型必填' }).int().min(1, '问题类型应为1–12').max(12, '问题类型应为1–12'),
  item: number().int().min(1).max(11).optional(),
  content: string({ error: '具体内容必填' }).trim().min(2, '具体内容过短').max(500),
  measure: string({ error: '整改措施必填' }).trim().min(2, '整改措施过短').max(500),
  responsible,
  deadline: isoDate,
}).strict();

/** `POST /problems/{id}/actions`: one step of the lifecycle, or the 四项清单 set. */
export const problemAction = object({
  action: zEnum(['plan', 'start', 'rectify', 'recheck'], {
    error: '操作应为 plan、start、rectify 或 recheck',
  }),
  measure: string().trim().min(2).max(500).optional(),
  responsible: responsible.optional(),
  deadline: isoDate.optional(),
  evidence: string().trim().min(2, '整改佐证过短').max(1000).optional(),
  outcome: string().trim().max(500).optional(),
  passed: boolean().optional(),
  comment: string().trim().max(500).optional(),
  version: number({ error: 'version 必填' }).int().min(1),
})
  .strict()
  .refine((a) => a.action !== 'plan' || a.measure || a.responsible || a.deadline, {
    message: '请填写整改措施、责任或时限',
    path: ['measure'],
  })
  .refine((a) => a.action !== 'rectify' || a.evidence, {
    message: '整改完成须附整改佐证',
    path: ['evidence'],
  })
  .refine((a) => a.action !== 'recheck' || a.passed !== undefined, {
    message: '复核须给出结论',
    path: ['passed'],
  })
  .refine((a) => a.action !== 'recheck' || a.passed || a.comment, {
    message: '复核未通过须说明原因',
    path: ['comment'],
  });

/** `POST /campaigns/{id}/exports` */
export const exportRequest = object({
  kind: zEnum(['annex2', 'annex3-1', 'annex3-2', 'annex4'], {
    error: '导出类型应为 annex2、annex3-1、annex3-2 或 annex4',
  }),
}).strict();

export const problemQuery = object({
  status: string()
    .regex(/^[A-Z_]+(,[A-Z_]+){0,3}$/, '状态格式不正确（至多4个，以逗号分隔）')
    .refine((s) => s.split(',').every((v) => v in PROBLEM_STATUSES), '未知的状态')
    .optional(),
  category: string()
    .regex(/^\d{1,2}$/, '问题类型格式不正确')
    .transform(Number)
    .optional(),
  unit: string()
    .regex(/^\d{6,12}$/, '单位代码格式不正确')
    .optional(),
  kind: zEnum(['HOUSEHOLD', 'AREA']).optional(),
  overdue: zEnum(['1', 'true']).optional(),
  limit: string()
    .regex(/^\d{1,4}$/, 'limit 应为1–1000的整数')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 1000, 'limit 应为1–1000的整数')
    .optional(),
  cursor: string().max(2000).optional(),
}).strict();
