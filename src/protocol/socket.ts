import { z } from 'zod';
import type { ApiError, ErrorCode } from './errors.js';
import { MessageIdSchema } from './http.js';
import { LIMITS } from './limits.js';
import { MessageSchema, RoomSchema, UserSchema } from './models.js';

/** Namespace `/chat`: payloads, ack results and server events. Unknown fields are a VALIDATION error. */

const IdSchema = z
  .string()
  .min(1, 'is required')
  .max(LIMITS.idMax, `must be at most ${LIMITS.idMax} characters`);

export const RoomRefSchema = z.strictObject({ roomId: IdSchema });

export const RoomJoinSchema = z.strictObject({
  roomId: IdSchema,
  /** Catch up from here: the messages after this id (up to `LIMITS.joinCatchUpMax`) instead of the latest. */
  after: MessageIdSchema.optional(),
});

export const MessageSendSchema = z.strictObject({
  roomId: IdSchema,
  text: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(LIMITS.messageTextMax, `must be at most ${LIMITS.messageTextMax} characters`),
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

export const SESSION_END_REASONS = ['logout', 'expired', 'password_changed', 'revoked'] as const;
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

export const PresenceEventSchema = z.object({
  roomId: z.string(),
  user: UserSchema,
  status: z.enum(['online', 'offline']),
});
export const TypingEventSchema = z.object({ roomId: z.string(), user: UserSchema });
export const SessionEndedEventSchema = z.object({ reason: z.enum(SESSION_END_REASONS) });

/** Every client event with its payload and the result its `{ok: true}` ack carries. */
/**
 * Set when a history page was cut to `LIMITS.historyMaxBytes`: it holds the messages nearest its
 * cursor (the first ones after `after`, else the newest), and the rest is one more fetch away.
 */
const TruncatedSchema = z.literal(true).optional();

export const CLIENT_EVENTS = {
  'room:join': {
    payload: RoomJoinSchema,
    result: z.object({
      room: RoomSchema,
      messages: z.array(MessageSchema),
      truncated: TruncatedSchema,
      online: z.array(UserSchema),
    }),
  },
  'room:leave': { payload: RoomRefSchema, result: z.object({}) },
  'message:send': { payload: MessageSendSchema, result: z.object({ message: MessageSchema }) },
  'messages:fetch': {
    payload: MessagesFetchSchema,
    result: z.object({ messages: z.array(MessageSchema), truncated: TruncatedSchema }),
  },
  'presence:list': { payload: RoomRefSchema, result: z.object({ online: z.array(UserSchema) }) },
  typing: { payload: RoomRefSchema, result: z.object({}) },
} as const;

/** Every server event with its payload. */
export const SERVER_EVENTS = {
  'message:new': MessageSchema,
  presence: PresenceEventSchema,
  typing: TypingEventSchema,
  /** Sent just before the server disconnects the socket (`io server disconnect`: do not reconnect). */
  'session:ended': SessionEndedEventSchema,
} as const;

type ClientEvents = typeof CLIENT_EVENTS;
export type ClientEventName = keyof ClientEvents;
export type ServerEventName = keyof typeof SERVER_EVENTS;

/** What the client sends (`z.input`: defaults such as `limit` may be left out). */
export type PayloadOf<E extends ClientEventName> = z.input<ClientEvents[E]['payload']>;
export type ResultOf<E extends ClientEventName> = z.output<ClientEvents[E]['result']>;

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ApiError };

/** The typed event maps for socket.io's `Socket<…>` generics, on the server and in clients. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: PayloadOf<E>, ack: (response: Ack<ResultOf<E>>) => void) => void;
};
export type ServerToClientEvents = {
  [E in ServerEventName]: (event: z.output<(typeof SERVER_EVENTS)[E]>) => void;
};

export type RoomJoinPayload = PayloadOf<'room:join'>;
export type MessageSendPayload = PayloadOf<'message:send'>;
export type MessagesFetchPayload = PayloadOf<'messages:fetch'>;
export type RoomRef = PayloadOf<'room:leave'>;
export type PresenceEvent = z.output<typeof PresenceEventSchema>;
