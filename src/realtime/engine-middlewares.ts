import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { OriginPolicy } from '../auth/origin-policy.js';
import type { Middleware } from '../session/session-middleware.js';

type EngineRequest = IncomingMessage & { _query: Record<string, string | undefined> };

/**
 * Runs `middleware` on the Engine.IO handshake only. Later polling requests and the websocket
 * upgrade of an established session carry `sid` and skip it: no session or passport work per poll.
 */
export function onlyForHandshake(middleware: Middleware): Middleware {
  return (req, res, next) => {
    if ((req as EngineRequest)._query.sid === undefined) middleware(req, res, next);
    else next();
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
    if ((req as EngineRequest)._query.sid === undefined && isDraining()) refuse(res, 503, DRAINING_BODY);
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
