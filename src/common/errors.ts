import { HttpException, HttpStatus } from '@nestjs/common';

export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'SESSION_EXPIRED',
  'TICKET_INVALID',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'CROSS_ORIGIN',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'VALIDATION',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The public error shape of both transports. */
export interface ApiError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

const STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  INVALID_CREDENTIALS: HttpStatus.UNAUTHORIZED,
  SESSION_EXPIRED: HttpStatus.UNAUTHORIZED,
  TICKET_INVALID: HttpStatus.UNAUTHORIZED,
  TOKEN_INVALID: HttpStatus.UNAUTHORIZED,
  TOKEN_EXPIRED: HttpStatus.UNAUTHORIZED,
  CROSS_ORIGIN: HttpStatus.FORBIDDEN,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  VALIDATION: HttpStatus.BAD_REQUEST,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  INTERNAL: HttpStatus.INTERNAL_SERVER_ERROR,
};

/**
 * An error whose code and message are safe to show to a client. Services throw it; the HTTP
 * filter turns it into a response and the WebSocket filter into an `{ok:false}` ack.
 */
export class AppException extends HttpException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super({ code, message, ...(details === undefined ? {} : { details }) }, STATUS[code]);
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
};

const GENERIC_MESSAGE: Record<ErrorCode, string> = {
  UNAUTHENTICATED: 'Authentication required',
  INVALID_CREDENTIALS: 'Invalid username or password',
  SESSION_EXPIRED: 'Session expired; log in again',
  TICKET_INVALID: 'Ticket invalid',
  TOKEN_INVALID: 'Token invalid',
  TOKEN_EXPIRED: 'Token expired',
  CROSS_ORIGIN: 'Cross-origin request refused',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflict',
  VALIDATION: 'Invalid request',
  RATE_LIMITED: 'Too many requests',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  INTERNAL: 'Internal error',
};

/**
 * Maps anything thrown to a status and a client-safe body. Only `AppException`s carry their own
 * message; framework exceptions get a generic one for their status, everything else is INTERNAL.
 */
export function toApiError(error: unknown): { status: number; body: ApiError } {
  if (error instanceof AppException) {
    return { status: error.getStatus(), body: error.getResponse() as ApiError };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status < 500 ? 'VALIDATION' : 'INTERNAL');
    return { status: status < 500 ? status : 500, body: { code, message: GENERIC_MESSAGE[code] } };
  }
  const status = httpStatusOf(error);
  if (status !== undefined && status >= 400 && status < 500) {
    const code = CODE_BY_STATUS[status] ?? 'VALIDATION';
    return { status, body: { code, message: GENERIC_MESSAGE[code] } };
  }
  return { status: 500, body: { code: 'INTERNAL', message: GENERIC_MESSAGE.INTERNAL } };
}

/** body-parser and other http-errors style errors carry `status`/`statusCode` and `expose`. */
function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; expose?: unknown };
  const status = e.status ?? e.statusCode;
  return e.expose === true && typeof status === 'number' ? status : undefined;
}
