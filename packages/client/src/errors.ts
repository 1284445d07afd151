import type { ApiError, ErrorCode, FieldError } from './protocol.js';

/**
 * Codes of failures that happen on this side: no answer reached us (`NETWORK`), an ack did not
 * come in time (`TIMEOUT`), the client ended before the call could complete (`ENDED`), the server
 * speaks another major version of the protocol (`PROTOCOL_MISMATCH`).
 */
export type ClientErrorCode = ErrorCode | 'NETWORK' | 'TIMEOUT' | 'ENDED' | 'PROTOCOL_MISMATCH';

/** A failed call: the server's error (`status` over HTTP, 0 for socket acks) or one of ours. */
export class TetherError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly status = 0,
    readonly details?: ApiError['details'],
  ) {
    super(message);
    this.name = 'TetherError';
  }

  static from(error: ApiError, status = 0): TetherError {
    return new TetherError(error.code, error.message, status, error.details);
  }

  /** `VALIDATION`: which fields were refused, and why. */
  get fieldErrors(): FieldError[] {
    return Array.isArray(this.details) ? this.details : [];
  }

  /** `RATE_LIMITED`: seconds to wait before trying again. */
  get retryAfterSec(): number | undefined {
    return this.details && 'retryAfterSec' in this.details ? this.details.retryAfterSec : undefined;
  }

  /** `LIMIT_REACHED`: the cap that was reached. */
  get limit(): number | undefined {
    return this.details && 'limit' in this.details ? this.details.limit : undefined;
  }
}
