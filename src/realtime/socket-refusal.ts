import type { Socket } from 'socket.io';
import { ERRORS } from '../protocol/errors.js';
import type { ConnectErrorCode } from '../protocol/socket.js';

/** How long a refused transport may take to read its CONNECT_ERROR before it is cut. */
const REFUSED_GRACE_MS = 2_000;

/**
 * Refuses a connection in namespace middleware: the client gets `connect_error` with
 * `err.data = {code, message, details?}`, then the server closes the transport, so an
 * unauthenticated connection never lingers.
 */
export function refuseConnection(
  socket: Socket,
  next: (err?: Error) => void,
  code: ConnectErrorCode,
  message: string = ERRORS[code].message,
  details?: unknown,
): void {
  const conn = socket.conn;
  const data = details === undefined ? { code, message } : { code, message, details };
  next(Object.assign(new Error(message), { data }));
  // Socket.IO queues the CONNECT_ERROR on the next tick; close() waits for it to be written.
  setImmediate(() => conn.close());
  setTimeout(() => conn.close(true), REFUSED_GRACE_MS).unref();
}
