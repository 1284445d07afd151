import { Inject, Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { LIMITS } from '../protocol/limits.js';
import type { User } from '../protocol/models.js';
import { contained } from './contained.js';
import { RoomOccupancy } from './room-occupancy.js';
import {
  chatRoom,
  PRESENCE_QUERY_EVENT,
  PRESENCE_REMOVED_EVENT,
  userRoom,
  type ChatNamespace,
  type ChatSocket,
} from './socket-types.js';

/** How long a join waits for the other instances' answers before it names this instance's users only. */
const PEER_TIMEOUT_MS = 2_000;
/** A room or user id in another instance's message. */
const IdSchema = z.string().min(1).max(200);

/**
 * Who is in a room, from per-room counts of users per instance (`RoomOccupancy`), so a join or a
 * departure costs the same in a room of ten sockets or ten thousand. `presence` events go out when
 * a user's first socket joins and when their last socket leaves. With a cluster adapter, the other
 * instances answer a query from their own counts (users, not sockets, and at most the list cap);
 * counts live in each process, so a crashed instance's users vanish with it and a restarted one
 * starts from zero, as its sockets do.
 */
@Injectable()
export class Presence {
  private readonly logger = new Logger(Presence.name);
  private readonly occupancy = new RoomOccupancy();
  private readonly clustered: boolean;
  /** The rooms each socket is counted in, so a departure is counted once whatever raced it. */
  private readonly counted = new WeakMap<ChatSocket, Set<string>>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.clustered = config.ioAdapter !== 'memory';
  }

  /** Answers the other instances' queries; returns the stop function. */
  listen(namespace: ChatNamespace): () => void {
    const fromPeer = (roomId: unknown, answer?: unknown) =>
      contained(this.logger, 'a presence query from another instance', () => {
        const parsed = IdSchema.safeParse(roomId);
        if (typeof answer !== 'function') return;
        (answer as (users: User[]) => void)(
          parsed.success ? this.occupancy.users(parsed.data, LIMITS.onlineListMax) : [],
        );
      });
    const removedElsewhere = (roomId: unknown, userId: unknown) =>
      contained(this.logger, 'a presence removal from another instance', () => {
        const room = IdSchema.safeParse(roomId);
        const user = IdSchema.safeParse(userId);
        if (room.success && user.success) this.uncount(namespace, user.data, room.data);
      });
    namespace.on(PRESENCE_QUERY_EVENT, fromPeer);
    namespace.on(PRESENCE_REMOVED_EVENT, removedElsewhere);
    return () => {
      namespace.off(PRESENCE_QUERY_EVENT, fromPeer);
      namespace.off(PRESENCE_REMOVED_EVENT, removedElsewhere);
    };
  }

  /**
   * The user's sockets were taken out of the room on every instance (`socketsLeave`: a removal, a
   * departure): they stop counting there, here and on the other instances, which hear it after the
   * `socketsLeave` (one adapter, in order). The caller announces them offline.
   */
  removed(namespace: ChatNamespace, userId: string, roomId: string): void {
    this.uncount(namespace, userId, roomId);
    if (!this.clustered) return;
    // Through the adapter, as in `askPeers`. Lost with the adapter's connection, like any relayed
    // event: the other instances then count those sockets until they disconnect.
    const adapter = namespace.adapter as { serverSideEmit(packet: unknown[]): unknown };
    Promise.resolve(adapter.serverSideEmit([PRESENCE_REMOVED_EVENT, roomId, userId])).catch(
      (error: unknown) => this.logger.warn(`presence removal not relayed: ${String(error)}`),
    );
  }

  /** On connection: announces the user's departure from its rooms when the socket goes. */
  track(socket: ChatSocket): void {
    socket.on('disconnect', () => {
      const rooms = this.counted.get(socket);
      this.counted.delete(socket);
      for (const roomId of rooms ?? []) this.departed(socket, roomId);
    });
  }

  /**
   * Counts a socket that is in the room (the caller joined it, and checked it may be there) and
   * returns who is online there, this user included. Joining it here again would put back a socket
   * that a removal took out meanwhile.
   */
  async join(socket: ChatSocket, roomId: string): Promise<User[]> {
    const me = socket.data.user;
    let rooms = this.counted.get(socket);
    // A socket that went meanwhile was never counted, and a rejoin is counted once.
    let first = false;
    if (socket.connected && !rooms?.has(roomId)) {
      if (!rooms) this.counted.set(socket, (rooms = new Set()));
      rooms.add(roomId);
      first = this.occupancy.add(roomId, me);
    }
    const { users, elsewhere } = await this.usersIn(socket.nsp, roomId, first ? me.id : undefined);
    if (first && !elsewhere) {
      socket.to(chatRoom(roomId)).emit('presence', { roomId, user: me, status: 'online' });
    }
    return users;
  }

  async leave(socket: ChatSocket, roomId: string): Promise<void> {
    const rooms = this.counted.get(socket);
    if (!rooms?.has(roomId)) return;
    rooms.delete(roomId);
    await socket.leave(chatRoom(roomId));
    this.departed(socket, roomId);
  }

  async online(socket: ChatSocket, roomId: string): Promise<User[]> {
    return (await this.usersIn(socket.nsp, roomId)).users;
  }

  /** This instance's sockets of the user stop counting in the room, silently. */
  private uncount(namespace: ChatNamespace, userId: string, roomId: string): void {
    for (const id of namespace.adapter.rooms.get(userRoom(userId)) ?? []) {
      const socket = namespace.sockets.get(id);
      if (socket && this.counted.get(socket)?.delete(roomId)) this.occupancy.remove(roomId, userId);
    }
  }

  private departed(socket: ChatSocket, roomId: string): void {
    const user = socket.data.user;
    if (!this.occupancy.remove(roomId, user.id)) return;
    this.usersIn(socket.nsp, roomId, user.id)
      .then(({ elsewhere }) => {
        if (elsewhere || this.occupancy.has(roomId, user.id)) return;
        socket.nsp.to(chatRoom(roomId)).emit('presence', { roomId, user, status: 'offline' });
      })
      .catch((error: unknown) => this.logger.warn(`presence update failed: ${String(error)}`));
  }

  /**
   * The room's users over every instance (at most the list cap), and whether another instance has
   * sockets of `userId` there. Without an answer from the others, this instance's users only.
   */
  private async usersIn(
    namespace: ChatNamespace,
    roomId: string,
    userId?: string,
  ): Promise<{ users: User[]; elsewhere: boolean }> {
    const local = this.occupancy.users(roomId, LIMITS.onlineListMax);
    if (!this.clustered) return { users: local, elsewhere: false };
    const peers = await askPeers(namespace, roomId).catch((error: unknown) => {
      this.logger.warn(`cluster-wide presence unavailable, using local sockets: ${String(error)}`);
      return [] as unknown[];
    });
    const all = new Map(local.map((u) => [u.id, u]));
    let elsewhere = false;
    for (const answer of peers) {
      if (!Array.isArray(answer)) continue;
      for (const user of answer as User[]) {
        if (user?.id === userId) elsewhere = true;
        if (typeof user?.id === 'string' && !all.has(user.id)) all.set(user.id, user);
      }
    }
    return { users: [...all.values()].slice(0, LIMITS.onlineListMax), elsewhere };
  }
}

/** Each other instance's answer to a presence query for the room. */
function askPeers(namespace: ChatNamespace, roomId: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer')), PEER_TIMEOUT_MS);
    const answered = (error: Error | null, responses: unknown[]) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(responses);
    };
    // Through the adapter, as in `SocketRevocation`: the namespace's own promise goes uncaught.
    const adapter = namespace.adapter as { serverSideEmit(packet: unknown[]): unknown };
    Promise.resolve(adapter.serverSideEmit([PRESENCE_QUERY_EVENT, roomId, answered])).catch(
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
