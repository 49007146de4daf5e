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

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The claims if the signature holds, otherwise undefined. Expiry is the caller's business. One token
 * has one spelling: its two parts in canonical unpadded base64url, the signature compared as written
 * (so other final characters, padding, standard base64 or a trailing `.…` are refused).
 */
export function readToken<T>(token: string, key: string): T | undefined {
  const parts = token.split('.');
  if (parts.length !== 2) return undefined;
  const [body, signature] = parts as [string, string];
  if (!BASE64URL.test(body) || !BASE64URL.test(signature)) return undefined;
  if (b64(Buffer.from(body, 'base64url')) !== body) return undefined;
  const expected = Buffer.from(b64(createHmac('sha256', key).update(body).digest()));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
