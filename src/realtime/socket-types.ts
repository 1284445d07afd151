import type { Namespace, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol/socket.js';
import type { User } from '../protocol/models.js';

/** Identity kept on each socket: small plain JSON (the cluster adapter may serialize it). */
export interface SocketData {
  user: User;
  sessionHash: string;
  /** ms since epoch after which the socket's credential is no longer valid, unless renewed. */
  expiresAt: number;
  /** How the socket authenticated. */
  via: 'session' | 'ticket' | 'token';
}

/** Between instances, through the cluster adapter: a revocation each instance applies to its own sockets. */
export const REVOKED_EVENT = 'session:revoked';
/** Between instances: each reports its own sockets (`ClusterCensus`). */
export const CENSUS_EVENT = 'instance:census';
/** Between instances: which users of a room an instance has sockets of (cluster adapters only). */
export const PRESENCE_QUERY_EVENT = 'presence:query';
/** Between instances: a user's sockets were taken out of a room, so they stop counting there. */
export const PRESENCE_REMOVED_EVENT = 'presence:removed';
type InterServerEvents = {
  [REVOKED_EVENT]: (revocation: unknown, confirm: (applied: boolean) => void) => void;
  [CENSUS_EVENT]: (query: unknown, answer: (report: unknown) => void) => void;
  [PRESENCE_QUERY_EVENT]: (roomId: unknown, answer: (users: User[]) => void) => void;
  [PRESENCE_REMOVED_EVENT]: (roomId: unknown, userId: unknown) => void;
};

export type ChatNamespace = Namespace<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Socket.IO room names. Sessions appear only as hashes: the raw id is a bearer secret. */
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionHash: string) => `session:${sessionHash}`;
/** Only the sockets a session's cookie opened (not those of its tickets or tokens). */
export const cookieSessionRoom = (sessionHash: string) => `session-cookie:${sessionHash}`;
export const chatRoom = (roomId: string) => `room:${roomId}`;
