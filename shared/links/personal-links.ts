/**
 * Personal links: a signed token naming one thing (an approval, a village's leads) under its own claim
 * (`a`, `v`), one person (`p`) and an expiry on the business clock (`e`, epoch seconds). The token
 * never holds a Step Functions token.
 */
import { HttpError } from '#http/errors';
import { readToken, signToken } from './signed-token.ts';

export const personalToken = (
  named: { claim: string; value: string },
  personId: string,
  expiresAt: string,
  key: string,
): string =>
  signToken({ [named.claim]: named.value, p: personId, e: Math.floor(Date.parse(expiresAt) / 1000) }, key);

/** The person a token was given to for what it names, or 403 BAD_LINK / 410 LINK_EXPIRED saying `what`. */
export function personOfToken(
  token: string | undefined,
  named: { claim: string; value: string },
  key: string,
  now: Date,
  what: { bad: string; expired: string },
): string {
  const claims = token ? readToken<Record<string, unknown>>(token, key) : undefined;
  if (!claims || claims[named.claim] !== named.value || typeof claims.p !== 'string') {
    throw new HttpError('BAD_LINK', what.bad);
  }
  if (typeof claims.e !== 'number' || now.getTime() / 1000 > claims.e)
    throw new HttpError('LINK_EXPIRED', what.expired);
  return claims.p;
}
