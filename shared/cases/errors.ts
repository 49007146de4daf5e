/**
 * What a use case refuses with: a code of CONTRACT.md's error shape, a Chinese message and the field
 * paths. Only `shared/http` turns a code into a status.
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

export class CaseError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }

  /** CONTRACT.md's error shape: `{"error": {"code", "message", "fields"?}}` */
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

export const validationFailed = (fields: FieldError[], message = '请求内容未通过校验'): CaseError =>
  new CaseError('VALIDATION_FAILED', message, fields);
export const notFound = (what = '资源'): CaseError => new CaseError('NOT_FOUND', `${what}不存在`);
