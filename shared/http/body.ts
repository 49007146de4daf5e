/**
 * Request bodies: at most 256 KiB of UTF-8 JSON with each key once, text without control or bidi
 * characters or lone surrogates (normalised to NFC), and valid against their zod schema; or a clear
 * error with the field paths. Nothing is read further until this passes.
 */
import { visit } from 'jsonc-parser';
import type { z } from 'zod';
import { HttpError, validationFailed } from './errors.ts';
import { type HttpEvent, header, rawBody } from './responses.ts';

export const MAX_BODY_BYTES = 256 * 1024;

/** C0 controls but tab and line breaks, DEL, C1 controls */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** bidi embeddings, overrides and isolates: they make text read otherwise than it is stored */
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first key an object repeats (JSON.parse would keep the last silently). */
function repeatedKey(text: string): string | undefined {
  const seen: Set<string>[] = [];
  let found: string | undefined;
  visit(text, {
    onObjectBegin: () => {
      seen.push(new Set());
    },
    onObjectEnd: () => {
      seen.pop();
    },
    onObjectProperty: (property, _offset, _length, _line, _column, pathSupplier) => {
      const keys = seen.at(-1)!;
      if (keys.has(property) && found === undefined)
        found = [...pathSupplier(), property].map(String).join('.');
      keys.add(property);
    },
  });
  return found;
}

/** Every string of a parsed body checked and normalised to NFC; the path of the first bad one. */
function cleanText(value: unknown, path: string, bad: { path: string; message: string }[]): unknown {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) bad.push({ path, message: '文本含有无效的Unicode字符（孤立代理项）' });
    else if (CONTROL.test(value)) bad.push({ path, message: '文本含有控制字符' });
    else if (BIDI.test(value)) bad.push({ path, message: '文本含有双向控制字符' });
    return value.normalize('NFC');
  }
  if (Array.isArray(value)) return value.map((v, i) => cleanText(v, path ? `${path}.${i}` : String(i), bad));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k.normalize('NFC'),
        cleanText(v, path ? `${path}.${k}` : k, bad),
      ]),
    );
  return value;
}

export function parseJsonText(text: string): unknown {
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) throw new HttpError('TOO_LARGE', '请求体超过256 KiB');
  if (text.trim() === '') throw validationFailed([{ path: '', message: '请求体不能为空' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw validationFailed([{ path: '', message: '请求体不是有效的JSON' }]);
  }
  const repeated = repeatedKey(text);
  if (repeated !== undefined) throw validationFailed([{ path: repeated, message: '字段重复出现' }]);
  const bad: { path: string; message: string }[] = [];
  const clean = cleanText(parsed, '', bad);
  if (bad.length) throw validationFailed(bad.slice(0, 20));
  return clean;
}

/** A JSON body must say so: `Content-Type: application/json` (a charset, if any, UTF-8). */
export function requireJson(event: HttpEvent): void {
  const type = (header(event, 'content-type') ?? '').toLowerCase();
  const [media, ...params] = type.split(';').map((p) => p.trim());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (media !== 'application/json' || (charset && charset !== 'utf-8' && charset !== 'utf8'))
    throw new HttpError(
      'UNSUPPORTED_MEDIA_TYPE',
      '请求体应为JSON：Content-Type: application/json; charset=utf-8',
    );
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
