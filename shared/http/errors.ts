/**
 * The one error shape of CONTRACT.md: `{"error": {"code", "message", "fields"?}}`. Handlers throw an
 * `HttpError`; the `httpErrors` middleware turns it (or anything unexpected) into the response.
 */
export interface FieldError {
  path: string;
  message: string;
}

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'BAD_SIGNATURE'
  | 'STALE_TIMESTAMP'
  | 'FORBIDDEN'
  | 'BAD_LINK'
  | 'NOT_FOUND'
  | 'REPLAYED_NONCE'
  | 'IDEMPOTENCY_MISMATCH'
  | 'ALREADY_DECIDED'
  | 'NOT_IN_PUBLICITY'
  | 'CONFLICT'
  | 'NOT_ELIGIBLE'
  | 'LINK_EXPIRED'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'UNAUTHORIZED'
  | 'INTERNAL';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  BAD_SIGNATURE: 401,
  STALE_TIMESTAMP: 401,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  BAD_LINK: 403,
  NOT_FOUND: 404,
  REPLAYED_NONCE: 409,
  IDEMPOTENCY_MISMATCH: 409,
  ALREADY_DECIDED: 409,
  NOT_IN_PUBLICITY: 409,
  CONFLICT: 409,
  /** a proposal the rules refuse (风险消除 conditions not met, 暂不标注) */
  NOT_ELIGIBLE: 422,
  LINK_EXPIRED: 410,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

export class HttpError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.status = STATUS[code];
  }

  toBody(): { error: Record<string, unknown> } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.fields ? { fields: this.fields } : {}),
        ...this.extra,
      },
    };
  }
}

export const validationFailed = (fields: FieldError[], message = '请求内容未通过校验'): HttpError =>
  new HttpError('VALIDATION_FAILED', message, fields);
export const notFound = (what = '资源'): HttpError => new HttpError('NOT_FOUND', `${what}不存在`);
