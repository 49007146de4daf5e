/**
 * Requests of the lead loop (docs/contract-leads.md): a department file's upload URL, a screening run
 * and the listing of a village's leads.
 */
import { object, string, enum as zEnum } from 'zod';
import { DEPARTMENT_CODES } from '#domain/department-extracts';

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
