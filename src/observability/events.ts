import { contextLogger } from './logger.js';
import {
  countHandshake,
  countLoginFailure,
  countRateLimited,
  countSocket,
  type SocketAuth,
} from './metrics.js';

/**
 * Every event an operator may alert on, once: its `event` field and the level it logs at. The
 * names are stable (dashboards and alerts match them); the README lists them.
 */
export const LOG_EVENTS = {
  /** A wrong password, at login or as the current password of a change. */
  login_failed: 'info',
  /** A login refused before its password was checked: too many failures for the user or address. */
  login_locked: 'warn',
  /** An unsafe HTTP request or a handshake from an origin outside the policy. */
  origin_refused: 'warn',
  /** A session ended by logout, a password change or an expiry, with its sockets. */
  session_revoked: 'info',
  /** A session moved to a new id (login, password change): the old cookie is worthless. */
  session_renewed: 'info',
  /** A request, event or handshake refused by a rate limit (`limit` names it). */
  rate_limited: 'warn',
  /** A handshake refused with a `connect_error` (`code`). */
  connection_refused: 'info',
  /** A socket closed because it read too slowly and its outbound buffer passed the cap. */
  socket_cut_slow_reader: 'warn',
  /** A server API call (`operation`, `target`, `authorized`), refused or not; never the key. */
  api_call: 'info',
  /** A socket joined `/chat` (`auth`: session, ticket or token). */
  socket_connected: 'info',
  /** A socket left `/chat` (`reason`: Socket.IO's). */
  socket_disconnected: 'info',
} as const;

export type LogEvent = keyof typeof LOG_EVENTS;

/**
 * Logs one event with its fields (never a credential, a password or message text: callers pass
 * ids, codes and addresses) and feeds the metric that counts it, so a log line and its metric
 * cannot disagree.
 */
export function logEvent(
  event: LogEvent,
  fields: Record<string, string | number | boolean | undefined> = {},
): void {
  contextLogger()[LOG_EVENTS[event]]({ event, ...fields }, event);
}

export function loginFailed(fields: { ip?: string }): void {
  countLoginFailure();
  logEvent('login_failed', fields);
}

/** `limit`: the limiter's name (`login-fail-ip`, `chat-messages`, ...). */
export function rateLimited(limit: string, fields: Record<string, string | undefined> = {}): void {
  countRateLimited(limit);
  logEvent(limit.startsWith('login-fail') ? 'login_locked' : 'rate_limited', { limit, ...fields });
}

export function socketConnected(auth: SocketAuth, fields: { socketId: string; userId: string }): void {
  countHandshake('accepted');
  countSocket(auth, 1);
  logEvent('socket_connected', { auth, ...fields });
}

export function socketDisconnected(
  auth: SocketAuth,
  fields: { socketId: string; userId: string; reason: string },
): void {
  countSocket(auth, -1);
  logEvent('socket_disconnected', { auth, ...fields });
}

/** `code`: the `connect_error` code the handshake was refused with. */
export function connectionRefused(code: string, fields: { ip?: string } = {}): void {
  countHandshake(code);
  logEvent('connection_refused', { code, ...fields });
}
