/**
 * Requests of the lead loop (docs/contract-leads.md): a department file's upload URL, a screening run
 * and the listing of a village's leads.
 */
import { array, discriminatedUnion, literal, object, string, union, enum as zEnum } from 'zod';
import { AREA_EVENT_KIND_CODES } from '#domain/area-event';
import { DEPARTMENT_CODES } from '#domain/department-extracts';
import { riskTypes, villageCode } from './common.ts';
import { householdIdParam } from './registry.ts';
import { applicationRequest } from './webhooks.ts';

export const districtCode = string({ error: '区县代码必填' }).regex(/^\d{6}$/, '区县代码应为6位');
export const screeningMonth = string({ error: '月份必填' })
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为YYYY-MM')
  .describe('the month the department data covers');

export const extractUploadRequest = object({
  month: screeningMonth,
  department: zEnum(DEPARTMENT_CODES, { error: `部门应为${DEPARTMENT_CODES.join('、')}之一` }),
}).strict();

export const screeningRequest = object({ month: screeningMonth }).strict();

export const leadQuery = object({
  status: zEnum(['OPEN', 'VERIFIED'], { error: '状态应为 OPEN 或 VERIFIED' }).optional(),
  month: screeningMonth.optional(),
}).strict();

export const leadId = string({ error: '线索编号必填' }).regex(
  /^\d{12}-(L\d{6}-[0-9a-f]{16}|E[0-9a-f]{22}|R\d{8}[0-9a-f]{12})$/,
  '线索编号格式不正确',
);

const text = (what: string) =>
  string({ error: `${what}必填` })
    .trim()
    .min(2, `${what}至少2个字`)
    .max(1000, `${what}不超过1000字`);

/** 核实结果: what the village found at the household, by outcome. */
export const leadVerification = discriminatedUnion(
  'outcome',
  [
    object({
      outcome: literal('AT_RISK'),
      findings: text('核实情况'),
      riskTypes,
      declaredAnnualIncome: applicationRequest.shape.declaredAnnualIncome,
      householdSize: applicationRequest.shape.householdSize,
    }).strict(),
    object({ outcome: literal('NO_RISK'), reason: text('无风险理由') }).strict(),
    object({ outcome: literal('EXCLUSION_CONFIRMED'), findings: text('核实情况') }).strict(),
    object({ outcome: literal('DATA_ERROR'), note: text('数据错误说明') }).strict(),
  ],
  { error: '核实结果应为 AT_RISK、NO_RISK、EXCLUSION_CONFIRMED 或 DATA_ERROR' },
);

/** 区域性风险事件: one per kind and date in a district. */
export const areaEventRequest = object({
  kind: zEnum(AREA_EVENT_KIND_CODES, { error: `事件类型应为${AREA_EVENT_KIND_CODES.join('、')}之一` }),
  villages: array(villageCode, { error: '涉及的村必填' })
    .min(1, '至少一个村')
    .max(500, '涉及的村过多')
    .refine((list) => new Set(list).size === list.length, '村代码不能重复'),
  occurredOn: string({ error: '发生日期必填' }).regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为YYYY-MM-DD'),
  description: text('事件描述'),
}).strict();

export const areaEventId = string({ error: '事件编号必填' }).regex(
  /^\d{6}-[A-Z_]{4,20}-\d{4}-\d{2}-\d{2}$/,
  '事件编号格式不正确',
);

export const areaEventClose = object({ summary: text('总结') }).strict();

/** 信访, 媒体舆情, third-party reports and insurance claims, entered by the township or the district. */
export const reportedLeadRequest = object({
  source: zEnum(['PETITION', 'MEDIA', 'HOTLINE_REPORT', 'INSURANCE'], {
    error: '来源应为 PETITION、MEDIA、HOTLINE_REPORT 或 INSURANCE',
  }),
  householdId: householdIdParam,
  description: text('反映内容'),
  grade: union([literal(1), literal(2), literal(3)], { error: '预警等级应为1、2或3' }).optional(),
}).strict();
