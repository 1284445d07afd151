import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { TIMEOUT_CHECK_INTERVAL_MS } from './http-server-limits.js';

/** Connections held while the app boots; past this many, more are refused (closed) at once. */
const MAX_HELD_CONNECTIONS = 20_000;

/**
 * The listening socket's accept queue. Loading the app keeps the event loop busy for whole seconds
 * (module compilation), and until it turns, the kernel queues new connections; once the queue is
 * full it drops further SYNs, and each of those clients retries only after 1, 3, 7, 15 s (or gets
 * reset when its retries run out). Node's default of 511 is a fraction of the clients that come
 * back together after a restart; the kernel caps this at `net.core.somaxconn` (4096 by default).
 */
export const LISTEN_BACKLOG = 65_535;

export interface EarlyListener {
  /** The HTTP server the app is to serve on (see `createApp`'s `httpServer`). */
  server: Server;
  /** Hands every held connection, and every later one, to the server's HTTP handling. */
  release(): void;
  /** A boot that failed: drops the held connections and stops listening, so the process can end. */
  abort(): void;
}

/**
 * Listens before the app is loaded (Nest and the drivers take seconds to import and start), so
 * clients retrying after a restart find an open port instead of a refusal and backing off for
 * seconds more. Connections that arrive meanwhile are held unread, bounded in number, and handed
 * to the HTTP server once the app is ready; nothing of a request is parsed before then, so every
 * gate applies to it as to any other.
 */
export function listenEarly(
  port: number,
  host?: string,
  maxHeld = MAX_HELD_CONNECTIONS,
): Promise<EarlyListener> {
  const server = createServer({ connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS });
  const handleHttp = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const held = new Set<Socket>();
  function hungUp(this: Socket) {
    this.destroy();
  }
  const hold = (socket: Socket) => {
    if (held.size >= maxHeld) {
      socket.destroy();
      return;
    }
    socket.pause();
    held.add(socket);
    socket.once('close', () => held.delete(socket));
    // Paused, a socket ends only once it has nothing unread: a client that left without sending a
    // request (a port probe). The HTTP server would never learn of that end, and the connection
    // would stay open until the process exits, holding up the server's close.
    socket.once('end', hungUp);
  };
  server.on('connection', hold);
  const release = () => {
    server.off('connection', hold);
    for (const listener of handleHttp) server.on('connection', listener);
    for (const socket of held) {
      if (socket.destroyed) continue;
      socket.off('end', hungUp);
      server.emit('connection', socket);
      socket.resume();
    }
    held.clear();
  };
  const abort = () => {
    for (const socket of held) socket.destroy();
    held.clear();
    server.close();
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve({ server, release, abort });
    });
  });
}
