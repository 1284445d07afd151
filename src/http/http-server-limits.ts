import type { Server } from 'node:http';
import type { AppConfig } from '../config/config.js';

/**
 * How often Node looks for connections past `headersTimeout` or `requestTimeout`. Its default
 * (30 s) lets a slow client keep a connection up to 30 s beyond either timeout.
 */
export const TIMEOUT_CHECK_INTERVAL_MS = 1000;

type Limits = Pick<AppConfig, 'httpHeadersTimeoutSec' | 'httpRequestTimeoutSec' | 'httpKeepAliveTimeoutSec'>;

/**
 * Bounds how long a client may take to send a request and may keep an idle connection, so slow
 * senders (slowloris headers, a trickled body) cannot hold connections open, and a long keep-alive
 * timeout does not hold up shutdown. Applied to the server
 * before it listens: `main.ts` and the tests both listen through Nest, so both run these values.
 */
export function applyHttpServerLimits(server: Server, config: Limits): void {
  server.headersTimeout = config.httpHeadersTimeoutSec * 1000;
  server.requestTimeout = config.httpRequestTimeoutSec * 1000;
  server.keepAliveTimeout = config.httpKeepAliveTimeoutSec * 1000;
  // Not in the typings, but Node reads it when the server starts listening (`listenEarly`'s server
  // listens before this runs and is given it at creation).
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    TIMEOUT_CHECK_INTERVAL_MS;
  // Node closes the connections that are idle when the server closes, but one busy then is kept
  // for the whole keep-alive timeout after its response, holding shutdown up that long.
  const close = server.close.bind(server);
  server.close = (callback?: (err?: Error) => void) => {
    server.keepAliveTimeout = 1;
    return close(callback);
  };
}
