import { z } from 'zod';
import { HealthChecksSchema } from './health.js';

/**
 * The one error vocabulary of both transports: every HTTP error body and every `{ok: false}` ack
 * carries one of these codes, with this status over HTTP and this message unless a more specific
 * (still client-safe) one is given.
 */
export const ERRORS = {
  UNAUTHENTICATED: { status: 401, message: 'Authentication required' },
  INVALID_CREDENTIALS: { status: 401, message: 'Invalid username or password' },
  SESSION_EXPIRED: { status: 401, message: 'Session expired; log in again' },
  TICKET_INVALID: { status: 401, message: 'Ticket invalid' },
  TOKEN_INVALID: { status: 401, message: 'Token invalid' },
  TOKEN_EXPIRED: { status: 401, message: 'Token expired' },
  CROSS_ORIGIN: { status: 403, message: 'Cross-origin request refused' },
  FORBIDDEN: { status: 403, message: 'Forbidden' },
  /** The account was disabled by an operator: the same answer whatever the password. */
  ACCOUNT_DISABLED: { status: 403, message: 'This account is disabled' },
  REGISTRATION_CLOSED: { status: 403, message: 'Registration is closed; ask the operator for an account' },
  /** A cap on what one user may hold (rooms owned); `details: {limit}`. Waiting does not lift it. */
  LIMIT_REACHED: { status: 403, message: 'Limit reached' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  CONFLICT: { status: 409, message: 'Conflict' },
  VALIDATION: { status: 400, message: 'Invalid request' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  TOO_MANY_CONNECTIONS: { status: 429, message: 'Too many open connections' },
  CONNECTION_REUSED: { status: 409, message: 'This connection already carried a socket; open a new one' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Payload too large' },
  INTERNAL: { status: 500, message: 'Internal error' },
  /** A backing service (database, cache) cannot be reached or cannot take the write right now. */
  UNAVAILABLE: { status: 503, message: 'Service temporarily unavailable; try again shortly' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]];

/** One entry of a `VALIDATION` error's `details`. */
export const FieldErrorSchema = z.object({
  /** The path of the offending field, dot-separated; `(body)` for the body as a whole. */
  field: z.string(),
  message: z.string(),
});

/** A `RATE_LIMITED` error's `details`, equal to the `Retry-After` header over HTTP. */
export const RetryAfterSchema = z.object({ retryAfterSec: z.number().int().min(1) });

/** A `LIMIT_REACHED` error's `details`: the cap that was reached. */
export const LimitSchema = z.object({ limit: z.number().int().min(1) });

/** An `UNAVAILABLE` readiness answer's `details`: why this instance takes no traffic now. */
export const NotReadySchema = z.object({
  instance: z.string(),
  /** Shutting down: it finishes what runs and takes nothing new. */
  draining: z.boolean(),
  checks: HealthChecksSchema,
});

/** The public error shape of both transports. */
export const ApiErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /**
   * `VALIDATION`: `[{field, message}]`; `RATE_LIMITED`: `{retryAfterSec}`; `LIMIT_REACHED`: `{limit}`;
   * `UNAVAILABLE` from readiness: `{instance, draining, checks}`.
   */
  details: z.union([z.array(FieldErrorSchema), RetryAfterSchema, LimitSchema, NotReadySchema]).optional(),
});

export type ApiError = z.output<typeof ApiErrorSchema>;
export type FieldError = z.output<typeof FieldErrorSchema>;

/** The error shape narrowed to the codes one operation may answer with. */
export const apiErrorOf = (codes: readonly ErrorCode[]) =>
  ApiErrorSchema.extend({ code: z.enum(codes as [ErrorCode, ...ErrorCode[]]) });

/** Orders codes by status, then name: how the specifications list them. */
export const byStatus = (a: ErrorCode, b: ErrorCode): number =>
  ERRORS[a].status - ERRORS[b].status || a.localeCompare(b);
