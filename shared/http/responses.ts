import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { maskText } from '#domain/masking';

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
  body: JSON.stringify(body, shownValues),
});

/** signed addresses and opaque tokens: never rewritten */
const OPAQUE = /(url|Url|link|Link|token|Token|cursor|Cursor)$/;

/**
 * Every text a client reads shows ID numbers and phones masked, whatever view forgot to: a value stored
 * sealed by its masked form, free text (also as it came in) with the numbers in it masked.
 */
const shownValues = (key: string, value: unknown) =>
  typeof value === 'string' && !OPAQUE.test(key) ? maskText(value) : value;

export const html = (statusCode: number, body: string): HttpResult => ({
  statusCode,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  },
  body,
});

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
