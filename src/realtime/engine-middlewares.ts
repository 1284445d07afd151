import { ServerResponse, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { OriginPolicy } from '../auth/origin-policy.js';
import type { AppException } from '../common/errors.js';
import { ERRORS } from '../protocol/errors.js';
import type { Middleware } from '../session/session-middleware.js';
import type { SocketCaps } from './socket-caps.js';
import { logEvent } from '../observability/events.js';
import { countHandshake } from '../observability/metrics.js';

/** What the engine learned about a handshake request before any session was read. */
export interface Screening {
  /** The client's address, with `TRUST_PROXY` applied. */
  address: string;
  /** Set when the address is over its handshake rate: the namespace refuses its CONNECT with it. */
  refusal?: AppException;
}

const SCREENING = Symbol('tether.screening');
const RESPONSE = Symbol('tether.handshake-response');

type EngineRequest = IncomingMessage & {
  _query: Record<string, string | undefined>;
  [SCREENING]?: Screening;
  [RESPONSE]?: ServerResponse;
};

const isHandshake = (req: IncomingMessage) => (req as EngineRequest)._query.sid === undefined;

/** The screening of the request that opened a connection (undefined once it was released). */
export function screeningOf(req: IncomingMessage | undefined): Screening | undefined {
  return (req as EngineRequest | undefined)?.[SCREENING];
}

/**
 * Lets go of what the handshake's response holds. On a websocket upgrade that response is
 * engine.io's stand-in, which the TCP socket's close listener keeps for the connection's whole
 * life, and with it the request and express-session's wrappers around both (a few KB per socket).
 */
export function releaseHandshakeResponse(req: IncomingMessage | undefined): void {
  const res: object | undefined = (req as EngineRequest | undefined)?.[RESPONSE];
  if (!res) return;
  delete (req as EngineRequest)[RESPONSE];
  // A polling handshake's real response has ended by now, and Node let go of it. (Not "has a
  // statusCode": the middlewares before this one give the stand-in one too.)
  if (res instanceof ServerResponse) return;
  const standIn = res as NodeJS.EventEmitter & Record<string, unknown>;
  standIn.removeAllListeners();
  // Own properties only: express-session's `end`, on-headers' `writeHead`, the stand-in's `req`.
  for (const key of ['req', 'end', 'writeHead', 'setHeader']) {
    if (Object.hasOwn(standIn, key)) delete standIn[key];
  }
}

/**
 * Runs `middleware` on the Engine.IO handshake only, and not on one refused by the screening.
 * Later polling requests and the websocket upgrade of an established session carry `sid` and
 * skip it: no session or passport work per poll.
 */
export function onlyForHandshake(middleware: Middleware): Middleware {
  return (req, res, next) => {
    if (isHandshake(req) && !screeningOf(req)?.refusal) middleware(req, res, next);
    else next();
  };
}

/**
 * Counts each handshake against its client address before the session is read, so a flood of
 * handshakes costs no session store reads. A refused one still opens its Engine.IO connection:
 * its CONNECT then gets a typed `connect_error` (`RATE_LIMITED`, with `retryAfterSec`), which an
 * HTTP status here could not carry.
 */
export function screenHandshakes(
  caps: SocketCaps,
  clientAddress: (req: IncomingMessage) => string,
): Middleware {
  return (req, res, next) => {
    if (!isHandshake(req)) {
      next();
      return;
    }
    const address = clientAddress(req);
    (req as EngineRequest)[RESPONSE] = res;
    caps.screen(address).then((refusal) => {
      (req as EngineRequest)[SCREENING] = { address, refusal };
      next();
    }, next);
  };
}

const FORBIDDEN_BODY = JSON.stringify({ code: 'CROSS_ORIGIN', message: 'Origin not allowed' });
const DRAINING_BODY = JSON.stringify({ code: 'UNAVAILABLE', message: 'Shutting down; try again' });
const TOO_LARGE_BODY = JSON.stringify({
  code: 'PAYLOAD_TOO_LARGE',
  message: ERRORS.PAYLOAD_TOO_LARGE.message,
});

/**
 * Refuses a polling POST whose `Content-Length` already exceeds the frame limit with 413, before a
 * byte of its body is read: engine.io would otherwise wait for the announced bytes and hold the
 * request until the HTTP request timeout. Bodies that announce nothing are still cut by engine.io
 * as they arrive.
 */
export function announcedBodyGate(limitBytes: number): Middleware {
  return (req, res, next) => {
    if (Number(req.headers['content-length']) > limitBytes) refuse(res, 413, TOO_LARGE_BODY);
    else next();
  };
}

/**
 * Answers new handshakes with 503 while the instance drains for shutdown, so a load balancer
 * retries them on another instance (nginx: `proxy_next_upstream ... http_503`).
 */
export function drainGate(isDraining: () => boolean): Middleware {
  return (req, res, next) => {
    if (!isHandshake(req) || !isDraining()) return next();
    countHandshake('UNAVAILABLE');
    refuse(res, 503, DRAINING_BODY);
  };
}

/**
 * Refuses a handshake whose Origin is present and not allowed with HTTP 403. It must be the first
 * engine middleware: engine middlewares run before `allowRequest`, so anything after it (the
 * session above all) would otherwise already have read, or even created, a session.
 */
export function originGate(policy: OriginPolicy): Middleware {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined || policy.isAllowedOrigin(origin, req)) {
      next();
      return;
    }
    logEvent('origin_refused', { transport: 'socket' });
    if (isHandshake(req)) countHandshake('CROSS_ORIGIN');
    refuse(res, 403, FORBIDDEN_BODY);
  };
}

/** Answers both a polling request and a websocket upgrade, whose `res` is only a stand-in. */
function refuse(res: ServerResponse, status: number, body: string): void {
  const headers = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) };
  if (typeof (res as Partial<ServerResponse>).writeHead === 'function' && 'statusCode' in res) {
    // Close, or Node reads and discards whatever body was announced to keep the connection alive.
    res.writeHead(status, { ...headers, Connection: 'close' }).end(body);
    return;
  }
  const socket = (res as unknown as { socket: Socket }).socket;
  const head = Object.entries({ ...headers, Connection: 'close' })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n\r\n${body}`);
}
