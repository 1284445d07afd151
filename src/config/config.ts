import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { REGISTRATION_MODES } from '../protocol/http.js';
import { LIMITS } from '../protocol/limits.js';
import { ConfigError } from './config-error.js';
import { DEFAULT_PORT, HOST_PATTERN, PORT_MAX } from './listen-address.js';

export { ConfigError };

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

const trustProxy = z.string().transform((value, ctx): boolean | number | string[] => {
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

const secret = z.string().min(32, 'must be at least 32 characters');

const MIN_BUFFERED = LIMITS.eventsInFlightMax * 2 * LIMITS.historyMaxBytes;

const variable = <S extends z.ZodType>(env: string, schema: S) => ({ env, schema, secret: false });
/**
 * A variable that holds a credential: it may instead be read from the file `<NAME>_FILE` names
 * (docker and Kubernetes secrets), so the value need not sit in the environment, which
 * `docker inspect` and every child process can read.
 */
const secretVariable = <S extends z.ZodType>(env: string, schema: S) => ({ env, schema, secret: true });

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/**
 * Every setting, once: its config key, its environment variable, and its rule and default. The
 * README's configuration table documents each of them.
 */
const VARIABLES = {
  env: variable('NODE_ENV', z.enum(['development', 'production', 'test']).default('development')),
  /** @default 3000 */
  port: variable('PORT', int(0, PORT_MAX).default(DEFAULT_PORT)),
  /**
   * The address HTTP (and the metrics port) bind to. Unset: every interface, IPv6 and IPv4, as
   * Node does by default. Containers set 0.0.0.0; a host behind a local proxy 127.0.0.1.
   */
  host: variable('HOST', z.string().regex(HOST_PATTERN, 'must be a host name or an IP address').optional()),
  /** Prometheus text at `/metrics` on this port (never the public one). Unset: no metrics server. */
  metricsPort: variable('METRICS_PORT', int(0, PORT_MAX).optional()),
  /** @default json when NODE_ENV=production, else text */
  logFormat: variable('LOG_FORMAT', z.enum(['json', 'text']).optional()),
  /** @default info (error when NODE_ENV=test: tests read the lines they need from built servers) */
  logLevel: variable('LOG_LEVEL', z.enum(LOG_LEVELS).optional()),
  /** SQLite file, session files and the generated dev secret live here; made absolute. @default ./data */
  dataDir: variable('DATA_DIR', z.string().min(1).default('./data')),
  /** Required in production; otherwise generated once into DATA_DIR (see `resolveSecrets`). */
  sessionSecret: secretVariable('SESSION_SECRET', secret.optional()),
  /** Exact origins; empty means "the server's own origin" (same host as the request). */
  allowedOrigins: variable(
    'ALLOWED_ORIGINS',
    z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .pipe(z.array(origin))
      .default([]),
  ),
  /** Express/proxy-addr trust setting: false, true, a hop count or a list of addresses. @default false */
  trustProxy: variable('TRUST_PROXY', trustProxy.default(false)),
  /** Connection strings carry credentials: secrets too. */
  mongoUrl: secretVariable(
    'MONGO_URL',
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
  ),
  redisUrl: secretVariable(
    'REDIS_URL',
    z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
  ),
  /** Which backend holds users, rooms, messages and tickets. @default mongo with MONGO_URL, else sqlite */
  dataStore: variable('DATA_STORE', z.enum(['sqlite', 'mongo']).optional()),
  /** Which backend holds express-session data. @default mongo with MONGO_URL, else file */
  sessionStore: variable('SESSION_STORE', z.enum(['file', 'sqlite', 'mongo', 'redis']).optional()),
  /** Which Socket.IO adapter spreads events across instances. @default from MONGO_URL / REDIS_URL */
  ioAdapter: variable('IO_ADAPTER', z.enum(['memory', 'mongo', 'redis']).optional()),
  /** A session ends after this long without a request or socket activity. @default 86400 s */
  sessionIdleTimeoutSec: variable('SESSION_IDLE_TIMEOUT', int(1).default(86_400)),
  /** A session ends this long after login, however active. @default 604800 s */
  sessionAbsoluteTimeoutSec: variable('SESSION_ABSOLUTE_TIMEOUT', int(1).default(604_800)),
  /** Failed logins per username before it is locked for the window. @default 10 */
  loginMaxFailuresPerUser: variable('LOGIN_MAX_FAILURES_PER_USER', int(1).default(10)),
  /** Failed logins per client IP before it is locked for the window. @default 100 */
  loginMaxFailuresPerIp: variable('LOGIN_MAX_FAILURES_PER_IP', int(1).default(100)),
  /** Window and lock duration for failed logins. @default 900 s */
  loginFailureWindowSec: variable('LOGIN_FAILURE_WINDOW', int(1).default(900)),
  /** Registrations (an argon2id hash each) one client IP may make per window. @default 20 */
  registerRateLimit: variable('REGISTER_RATE_LIMIT', int(1).default(20)),
  /** @default 3600 s */
  registerRateWindowSec: variable('REGISTER_RATE_WINDOW', int(1).default(3600)),
  /** Rooms one user may create per window (cluster-wide with Redis). @default 10 */
  roomCreateRateLimit: variable('ROOM_CREATE_RATE_LIMIT', int(1).default(10)),
  /** @default 600 s */
  roomCreateRateWindowSec: variable('ROOM_CREATE_RATE_WINDOW', int(1).default(600)),
  /**
   * Room changes one user may make per window: direct rooms opened, members added or removed,
   * renames and topics, departures (cluster-wide with Redis). @default 60
   */
  roomWriteRateLimit: variable('ROOM_WRITE_RATE_LIMIT', int(1).default(60)),
  /** @default 60 s */
  roomWriteRateWindowSec: variable('ROOM_WRITE_RATE_WINDOW', int(1).default(60)),
  /** Read markers (`room:read`, `POST /rooms/:id/read`) one user may move per window. @default 300 */
  readMarkerRateLimit: variable('READ_MARKER_RATE_LIMIT', int(1).default(300)),
  /** @default 60 s */
  readMarkerRateWindowSec: variable('READ_MARKER_RATE_WINDOW', int(1).default(60)),
  /**
   * Searches (`GET /search`) one user may run per window: a query for a common word ranks every
   * match, hundreds of ms on a large history (bench/SEARCH.md). @default 30
   */
  searchRateLimit: variable('SEARCH_RATE_LIMIT', int(1).default(30)),
  /** @default 60 s */
  searchRateWindowSec: variable('SEARCH_RATE_WINDOW', int(1).default(60)),
  /** Rooms one user may own at once; creating another is LIMIT_REACHED. @default 50 */
  maxOwnedRooms: variable('MAX_OWNED_ROOMS', int(1, 100_000).default(50)),
  /** Largest JSON body accepted over HTTP. @default 16384 bytes */
  httpBodyLimitBytes: variable('HTTP_BODY_LIMIT', int(1024, 10 * 1024 * 1024).default(16_384)),
  /** Time a client has to send a request's headers, from its first byte. @default 10 s */
  httpHeadersTimeoutSec: variable('HTTP_HEADERS_TIMEOUT', int(1, 600).default(10)),
  /** Time a client has to send a whole request, headers and body. @default 30 s */
  httpRequestTimeoutSec: variable('HTTP_REQUEST_TIMEOUT', int(1, 3600).default(30)),
  /**
   * How long an idle keep-alive connection stays open. Above the idle timeout of whatever proxy
   * reuses connections to us (deploy/: 75 s; nginx's upstream default 60 s), so the proxy always
   * closes first and never sends a request on a connection we are closing (a 502). @default 76 s
   */
  httpKeepAliveTimeoutSec: variable('HTTP_KEEP_ALIVE_TIMEOUT', int(1, 3600).default(76)),
  /** Largest Socket.IO frame / polling body; larger closes that connection. @default 65536 bytes */
  socketMaxPayloadBytes: variable('SOCKET_MAX_PAYLOAD', int(1024, 10 * 1024 * 1024).default(65_536)),
  /**
   * Bytes written to one connection that its client has not read yet (the engine's write buffer
   * plus the websocket's); past this the connection is cut. At least what a client that reads
   * normally may have queued at once: every event it may have in flight answered with the largest
   * ack (a history page and its presence list, under two pages' worth). A polling client holds
   * all of it between two polls.
   * @default 4194304 (4 MiB)
   */
  socketMaxBufferedBytes: variable(
    'SOCKET_MAX_BUFFERED',
    int(MIN_BUFFERED, 1024 ** 3).default(Math.max(MIN_BUFFERED, 4_194_304)),
  ),
  /** Sockets one user may hold open at once: cluster-wide with Redis, else per instance. @default 20 */
  socketMaxPerUser: variable('SOCKET_MAX_PER_USER', int(1).default(20)),
  /** Sockets one client IP may hold open on one instance. @default 200 */
  socketMaxPerIp: variable('SOCKET_MAX_PER_IP', int(1).default(200)),
  /** Socket.IO handshakes one client IP may start per window (cluster-wide with Redis). @default 60 */
  handshakeRateLimit: variable('HANDSHAKE_RATE_LIMIT', int(1).default(60)),
  /** @default 10 s */
  handshakeRateWindowSec: variable('HANDSHAKE_RATE_WINDOW', int(1).default(10)),
  /** Socket activity renews the session at most this often per socket. @default 60 s */
  sessionTouchIntervalSec: variable('SESSION_TOUCH_INTERVAL', int(1).default(60)),
  /** Messages one user may send per window, over all their sockets (cluster-wide with Redis). @default 30 */
  messageRateLimit: variable('MESSAGE_RATE_LIMIT', int(1).default(30)),
  /** @default 10 s */
  messageRateWindowSec: variable('MESSAGE_RATE_WINDOW', int(1).default(10)),
  /** How long a one-time WebSocket ticket stays redeemable. @default 30 s */
  ticketTtlSec: variable('TICKET_TTL', int(1, 3600).default(30)),
  /** HMAC key for access tokens (HS256); required in production, else derived from the session secret. */
  jwtSecret: secretVariable('JWT_SECRET', secret.optional()),
  /** The server API's key (`X-API-Key`); unset, the server API is off and `/api/*` answers 404. */
  apiKey: secretVariable('API_KEY', secret.optional()),
  /** Server API calls one client IP may make per window, counted before the key is checked. @default 600 */
  apiRateLimit: variable('API_RATE_LIMIT', int(1).default(600)),
  /** @default 60 s */
  apiRateWindowSec: variable('API_RATE_WINDOW', int(1).default(60)),
  /** `closed`: only the server API creates accounts (`POST /auth/register` is REGISTRATION_CLOSED). @default open */
  registration: variable('REGISTRATION', z.enum(REGISTRATION_MODES).default('open')),
  /** Lifetime of an access token. @default 900 s */
  tokenTtlSec: variable('TOKEN_TTL', int(1, 86_400).default(900)),
  /** How long a SIGTERM waits for in-flight acks before closing sockets and exiting. @default 10 s */
  shutdownTimeoutSec: variable('SHUTDOWN_TIMEOUT', int(1, 600).default(10)),
  /** Name of this instance in logs and `GET /health`. @default <hostname>-<pid> */
  instanceId: variable(
    'INSTANCE_ID',
    z
      .string()
      .regex(/^[\w.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-"')
      .default(`${hostname()}-${process.pid}`),
  ),
};

type Variables = typeof VARIABLES;
type Parsed = { [K in keyof Variables]: z.output<Variables[K]['schema']> };

export type DataStoreKind = NonNullable<Parsed['dataStore']>;
export type SessionStoreKind = NonNullable<Parsed['sessionStore']>;
export type IoAdapterKind = NonNullable<Parsed['ioAdapter']>;

export type LogLevel = (typeof LOG_LEVELS)[number];

/** The validated configuration; the profile choices are resolved from the URLs when not set. */
export type AppConfig = Omit<
  Parsed,
  'dataStore' | 'sessionStore' | 'ioAdapter' | 'logFormat' | 'logLevel'
> & {
  dataStore: DataStoreKind;
  sessionStore: SessionStoreKind;
  ioAdapter: IoAdapterKind;
  logFormat: 'json' | 'text';
  logLevel: LogLevel;
};

/** The names of every environment variable the server reads, for docs and tests. */
export const ENV_NAMES = Object.values(VARIABLES).map((v) => v.env);

/** The variables that may come from `<NAME>_FILE` instead. */
export const SECRET_ENV_NAMES = Object.values(VARIABLES)
  .filter((v) => v.secret)
  .map((v) => v.env);

const keyOf = Object.fromEntries(Object.entries(VARIABLES).map(([key, v]) => [v.env, key]));

const schema = z
  .object(Object.fromEntries(Object.values(VARIABLES).map((v) => [v.env, v.schema])))
  .transform((env) => Object.fromEntries(Object.entries(env).map(([name, value]) => [keyOf[name], value])))
  .transform((parsed) => parsed as Parsed)
  .superRefine((c, ctx) => {
    const issue = (key: keyof Variables, message: string) =>
      ctx.addIssue({ code: 'custom', path: [VARIABLES[key].env], message });
    for (const key of ['sessionSecret', 'jwtSecret'] as const) {
      if (c.env === 'production' && !c[key]) issue(key, 'is required when NODE_ENV=production');
    }
    if ([c.dataStore, c.sessionStore, c.ioAdapter].includes('mongo') && !c.mongoUrl) {
      issue('mongoUrl', 'is required when a store or the adapter is "mongo"');
    }
    if ([c.sessionStore, c.ioAdapter].includes('redis') && !c.redisUrl) {
      issue('redisUrl', 'is required when SESSION_STORE or IO_ADAPTER is "redis"');
    }
    if (c.httpHeadersTimeoutSec > c.httpRequestTimeoutSec) {
      issue('httpHeadersTimeoutSec', 'must not be longer than HTTP_REQUEST_TIMEOUT');
    }
    if (c.sessionAbsoluteTimeoutSec < c.sessionIdleTimeoutSec) {
      issue('sessionAbsoluteTimeoutSec', 'must not be shorter than SESSION_IDLE_TIMEOUT');
    }
    if (c.metricsPort !== undefined && c.metricsPort !== 0 && c.metricsPort === c.port) {
      issue('metricsPort', 'must differ from PORT: metrics are never served on the public port');
    }
  });

/**
 * Reads and validates every variable at once, so one error lists every bad one.
 * Values are never echoed back: a malformed secret must not end up in a log.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const blankToUndefined = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const { values, problems } = readSecretFiles(blankToUndefined);
  const parsed = schema.safeParse(values);
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError([
      ...problems,
      ...(parsed.error?.issues ?? []).map((issue) => `${String(issue.path[0] ?? '(env)')} ${issue.message}`),
    ]);
  }
  const c = parsed.data;
  const mongo = c.mongoUrl !== undefined;
  const redis = c.redisUrl !== undefined;
  return {
    ...c,
    dataDir: resolve(cwd, c.dataDir),
    dataStore: c.dataStore ?? (mongo ? 'mongo' : 'sqlite'),
    sessionStore: c.sessionStore ?? (mongo ? 'mongo' : 'file'),
    ioAdapter: c.ioAdapter ?? (mongo ? 'mongo' : redis ? 'redis' : 'memory'),
    logFormat: c.logFormat ?? (c.env === 'production' ? 'json' : 'text'),
    logLevel: c.logLevel ?? (c.env === 'test' ? 'error' : 'info'),
  };
}

/**
 * Replaces each `<NAME>_FILE` of a secret variable by the file's content (one trailing newline
 * dropped: `echo secret > file` writes one). Setting both names is refused rather than guessed.
 */
function readSecretFiles(env: Record<string, string | undefined>): {
  values: Record<string, string | undefined>;
  problems: string[];
} {
  const values = { ...env };
  const problems: string[] = [];
  for (const name of SECRET_ENV_NAMES) {
    const file = env[`${name}_FILE`];
    if (file === undefined) continue;
    delete values[`${name}_FILE`];
    if (env[name] !== undefined) {
      problems.push(`${name} and ${name}_FILE are both set; set only one`);
      continue;
    }
    try {
      values[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '') || undefined;
    } catch (error) {
      problems.push(`${name}_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return { values, problems };
}

export const APP_CONFIG = Symbol('AppConfig');
