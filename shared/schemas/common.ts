/**
 * Field schemas shared by every request: one definition of an ID number, a phone, a village code.
 * Messages are Chinese and name the field, because a hotline operator reads them.
 */
import { array, config, NEVER, string, enum as zEnum } from 'zod';
import zhCN from 'zod/v4/locales/zh-CN.js';
import { checkIdNumber } from '#domain/id-number';
import { normalizeMobile } from '#domain/phone';
import { MAX_RISK_TYPES, RISK_TYPE_CODES } from '#domain/risk-types';

config(zhCN());

export const requestId = string({ error: 'requestId 必填' })
  .min(8, 'requestId 长度应为8–64个字符')
  .max(64, 'requestId 长度应为8–64个字符')
  .describe('Idempotency key chosen by the caller (8–64 characters)');

export const idNumber = string({ error: '身份证号码必填' })
  .transform((value, ctx) => {
    const check = checkIdNumber(value);
    if (!check.valid) {
      ctx.addIssue({ code: 'custom', message: check.reason });
      return NEVER;
    }
    return check.normalized;
  })
  .describe('居民身份证号码 (GB 11643-1999), 18 characters');

export const mobile = string({ error: '手机号码必填' })
  .transform((value, ctx) => {
    const normalized = normalizeMobile(value);
    if (!normalized) {
      ctx.addIssue({ code: 'custom', message: '手机号码格式不正确' });
      return NEVER;
    }
    return normalized;
  })
  .describe('Mobile number, ^1[3-9]\\d{9}$, optional +86');

export const personName = string({ error: '姓名必填' })
  .trim()
  .min(1, '姓名不能为空')
  .max(32, '姓名不超过32个字符')
  .refine((name) => !/[\r\n\t]/.test(name), '姓名不能含换行或制表符')
  // zero-width spaces, joiners and the BOM show nothing: a name of only those is no name
  .refine(
    (name) => name.replace(/[\s\u200B-\u200D\u2060\uFEFF\u00AD\u180E]/g, '') !== '',
    '姓名不能只有不可见字符',
  );

export const villageCode = string({ error: '村代码必填' })
  .regex(/^\d{12}$/, '村代码应为12位统计用区划代码')
  .describe('12-digit 统计用区划代码 of the village');

export const riskTypes = array(zEnum(RISK_TYPE_CODES, { error: '未知的风险类型' }), { error: '风险类型必填' })
  .min(1, '至少选择一种风险类型')
  .max(MAX_RISK_TYPES, `风险类型最多${MAX_RISK_TYPES}种`)
  .refine((list) => new Set(list).size === list.length, '风险类型不能重复')
  .describe('致贫返贫风险 codes of DOMAIN.md, at most 5');

export const applicationId = string({ error: '申请编号必填' }).regex(
  /^\d{12}-[0-9A-Za-z]{10,40}$/,
  '申请编号格式不正确',
);

/**
 * An amount in 元, kept to the fen: rounded to two decimals, so a value DynamoDB cannot store (a
 * magnitude below 1e-130, such as 1e-320) becomes 0 instead of failing the write.
 */
export const toFen = (yuan: number): number => Math.round(yuan * 100) / 100;
