/**
 * Personal approval links (CONTRACT.md, Approval links): `<base>/approvals/<approvalId>?t=<token>`.
 * The token binds the approval and the approver and expires; it never holds a Step Functions token.
 */
import { HttpError } from '#http/errors';
import { readToken, signToken } from './signed-token.ts';

interface LinkClaims {
  a: string;
  p: string;
  /** expiry, epoch seconds (business clock) */
  e: number;
}

export function approvalLink(
  base: string,
  input: { approvalId: string; personId: string; expiresAt: string },
  key: string,
): string {
  const token = signToken(
    { a: input.approvalId, p: input.personId, e: Math.floor(Date.parse(input.expiresAt) / 1000) },
    key,
  );
  return `${base}/approvals/${input.approvalId}?t=${token}`;
}

/** The approver's person id, or 403 BAD_LINK / 410 LINK_EXPIRED. */
export function verifyApprovalToken(
  token: string | undefined,
  approvalId: string,
  key: string,
  now: Date,
): string {
  const claims = token ? readToken<LinkClaims>(token, key) : undefined;
  if (!claims || claims.a !== approvalId || typeof claims.p !== 'string') {
    throw new HttpError('BAD_LINK', '审批链接无效或不属于此审批');
  }
  if (now.getTime() / 1000 > claims.e) throw new HttpError('LINK_EXPIRED', '审批链接已过期');
  return claims.p;
}
