/** Configuration that districts add without a release: holiday data of a new year, the directory. */

import type { z } from 'zod';
import { array, object, string, enum as zEnum } from 'zod';
import { ROLES } from '#domain/stages';
import { mobile, personName } from './common.ts';

const date = string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为YYYY-MM-DD');

/** 国务院办公厅关于某年部分节假日安排的通知: days off that are not weekends, weekend days worked. */
export const calendarYear = object({
  year: string().regex(/^\d{4}$/, '年份应为4位数字'),
  holidays: array(date).max(60, '放假日期过多'),
  workdays: array(date).max(20, '调休上班日期过多'),
})
  .strict()
  .superRefine((body, ctx) => {
    for (const key of ['holidays', 'workdays'] as const) {
      body[key].forEach((day, index) => {
        if (!day.startsWith(`${body.year}-`) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
          ctx.addIssue({ code: 'custom', path: [key, index], message: `日期应为${body.year}年内的有效日期` });
        }
      });
    }
  });
export type CalendarYear = z.infer<typeof calendarYear>;

export const directory = object({
  district: object({ code: string().regex(/^\d{6}$/, '区代码应为6位'), name: string().min(1) }),
  township: object({ code: string().regex(/^\d{9}$/, '乡镇代码应为9位'), name: string().min(1) }),
  villages: array(
    object({
      code: string().regex(/^\d{12}$/, '村代码应为12位'),
      name: string().min(1),
      groups: array(string().min(1)).min(1),
    }),
  ),
  people: array(
    object({
      personId: string().min(1).max(64),
      name: personName,
      phone: mobile,
      wecomUserId: string()
        .regex(/^[A-Za-z0-9_.@-]{1,64}$/, '企业微信账号应为1–64位字母、数字或 _.@-')
        .optional(),
      roles: array(
        object({
          role: zEnum(ROLES),
          scope: string().regex(/^\d{6}(\d{3}(\d{3})?)?$/, '范围应为6、9或12位区划代码'),
        }),
      ).min(1),
    }),
  ),
});
