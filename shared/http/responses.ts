import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { maskedForReaders } from '#domain/personal-data';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'x-content-type-options': 'nosniff',
    ...headers,
  },
  // whatever view forgot to mask, a client reads ID numbers and phones masked
  body: JSON.stringify(maskedForReaders(body)),
});

/**
 * A page: nothing runs in it but its own inline scripts (by hash), it talks only to its own origin
 * (and the sign-in provider's, when given), and no other site frames it.
 */
export const html = (statusCode: number, body: string, allow: { connect?: string[] } = {}): HttpResult => {
  const scripts = [...body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
  );
  const policy = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    ...(scripts.length ? [`script-src ${scripts.join(' ')}`] : []),
    ...(scripts.length ? [`connect-src 'self' ${(allow.connect ?? []).join(' ')}`.trim()] : []),
  ].join('; ');
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'content-security-policy': policy,
    },
    body,
  };
};

/** Header lookup that ignores case (API Gateway lower-cases them; tests may not). */
export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export function rawBody(event: HttpEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** The body as bytes (an uploaded XLSX arrives base64-encoded). */
export function binaryBody(event: HttpEvent): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** A file download. */
export const file = (body: Buffer, contentType: string, filename: string): HttpResult => ({
  statusCode: 200,
  headers: {
    'content-type': contentType,
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
    'cache-control': 'no-store',
  },
  body: body.toString('base64'),
  isBase64Encoded: true,
});
