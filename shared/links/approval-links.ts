/**
 * Personal approval links (CONTRACT.md, Approval links): `<base>/approvals/<approvalId>?t=<token>`.
 * The token binds the approval and the approver and expires; it never holds a Step Functions token.
 */
import { personalToken, personOfToken } from './personal-links.ts';

export function approvalLink(
  base: string,
  input: { approvalId: string; personId: string; expiresAt: string },
  key: string,
): string {
  const token = personalToken({ claim: 'a', value: input.approvalId }, input.personId, input.expiresAt, key);
  return `${base}/approvals/${input.approvalId}?t=${token}`;
}

/** The approver's person id, or 403 BAD_LINK / 410 LINK_EXPIRED. */
export const verifyApprovalToken = (
  token: string | undefined,
  approvalId: string,
  key: string,
  now: Date,
): string =>
  personOfToken(token, { claim: 'a', value: approvalId }, key, now, {
    bad: '审批链接无效或不属于此审批',
    expired: '审批链接已过期',
  });
