import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { OriginPolicy } from '../auth/origin-policy.js';
import type { AppException } from '../common/errors.js';
import type { Middleware } from '../session/session-middleware.js';
import type { SocketCaps } from './socket-caps.js';

/** What the engine learned about a handshake request before any session was read. */
export interface Screening {
  /** The client's address, with `TRUST_PROXY` applied. */
  address: string;
  /** Set when the address is over its handshake rate: the namespace refuses its CONNECT with it. */
  refusal?: AppException;
}

const SCREENING = Symbol('tether.screening');

type EngineRequest = IncomingMessage & {
  _query: Record<string, string | undefined>;
  [SCREENING]?: Screening;
};

const isHandshake = (req: IncomingMessage) => (req as EngineRequest)._query.sid === undefined;

/** The screening of the request that opened a connection (undefined once it was released). */
export function screeningOf(req: IncomingMessage | undefined): Screening | undefined {
  return (req as EngineRequest | undefined)?.[SCREENING];
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
  return (req, _res, next) => {
    if (!isHandshake(req)) {
      next();
      return;
    }
    const address = clientAddress(req);
    caps.screen(address).then((refusal) => {
      (req as EngineRequest)[SCREENING] = { address, refusal };
      next();
    }, next);
  };
}

const FORBIDDEN_BODY = JSON.stringify({ code: 'CROSS_ORIGIN', message: 'Origin not allowed' });
const DRAINING_BODY = JSON.stringify({ code: 'INTERNAL', message: 'Shutting down; try again' });

/**
 * Answers new handshakes with 503 while the instance drains for shutdown, so a load balancer
 * retries them on another instance (nginx: `proxy_next_upstream ... http_503`).
 */
export function drainGate(isDraining: () => boolean): Middleware {
  return (req, res, next) => {
    if (isHandshake(req) && isDraining()) refuse(res, 503, DRAINING_BODY);
    else next();
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
    refuse(res, 403, FORBIDDEN_BODY);
  };
}

/** Answers both a polling request and a websocket upgrade, whose `res` is only a stand-in. */
function refuse(res: ServerResponse, status: number, body: string): void {
  const headers = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) };
  if (typeof (res as Partial<ServerResponse>).writeHead === 'function' && 'statusCode' in res) {
    res.writeHead(status, headers).end(body);
    return;
  }
  const socket = (res as unknown as { socket: Socket }).socket;
  const head = Object.entries({ ...headers, Connection: 'close' })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n\r\n${body}`);
}
