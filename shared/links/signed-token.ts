/**
 * Compact signed tokens: base64url(JSON claims) "." base64url(HMAC-SHA256). Used for approval links
 * and local staff logins; claims carry an expiry in epoch seconds.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const b64 = (input: Buffer | string) => Buffer.from(input).toString('base64url');

export function signToken(claims: Record<string, unknown>, key: string): string {
  const body = b64(JSON.stringify(claims));
  return `${body}.${b64(createHmac('sha256', key).update(body).digest())}`;
}

/** The claims if the signature holds, otherwise undefined. Expiry is the caller's business. */
export function readToken<T>(token: string, key: string): T | undefined {
  const [body, signature] = token.split('.');
  if (!body || !signature) return undefined;
  const expected = createHmac('sha256', key).update(body).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
