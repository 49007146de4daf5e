/** Approval decisions (CONTRACT.md, Approval links). */

import type { z } from 'zod';
import { array, literal, number, object, string, enum as zEnum } from 'zod';
import { MEETING_GROUPS, voteContradiction } from '#domain/meeting';
import { personName } from './common.ts';

export const MEETING_ROLES = MEETING_GROUPS;

const count = number({ error: '票数应为整数' })
  .int('票数应为整数')
  .min(0, '票数不能为负数')
  .max(1000, '票数过大');

export const meeting = object({
  attendees: array(
    object({
      name: personName,
      role: zEnum(MEETING_ROLES, { error: '参会身份应为村两委、驻村工作队、村监委会或村民代表' }),
    }),
  )
    .min(1, '至少记录一名参会人员')
    .max(200, '参会人员过多'),
  vote: object({ for: count, against: count, abstain: count }),
});
export type Meeting = z.infer<typeof meeting>;

export const decisionRequest = object({
  decision: zEnum(['approve', 'return', 'reject'], { error: '决定应为 approve、return 或 reject' }),
  comment: string().trim().max(2000, '意见不超过2000字').optional(),
  meeting: meeting.optional(),
})
  .strict()
  .superRefine((body, ctx) => {
    if (body.decision === 'reject' && !body.comment) {
      ctx.addIssue({ code: 'custom', path: ['comment'], message: '不同意时必须填写理由' });
    }
    const contradiction = body.meeting && voteContradiction(body.decision, body.meeting.vote);
    if (contradiction)
      ctx.addIssue({ code: 'custom', path: ['meeting', 'vote', 'for'], message: contradiction });
  });
export type DecisionRequest = z.infer<typeof decisionRequest>;

export const decisionRecorded = object({ status: literal('recorded'), stage: string() });
