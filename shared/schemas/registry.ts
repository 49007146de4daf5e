/**
 * Requests about monitoring households: registry rows, assistance measures, visits, grids, contact
 * persons, elimination proposals and green-channel grants. Codes are those of DOMAIN.md; an import
 * file may also carry the Chinese labels.
 */
import { array, boolean, number, object, string, enum as zEnum } from 'zod';
import { MEASURE_STATUSES, MEASURE_TYPE_CODES } from '#domain/assistance';
import { ELIMINATION_WAYS } from '#domain/elimination';
import { EMPLOYMENT, HEALTH, LABOUR, RELATIONS, SCHOOLING } from '#domain/household';
import { HOUSEHOLD_TYPES, RISK_TYPE_CODES } from '#domain/risk-types';
import { VISIT_KINDS } from '#domain/visits';
import { idNumber, mobile, personName, requestId, toFen, villageCode } from './common.ts';

const codes = <T extends Record<string, string>>(labels: T) => Object.keys(labels) as [keyof T & string];

const isoDate = string({ error: '日期必填' }).regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为YYYY-MM-DD');
const yuan = number({ error: '金额必填' })
  .min(0, '金额不能为负')
  .max(100_000_000, '金额过大')
  .transform(toFen);
const year = number({ error: '年度必填' }).int('年度应为整数').min(2013, '年度过早').max(2100, '年度过晚');

export const member = object({
  name: personName,
  idNumber,
  relation: zEnum(codes(RELATIONS), { error: '与户主关系不正确' }),
  health: zEnum(codes(HEALTH), { error: '健康状况不正确' }),
  labour: zEnum(codes(LABOUR), { error: '劳动能力不正确' }),
  schooling: zEnum(codes(SCHOOLING), { error: '在校情况不正确' }),
  employment: zEnum(codes(EMPLOYMENT), { error: '务工情况不正确' }),
  medicalInsurance: boolean({ error: '是否参加医保必填' }),
  pensionInsurance: boolean({ error: '是否参加养老保险必填' }),
  minimumLiving: boolean({ error: '是否享受低保必填' }),
  extremePoverty: boolean({ error: '是否特困供养必填' }),
}).strict();

export const yearIncome = object({
  year,
  wages: yuan,
  business: yuan,
  property: yuan,
  transfers: yuan,
  businessExpenses: yuan,
}).strict();

export const householdTypeCode = zEnum(codes(HOUSEHOLD_TYPES), { error: '户类型不正确' });

/** 户 as the staff API edits it. */
export const householdUpdate = object({
  group: string().max(32).optional(),
  householdType: householdTypeCode,
  phone: mobile,
  members: array(member).min(1, '至少登记一名家庭成员').max(30, '家庭成员过多'),
  incomes: array(yearIncome).max(20),
}).strict();

export const measureInput = object({
  measureId: string()
    .regex(/^[A-Za-z0-9_-]{4,40}$/, '措施编号格式不正确')
    .optional(),
  type: zEnum(MEASURE_TYPE_CODES, { error: '未知的帮扶措施类型' }),
  memberIdNumber: idNumber.optional(),
  content: string({ error: '措施内容必填' }).trim().min(2, '措施内容过短').max(500, '措施内容不超过500字'),
  responsible: object({
    name: personName,
    unit: string().max(64, '责任单位不超过64字').optional(),
  }).strict(),
  startsOn: isoDate,
  status: zEnum(codes(MEASURE_STATUSES), { error: '措施状态不正确' }),
  outcome: string().max(500, '帮扶成效不超过500字').optional(),
  amount: yuan.optional(),
}).strict();

/** `POST /webhooks/measures`: a cadre records (or updates, by measureId) one measure. */
export const measureRequest = object({
  requestId,
  householdId: string({ error: '户编号必填' }).regex(/^\d{12}-[0-9a-f]{40}$/, '户编号格式不正确'),
  year,
  measure: measureInput,
}).strict();

/** `PUT /households/{id}/plans/{year}`: the whole plan, conditional on the version read. */
export const planUpdate = object({
  version: number().int().min(0).optional().describe('the version read; absent for a new plan'),
  measures: array(measureInput).max(60, '措施过多'),
}).strict();

/** `POST /webhooks/visits` */
export const visitRequest = object({
  requestId,
  householdId: string({ error: '户编号必填' }).regex(/^\d{12}-[0-9a-f]{40}$/, '户编号格式不正确'),
  visitorPersonId: string({ error: '走访人必填' }).min(1).max(64),
  kind: zEnum(codes(VISIT_KINDS), { error: '走访类型不正确' }).default('FOLLOW_UP'),
  visitedOn: isoDate,
  findings: string({ error: '走访情况必填' }).trim().min(2, '走访情况过短').max(2000, '走访情况不超过2000字'),
  newRiskTypes: array(zEnum(RISK_TYPE_CODES, { error: '未知的风险类型' }))
    .max(5)
    .default([]),
  /** 风险再标注 of a 风险消除 household: what the applicant reports */
  reason: string().max(500).optional(),
}).strict();

export const gridRequest = object({
  name: string({ error: '网格名称必填' }).trim().min(1).max(32, '网格名称不超过32字'),
  members: array(string().min(1).max(64)).min(1, '网格至少有一名网格员').max(50),
}).strict();

export const gridId = string({ error: '网格必填' }).regex(/^[A-Za-z0-9_-]{1,40}$/, '网格编号格式不正确');

/** `PUT /households/{id}/contact` */
export const contactRequest = object({
  gridId,
  contactPersonId: string({ error: '帮扶联系人必填' }).min(1).max(64),
  reason: string({ error: '调整原因必填' }).trim().min(2, '请说明调整原因').max(200),
  responsiblePerson: object({ name: personName, phone: mobile.optional(), unit: string().max(64).optional() })
    .strict()
    .optional(),
}).strict();

/** `POST /households/{id}/elimination`: the 村两委's proposal (风险消除). */
export const eliminationRequest = object({
  way: zEnum(codes(ELIMINATION_WAYS), { error: '消除方式应为 ASSISTED（帮扶消除）或 NATURAL（自然消除）' }),
  incomeAboveLineSince: string({ error: '收入稳定超过监测范围的起始年月必填' }).regex(
    /^\d{4}-\d{2}$/,
    '年月格式应为YYYY-MM',
  ),
  rigidExpensesSettled: boolean({ error: '大额刚性支出是否解决必填' }),
  compulsoryEducationSecure: boolean({ error: '义务教育是否保障必填' }),
  basicMedicalSecure: boolean({ error: '基本医疗是否保障必填' }),
  housingSecure: boolean({ error: '住房安全是否保障必填' }),
  drinkingWaterSecure: boolean({ error: '饮水安全是否保障必填' }),
  comment: string().max(500).optional(),
}).strict();

/** `POST /applications/{id}/green-channel` (绿色通道) */
export const greenChannelRequest = object({
  reason: string({ error: '先行帮扶原因必填' }).trim().min(2).max(500),
  measures: array(
    object({
      type: zEnum(MEASURE_TYPE_CODES, { error: '未知的帮扶措施类型' }),
      content: string().trim().min(2).max(200),
      amount: yuan.optional(),
    }).strict(),
  )
    .min(1, '至少一项先行帮扶措施')
    .max(10),
}).strict();

export const householdIdParam = string({ error: '户编号必填' }).regex(
  /^\d{12}-[0-9a-f]{40}$/,
  '户编号格式不正确',
);
export const yearParam = string()
  .regex(/^\d{4}$/, '年度格式不正确')
  .transform(Number);
export { villageCode };
