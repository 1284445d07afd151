import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { runInLogContext } from './logger.js';

/** A caller's (or proxy's) `X-Request-Id` is kept when it is a plain token; otherwise we make one. */
const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** Paths asked so often that a line each would drown the log: debug level. */
const CHATTY = /^\/(socket\.io|health)(\/|$)/;

const pathOf = (req: IncomingMessage) => (req.url ?? '').split('?')[0];

/** A 503 is an outage or a drain, already said once elsewhere: a warning, not an error per request. */
function levelOf(path: string, status: number, error?: Error): 'error' | 'warn' | 'info' | 'debug' {
  if (error || (status >= 500 && status !== 503)) return 'error';
  if (CHATTY.test(path)) return 'debug';
  return status === 503 ? 'warn' : 'info';
}

/**
 * One line per HTTP request once it is answered: method, path (never the query, which may carry a
 * cursor or an Engine.IO sid), status, duration and request id; nothing from headers or bodies,
 * where cookies, tokens and passwords travel. Every line logged while the request runs carries
 * its `reqId`, and the response names it in `X-Request-Id`.
 */
export function requestLogger(root: Logger) {
  const http = pinoHttp({
    logger: root,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'reqId' },
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (req, res, error) => levelOf(pathOf(req), res.statusCode, error),
    customSuccessObject: (req, res, val: { responseTime: number }) => ({
      method: req.method,
      path: pathOf(req),
      status: res.statusCode,
      durationMs: val.responseTime,
    }),
    customErrorObject: (req, res, _error, val: { responseTime: number }) => ({
      method: req.method,
      path: pathOf(req),
      status: res.statusCode,
      durationMs: val.responseTime,
    }),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
  });
  return (req: IncomingMessage & { id?: unknown }, res: ServerResponse, next: () => void): void => {
    http(req, res);
    runInLogContext({ reqId: req.id }, next);
  };
}
