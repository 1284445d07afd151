import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

/** Which backend holds users, rooms, messages and tickets. */
export type DataStoreKind = 'sqlite' | 'mongo';
/** Which backend holds express-session data. */
export type SessionStoreKind = 'file' | 'mongo' | 'redis';
/** Which Socket.IO adapter spreads events across instances. */
export type IoAdapterKind = 'memory' | 'mongo' | 'redis';

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  /** @default 3000 */
  port: number;
  /** Absolute path. SQLite file, session files and the generated dev secret live here. @default ./data */
  dataDir: string;
  /** Undefined until resolved by `resolveSessionSecret` (generated in development). */
  sessionSecret?: string;
  /** Exact origins; empty means "the server's own origin" (same host as the request). */
  allowedOrigins: string[];
  /** Express/proxy-addr trust setting: false, true, a hop count or a list of addresses. @default false */
  trustProxy: boolean | number | string[];
  mongoUrl?: string;
  redisUrl?: string;
  dataStore: DataStoreKind;
  sessionStore: SessionStoreKind;
  ioAdapter: IoAdapterKind;
  /** A session ends after this long without a request or socket activity. @default 86400 s */
  sessionIdleTimeoutSec: number;
  /** A session ends this long after login, however active. @default 604800 s */
  sessionAbsoluteTimeoutSec: number;
  /** Failed logins per username before it is locked for the window. @default 10 */
  loginMaxFailuresPerUser: number;
  /** Failed logins per client IP before it is locked for the window. @default 100 */
  loginMaxFailuresPerIp: number;
  /** Window and lock duration for failed logins. @default 900 s */
  loginFailureWindowSec: number;
  /** Largest JSON body accepted over HTTP. @default 16384 bytes */
  httpBodyLimitBytes: number;
  /** Largest Socket.IO frame / polling body; larger closes that connection. @default 65536 bytes */
  socketMaxPayloadBytes: number;
  /** Socket activity renews the session at most this often per socket. @default 60 s */
  sessionTouchIntervalSec: number;
  /** Messages one user may send per window, across their sockets on one instance. @default 30 */
  messageRateLimit: number;
  /** @default 10 s */
  messageRateWindowSec: number;
  /** How long a one-time WebSocket ticket stays redeemable. @default 30 s */
  ticketTtlSec: number;
  /** HMAC key for access tokens (HS256); derived from the session secret outside production when unset. */
  jwtSecret?: string;
  /** Lifetime of an access token. @default 900 s */
  tokenTtlSec: number;
  /** How long a SIGTERM waits for in-flight acks before closing sockets and exiting. @default 10 s */
  shutdownTimeoutSec: number;
  /** Name of this instance in logs and `GET /health`. @default <hostname>-<pid> */
  instanceId: string;
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

const origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}, 'each entry must be an exact origin such as https://chat.example.com (scheme, host, optional port; no path or trailing slash)');

const trustProxy = z.string().transform((value, ctx): AppConfig['trustProxy'] => {
  const v = value.trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  const entries = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
  const ipish = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;
  if (entries.every((e) => named.has(e) || ipish.test(e))) return entries;
  ctx.addIssue({
    code: 'custom',
    message:
      'must be true, false, a hop count, or a comma-separated list of addresses/CIDRs (loopback, 10.0.0.0/8, ...)',
  });
  return z.NEVER;
});

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(0, 65535).default(3000),
    DATA_DIR: z.string().min(1).default('./data'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    ALLOWED_ORIGINS: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .pipe(z.array(origin))
      .default([]),
    TRUST_PROXY: trustProxy.default(false),
    MONGO_URL: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
    DATA_STORE: z.enum(['sqlite', 'mongo']).optional(),
    SESSION_STORE: z.enum(['file', 'mongo', 'redis']).optional(),
    IO_ADAPTER: z.enum(['memory', 'mongo', 'redis']).optional(),
    SESSION_IDLE_TIMEOUT: int(1).default(86_400),
    SESSION_ABSOLUTE_TIMEOUT: int(1).default(604_800),
    LOGIN_MAX_FAILURES_PER_USER: int(1).default(10),
    LOGIN_MAX_FAILURES_PER_IP: int(1).default(100),
    LOGIN_FAILURE_WINDOW: int(1).default(900),
    HTTP_BODY_LIMIT: int(1024, 10 * 1024 * 1024).default(16_384),
    SOCKET_MAX_PAYLOAD: int(1024, 10 * 1024 * 1024).default(65_536),
    SESSION_TOUCH_INTERVAL: int(1).default(60),
    MESSAGE_RATE_LIMIT: int(1).default(30),
    MESSAGE_RATE_WINDOW: int(1).default(10),
    TICKET_TTL: int(1, 3600).default(30),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    TOKEN_TTL: int(1, 86_400).default(900),
    SHUTDOWN_TIMEOUT: int(1, 600).default(10),
    INSTANCE_ID: z
      .string()
      .regex(/^[\w.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-"')
      .default(`${hostname()}-${process.pid}`),
  })
  .superRefine((env, ctx) => {
    for (const secret of ['SESSION_SECRET', 'JWT_SECRET'] as const) {
      if (env.NODE_ENV === 'production' && !env[secret]) {
        ctx.addIssue({ code: 'custom', path: [secret], message: 'is required when NODE_ENV=production' });
      }
    }
    const needsMongo = [env.DATA_STORE, env.SESSION_STORE, env.IO_ADAPTER].includes('mongo');
    if (needsMongo && !env.MONGO_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['MONGO_URL'],
        message: 'is required when a store or the adapter is "mongo"',
      });
    }
    if ([env.SESSION_STORE, env.IO_ADAPTER].includes('redis') && !env.REDIS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_URL'],
        message: 'is required when SESSION_STORE or IO_ADAPTER is "redis"',
      });
    }
    if (env.SESSION_ABSOLUTE_TIMEOUT < env.SESSION_IDLE_TIMEOUT) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_ABSOLUTE_TIMEOUT'],
        message: 'must not be shorter than SESSION_IDLE_TIMEOUT',
      });
    }
  });

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates every variable at once, so one error lists every bad one.
 * Values are never echoed back: a malformed secret must not end up in a log.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const blankToUndefined = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(blankToUndefined);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${String(issue.path[0] ?? '(env)')} ${issue.message}`),
    );
  }
  const e = parsed.data;
  const mongo = e.MONGO_URL !== undefined;
  const redis = e.REDIS_URL !== undefined;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    dataDir: resolve(cwd, e.DATA_DIR),
    sessionSecret: e.SESSION_SECRET,
    allowedOrigins: e.ALLOWED_ORIGINS,
    trustProxy: e.TRUST_PROXY,
    mongoUrl: e.MONGO_URL,
    redisUrl: e.REDIS_URL,
    dataStore: e.DATA_STORE ?? (mongo ? 'mongo' : 'sqlite'),
    sessionStore: e.SESSION_STORE ?? (mongo ? 'mongo' : 'file'),
    ioAdapter: e.IO_ADAPTER ?? (mongo ? 'mongo' : redis ? 'redis' : 'memory'),
    sessionIdleTimeoutSec: e.SESSION_IDLE_TIMEOUT,
    sessionAbsoluteTimeoutSec: e.SESSION_ABSOLUTE_TIMEOUT,
    loginMaxFailuresPerUser: e.LOGIN_MAX_FAILURES_PER_USER,
    loginMaxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
    loginFailureWindowSec: e.LOGIN_FAILURE_WINDOW,
    httpBodyLimitBytes: e.HTTP_BODY_LIMIT,
    socketMaxPayloadBytes: e.SOCKET_MAX_PAYLOAD,
    sessionTouchIntervalSec: e.SESSION_TOUCH_INTERVAL,
    messageRateLimit: e.MESSAGE_RATE_LIMIT,
    messageRateWindowSec: e.MESSAGE_RATE_WINDOW,
    ticketTtlSec: e.TICKET_TTL,
    jwtSecret: e.JWT_SECRET,
    tokenTtlSec: e.TOKEN_TTL,
    shutdownTimeoutSec: e.SHUTDOWN_TIMEOUT,
    instanceId: e.INSTANCE_ID,
  };
}

export const APP_CONFIG = Symbol('AppConfig');
