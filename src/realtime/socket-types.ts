import type { Namespace, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../chat/events.js';

type InterServerEvents = Record<string, never>;

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
