/**
 * The contract's limits and fixed names, in one place for the server, the web app and clients.
 * No imports: browsers and bots load this without the schemas.
 */
export const LIMITS = {
  /** Usernames: letters, digits, "_", "." and "-"; unique case-insensitively. */
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 12,
  passwordMax: 256,
  /** Login accepts any non-empty username up to this long (a wrong one is INVALID_CREDENTIALS). */
  loginUsernameMax: 64,
  displayNameMax: 64,
  roomNameMax: 64,
  /** Room ids and `clientMsgId`s. */
  idMax: 64,
  /** Message text, counted after trimming. */
  messageTextMax: 4000,
  /** `messages:fetch` and `GET /rooms/:id/messages`: default and largest page. */
  historyPageDefault: 50,
  historyPageMax: 100,
  /** `GET /rooms`: default and largest page. */
  roomsPageDefault: 50,
  roomsPageMax: 100,
  /** `GET /rooms?cursor=`: an opaque cursor from a previous page is never longer. */
  roomsCursorMax: 200,
  /** `room:join` without `after`: the latest this many messages. */
  joinLatest: 50,
  /** `room:join` with `after`: at most this many messages after it. */
  joinCatchUpMax: 500,
  /**
   * Bytes of JSON one history page (`room:join`, `messages:fetch`) may carry, whatever its count:
   * a page cut to fit says `truncated: true` and ends at the side nearest its cursor.
   */
  historyMaxBytes: 131_072,
  /** Users a presence list (`room:join`, `presence:list`) names at most. */
  onlineListMax: 100,
  /** Events one socket may have awaiting their acks; more are answered `RATE_LIMITED` at once. */
  eventsInFlightMax: 16,
} as const;

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

/**
 * The author of what the server API publishes without naming a user. No account can pass for it:
 * its id is no user's (the server gives users UUIDs) and its username is reserved.
 */
export const SYSTEM_AUTHOR = { id: 'system', username: 'system', displayName: 'System' } as const;

/** Usernames no one may register, in any letter case. */
export const RESERVED_USERNAMES: readonly string[] = [SYSTEM_AUTHOR.username];

/** Message ids: zero-padded sequence numbers of this many digits, so string order is creation order. */
export const MESSAGE_ID_DIGITS = 16;
export const MESSAGE_ID_PATTERN = new RegExp(`^\\d{${MESSAGE_ID_DIGITS}}$`);

/** An `after` cursor before every message: catch up from a room's very beginning. */
export const BEFORE_FIRST_MESSAGE = '0'.repeat(MESSAGE_ID_DIGITS);

/** The public room every installation starts with. */
export const GENERAL_ROOM_ID = 'general';

/** The Socket.IO namespace of the chat, and the Engine.IO path it is served under. */
export const CHAT_NAMESPACE = '/chat';
export const SOCKET_IO_PATH = '/socket.io/';

/** The request header that carries the server API's key (`API_KEY`). */
export const API_KEY_HEADER = 'X-API-Key';

/** The session cookie (`__Host-` prefixed and `Secure` when the request came over HTTPS). */
export const SESSION_COOKIE = { name: 'tether.sid', secureName: '__Host-tether.sid' } as const;
