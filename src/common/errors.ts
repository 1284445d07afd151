import { HttpException } from '@nestjs/common';
import { ERRORS, type ApiError, type ErrorCode } from '../protocol/errors.js';
import { isUnavailable } from '../storage/unavailable.js';

export type { ApiError, ErrorCode };

/**
 * An error whose code and message are safe to show to a client. Services throw it; the HTTP
 * filter turns it into a response and the WebSocket filter into an `{ok:false}` ack. The message
 * defaults to the code's own; pass one only when it says more.
 */
export class AppException extends HttpException {
  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].message,
    readonly details?: unknown,
  ) {
    super({ code, message, ...(details === undefined ? {} : { details }) }, ERRORS[code].status);
  }
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

const generic = (code: ErrorCode): ApiError => ({ code, message: ERRORS[code].message });

/**
 * Maps anything thrown to a status and a client-safe body. Only `AppException`s carry their own
 * message; framework exceptions get a generic one for their status; a backing service out of reach
 * is UNAVAILABLE (the client may try again); everything else is INTERNAL.
 */
export function toApiError(error: unknown): { status: number; body: ApiError } {
  if (error instanceof AppException) {
    return { status: error.getStatus(), body: error.getResponse() as ApiError };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status < 500 ? 'VALIDATION' : 'INTERNAL');
    return { status: status < 500 ? status : ERRORS[code].status, body: generic(code) };
  }
  if (isUnavailable(error)) return { status: 503, body: generic('UNAVAILABLE') };
  const status = httpStatusOf(error);
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, body: generic(CODE_BY_STATUS[status] ?? 'VALIDATION') };
  }
  return { status: 500, body: generic('INTERNAL') };
}

/** body-parser and other http-errors style errors carry `status`/`statusCode` and `expose`. */
function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; expose?: unknown };
  const status = e.status ?? e.statusCode;
  return e.expose === true && typeof status === 'number' ? status : undefined;
}
