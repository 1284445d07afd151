import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/protocol/socket.js';

/** A client worker's sockets, in named groups, in the order they were opened. */
export type ChatClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Client {
  socket: ChatClient;
  /** Successful joins of the group's room, counted by a reconnecting socket's `connect` handler. */
  joins: number;
  lastJoinAt: number;
  connectErrors: number;
}

export const ACK_TIMEOUT_MS = 30_000;
export const groups = new Map<string, Client[]>();

export function groupOf(name: string): Client[] {
  const group = groups.get(name);
  if (!group) throw new Error(`no socket group ${name}`);
  return group;
}
