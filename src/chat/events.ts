/**
 * The typed Socket.IO event map of namespace `/chat`: the single source of event names and
 * payloads for the gateway, the tests and the web client. Types only, so any bundler can import it.
 */
import type { ApiError } from '../common/errors.js';
import type { Message, Room, User } from './chat.types.js';

export type { ApiError, Message, Room, User };

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ApiError };
type Handler<P, R extends object> = (payload: P, ack: (response: Ack<R>) => void) => void;

export interface RoomJoinPayload {
  roomId: string;
  /** Catch up from here: all messages after this id (up to 500) instead of the latest 50. */
  after?: string;
}
export interface MessageSendPayload {
  roomId: string;
  text: string;
  clientMsgId: string;
}
export interface MessagesFetchPayload {
  roomId: string;
  after?: string;
  before?: string;
  /** 1-100, default 50. */
  limit?: number;
}
export interface RoomRef {
  roomId: string;
}

export type SessionEndReason = 'logout' | 'expired' | 'password_changed' | 'revoked';

export interface ClientToServerEvents {
  'room:join': Handler<RoomJoinPayload, { room: Room; messages: Message[]; online: User[] }>;
  'room:leave': Handler<RoomRef, object>;
  'message:send': Handler<MessageSendPayload, { message: Message }>;
  'messages:fetch': Handler<MessagesFetchPayload, { messages: Message[] }>;
  'presence:list': Handler<RoomRef, { online: User[] }>;
  typing: Handler<RoomRef, object>;
}

export interface PresenceEvent {
  roomId: string;
  user: User;
  status: 'online' | 'offline';
}

export interface ServerToClientEvents {
  'message:new': (message: Message) => void;
  presence: (event: PresenceEvent) => void;
  typing: (event: { roomId: string; user: User }) => void;
  'session:ended': (event: { reason: SessionEndReason }) => void;
}

/** Identity kept on each socket: small plain JSON (the cluster adapter may serialize it). */
export interface SocketData {
  user: User;
  sessionHash: string;
  /** ms since epoch after which the socket's credential is no longer valid, unless renewed. */
  expiresAt: number;
  /** How the socket authenticated. */
  via: 'session' | 'ticket' | 'token';
}
