/**
 * Requests of the lead loop (docs/contract-leads.md): a department file's upload URL, a screening run
 * and the listing of a village's leads.
 */
import { discriminatedUnion, literal, object, string, enum as zEnum } from 'zod';
import { DEPARTMENT_CODES } from '#domain/department-extracts';
import { riskTypes } from './common.ts';
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
  /^\d{12}-L\d{6}-[0-9a-f]{16}$/,
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
