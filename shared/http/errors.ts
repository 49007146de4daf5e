/**
 * The one error shape of CONTRACT.md: `{"error": {"code", "message", "fields"?}}`. Use cases throw a
 * `CaseError` (`#cases/errors`); the HTTP layer throws the same class under this name for what only it
 * sees (signatures, bodies, tokens), and is the one place a code becomes a status.
 */
import type { CaseError, ErrorCode } from '#cases/errors';

export {
  CaseError as HttpError,
  type ErrorCode,
  type FieldError,
  notFound,
  validationFailed,
} from '#cases/errors';

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

/** The HTTP status of an error code. */
export const statusOf = (error: CaseError): number => STATUS[error.code];
