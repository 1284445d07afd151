import { z } from 'zod';
import { apiErrorOf, byStatus, RetryAfterSchema, type ApiError, type ErrorCode } from './errors.js';
import { LIMITS } from './limits.js';
import { MessageIdSchema, MessageSchema, RoomSchema, UserSchema } from './models.js';

/** Namespace `/chat`: payloads, ack results and server events. Unknown fields are a VALIDATION error. */

/** Room ids and `clientMsgId`s. */
export const IdSchema = z
  .string()
  .min(1, 'is required')
  .max(LIMITS.idMax, `must be at most ${LIMITS.idMax} characters`);

/** A message's text, as stored: trimmed, and not empty. */
export const MessageTextSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.messageTextMax, `must be at most ${LIMITS.messageTextMax} characters`);

export const RoomRefSchema = z.strictObject({ roomId: IdSchema });

export const RoomJoinSchema = z.strictObject({
  roomId: IdSchema,
  /** Catch up from here: the messages after this id (up to `LIMITS.joinCatchUpMax`) instead of the latest. */
  after: MessageIdSchema.optional(),
});

export const MessageSendSchema = z.strictObject({
  roomId: IdSchema,
  text: MessageTextSchema,
  /** Chosen by the client, unique per author: sending it again returns the stored message. */
  clientMsgId: IdSchema,
});

export const MessagesFetchSchema = z.strictObject({
  roomId: IdSchema,
  after: MessageIdSchema.optional(),
  before: MessageIdSchema.optional(),
  limit: z
    .number()
    .int('must be a whole number')
    .min(1)
    .max(LIMITS.historyPageMax)
    .default(LIMITS.historyPageDefault),
});

export const SESSION_END_REASONS = ['logout', 'expired', 'password_changed', 'revoked', 'disabled'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/**
 * The `err.data.code` values a refused handshake carries in its `connect_error` (`RATE_LIMITED`
 * with `details.retryAfterSec`).
 */
export const CONNECT_ERROR_CODES = [
  'UNAUTHENTICATED',
  'SESSION_EXPIRED',
  'TICKET_INVALID',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'NOT_FOUND',
  'CONNECTION_REUSED',
  'TOO_MANY_CONNECTIONS',
  'RATE_LIMITED',
  'INTERNAL',
] as const satisfies readonly ErrorCode[];
export type ConnectErrorCode = (typeof CONNECT_ERROR_CODES)[number];

/** `err.data` of a refused handshake's `connect_error`. */
export const ConnectErrorSchema = z.object({
  code: z.enum(CONNECT_ERROR_CODES),
  message: z.string(),
  details: RetryAfterSchema.optional(),
});
export type ConnectError = z.output<typeof ConnectErrorSchema>;

export const PresenceEventSchema = z.object({
  roomId: z.string(),
  user: UserSchema,
  status: z.enum(['online', 'offline']),
});
export const TypingEventSchema = z.object({ roomId: z.string(), user: UserSchema });
export const SessionEndedEventSchema = z.object({ reason: z.enum(SESSION_END_REASONS) });

/**
 * Set when a history page was cut to `LIMITS.historyMaxBytes`: it holds the messages nearest its
 * cursor (the first ones after `after`, else the newest), and the rest is one more fetch away.
 */
const TruncatedSchema = z.literal(true).optional();

/**
 * Errors any event's ack may carry: a payload that fails its schema, a socket whose credential
 * expired (the guard runs first), too many events of this socket awaiting their acks
 * (`LIMITS.eventsInFlightMax`), a backing service out of reach, and the catch-all.
 */
export const COMMON_EVENT_ERRORS = [
  'VALIDATION',
  'SESSION_EXPIRED',
  'TOKEN_EXPIRED',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] as const satisfies readonly ErrorCode[];

/**
 * Every client event: its payload, the result its `{ok: true}` ack carries, and the error codes
 * its `{ok: false}` ack may carry beyond `COMMON_EVENT_ERRORS`. The specifications, the contract
 * test and the typed event maps below are all read from here.
 */
export const CLIENT_EVENTS = {
  'room:join': {
    summary: 'Join a room: its latest messages, or those after `after` (catch-up), and who is online in it.',
    payload: RoomJoinSchema,
    result: z.object({
      room: RoomSchema,
      messages: z.array(MessageSchema),
      truncated: TruncatedSchema,
      online: z.array(UserSchema),
    }),
    errors: ['NOT_FOUND'],
  },
  'room:leave': {
    summary: 'Leave a room: no more of its events reach this socket.',
    payload: RoomRefSchema,
    result: z.object({}),
    errors: [],
  },
  'message:send': {
    summary:
      'Store a message and hand it to every other member; the same `clientMsgId` again returns the stored one.',
    payload: MessageSendSchema,
    result: z.object({ message: MessageSchema }),
    errors: ['FORBIDDEN', 'RATE_LIMITED', 'CONFLICT'],
  },
  'messages:fetch': {
    summary: 'A page of a joined room\u2019s history, oldest first.',
    payload: MessagesFetchSchema,
    result: z.object({ messages: z.array(MessageSchema), truncated: TruncatedSchema }),
    errors: ['FORBIDDEN'],
  },
  'presence:list': {
    summary: 'Who has a socket in a joined room, on any instance.',
    payload: RoomRefSchema,
    result: z.object({ online: z.array(UserSchema) }),
    errors: ['FORBIDDEN'],
  },
  typing: {
    summary: 'Tell the room this user is typing (relayed as a volatile event).',
    payload: RoomRefSchema,
    result: z.object({}),
    errors: ['FORBIDDEN'],
  },
} as const satisfies Record<
  string,
  { summary: string; payload: z.ZodType; result: z.ZodObject; errors: readonly ErrorCode[] }
>;

/** Every server event with its payload. */
export const SERVER_EVENTS = {
  'message:new': {
    summary: 'A message was stored in a joined room; to every socket in it but the sender\u2019s.',
    payload: MessageSchema,
  },
  presence: {
    summary: 'A user\u2019s first socket joined, or last socket left, a joined room (cluster-wide).',
    payload: PresenceEventSchema,
  },
  typing: { summary: 'Someone else in a joined room is typing.', payload: TypingEventSchema },
  'session:ended': {
    summary: 'Sent just before the server disconnects the socket (`io server disconnect`): do not reconnect.',
    payload: SessionEndedEventSchema,
  },
} as const satisfies Record<string, { summary: string; payload: z.ZodType }>;

type ClientEvents = typeof CLIENT_EVENTS;
export type ClientEventName = keyof ClientEvents;
export type ServerEventName = keyof typeof SERVER_EVENTS;

/** What the client sends (`z.input`: defaults such as `limit` may be left out). */
export type PayloadOf<E extends ClientEventName> = z.input<ClientEvents[E]['payload']>;
export type ResultOf<E extends ClientEventName> = z.output<ClientEvents[E]['result']>;
export type ServerEventOf<E extends ServerEventName> = z.output<(typeof SERVER_EVENTS)[E]['payload']>;

/** The codes an event's `{ok: false}` ack may carry. */
export function eventErrors(event: ClientEventName): ErrorCode[] {
  return [...new Set<ErrorCode>([...CLIENT_EVENTS[event].errors, ...COMMON_EVENT_ERRORS])].sort(byStatus);
}

/** An event's ack as a schema: `{ok: true, ...result}` or `{ok: false, error}` with one of its codes. */
export function ackSchema(event: ClientEventName) {
  return z.discriminatedUnion('ok', [
    CLIENT_EVENTS[event].result.extend({ ok: z.literal(true) }),
    z.object({ ok: z.literal(false), error: apiErrorOf(eventErrors(event)) }),
  ]);
}

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ApiError };

/** The typed event maps for socket.io's `Socket<…>` generics, on the server and in clients. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: PayloadOf<E>, ack: (response: Ack<ResultOf<E>>) => void) => void;
};
export type ServerToClientEvents = {
  [E in ServerEventName]: (event: ServerEventOf<E>) => void;
};

export type RoomJoinPayload = PayloadOf<'room:join'>;
export type RoomJoinResult = ResultOf<'room:join'>;
export type MessageSendPayload = PayloadOf<'message:send'>;
export type MessagesFetchPayload = PayloadOf<'messages:fetch'>;
export type RoomRef = PayloadOf<'room:leave'>;
export type PresenceEvent = ServerEventOf<'presence'>;
export type TypingEvent = ServerEventOf<'typing'>;
