/**
 * Request bodies: at most 256 KiB, JSON, and valid against their zod schema, or a clear error with
 * the field paths. Nothing is read further until this passes.
 */
import type { z } from 'zod';
import { HttpError, validationFailed } from './errors.ts';
import { type HttpEvent, rawBody } from './responses.ts';

export const MAX_BODY_BYTES = 256 * 1024;

export function parseJsonText(text: string): unknown {
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) throw new HttpError('TOO_LARGE', '请求体超过256 KiB');
  if (text.trim() === '') throw validationFailed([{ path: '', message: '请求体不能为空' }]);
  try {
    return JSON.parse(text);
  } catch {
    throw validationFailed([{ path: '', message: '请求体不是有效的JSON' }]);
  }
}

export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationFailed(
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}

export function parseBody<S extends z.ZodType>(event: HttpEvent, schema: S): z.infer<S> {
  return validate(schema, parseJsonText(rawBody(event)));
}
