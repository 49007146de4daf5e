/** Webhook bodies of CONTRACT.md. The OpenAPI document is generated from these same schemas. */

import type { z } from 'zod';
import { literal, number, object, record, string } from 'zod';
import {
  applicationId,
  idNumber,
  mobile,
  personName,
  requestId,
  riskTypes,
  toFen,
  villageCode,
} from './common.ts';

/** 纳入监测申请 */
export const applicationRequest = object({
  requestId,
  village: villageCode,
  group: string({ error: '村民小组必填' })
    .trim()
    .min(1, '村民小组不能为空')
    .max(32, '村民小组不超过32个字符'),
  applicant: object({ name: personName, idNumber, phone: mobile }, { error: '申请人信息必填' }).strict(),
  reason: string({ error: '申请理由必填' })
    .trim()
    .min(2, '申请理由至少2个字')
    .max(2000, '申请理由不超过2000字'),
  riskTypes,
  declaredAnnualIncome: number({ error: '家庭年收入应为数字（元）' })
    .min(0, '家庭年收入不能为负数')
    .max(100_000_000, '家庭年收入数值过大')
    .transform(toFen),
  householdSize: number({ error: '家庭人口应为整数' })
    .int('家庭人口应为整数')
    .min(1, '家庭人口至少1人')
    .max(50, '家庭人口不超过50人'),
  callId: string().max(128, 'callId 不超过128个字符').optional(),
}).strict();
export type ApplicationRequest = z.infer<typeof applicationRequest>;

export const commitmentUrlRequest = object({ requestId }).strict();

/** 公示异议 */
export const objectionRequest = object({
  requestId,
  applicationId,
  objector: object({ name: personName, phone: mobile }, { error: '异议人信息必填' }).strict(),
  content: string({ error: '异议内容必填' })
    .trim()
    .min(2, '异议内容至少2个字')
    .max(2000, '异议内容不超过2000字'),
}).strict();
export type ObjectionRequest = z.infer<typeof objectionRequest>;

export const uploadInstructions = object({
  uploadUrl: string(),
  method: literal('PUT'),
  headers: record(string(), string()),
  expiresAt: string(),
});

export const applicationAccepted = object({
  applicationId: string(),
  stage: literal('AWAITING_COMMITMENT'),
  commitment: uploadInstructions,
});

export const objectionAccepted = object({ objectionId: string() });
