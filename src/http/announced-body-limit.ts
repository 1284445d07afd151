import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppException } from '../common/errors.js';

/**
 * Refuses a request whose `Content-Length` already exceeds the body limit, before a byte of its
 * body is read and whatever the route. The body parser alone would wait for the announced bytes
 * (a client announcing 50 MB and sending 5 holds the connection until the request timeout).
 * Chunked bodies announce nothing; the parser's own limit still stops those.
 */
export function refuseAnnouncedOversize(limitBytes: number) {
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    // Node's parser has already refused a malformed or repeated Content-Length with a 400.
    if (Number(req.headers['content-length']) > limitBytes) {
      // Otherwise Node would read and discard the announced body to keep the connection alive.
      res.setHeader('Connection', 'close');
      next(new AppException('PAYLOAD_TOO_LARGE'));
      return;
    }
    next();
  };
}
