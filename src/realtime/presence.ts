import { Injectable, Logger } from '@nestjs/common';
import { LIMITS } from '../protocol/limits.js';
import type { User } from '../protocol/models.js';
import { chatRoom, type ChatSocket } from './socket-types.js';

/**
 * Who is in a room, counted over every instance through the cluster adapter's `fetchSockets`.
 * `presence` events go out when a user's first socket joins and when their last socket leaves.
 */
@Injectable()
export class Presence {
  private readonly logger = new Logger(Presence.name);

  /** On connection: announces the user's departure from its rooms when the socket goes. */
  track(socket: ChatSocket): void {
    let rooms: string[] = [];
    socket.on('disconnecting', () => {
      rooms = [...socket.rooms].filter((r) => r.startsWith('room:')).map((r) => r.slice('room:'.length));
    });
    socket.on('disconnect', () => {
      for (const roomId of rooms) void this.announceIfGone(socket, roomId);
    });
  }

  /** Joins the socket to the room and returns who is online there, this user included. */
  async join(socket: ChatSocket, roomId: string): Promise<User[]> {
    const channel = chatRoom(roomId);
    const rejoin = socket.rooms.has(channel);
    await socket.join(channel);
    const users = await this.socketsOf(socket, roomId);
    const me = socket.data.user;
    if (!rejoin && users.filter((u) => u.id === me.id).length === 1) {
      socket.to(channel).emit('presence', { roomId, user: me, status: 'online' });
    }
    return unique(users);
  }

  async leave(socket: ChatSocket, roomId: string): Promise<void> {
    const channel = chatRoom(roomId);
    if (!socket.rooms.has(channel)) return;
    await socket.leave(channel);
    await this.announceIfGone(socket, roomId);
  }

  async online(socket: ChatSocket, roomId: string): Promise<User[]> {
    return unique(await this.socketsOf(socket, roomId));
  }

  private async announceIfGone(socket: ChatSocket, roomId: string): Promise<void> {
    try {
      const user = socket.data.user;
      if ((await this.socketsOf(socket, roomId)).some((u) => u.id === user.id)) return;
      socket.nsp.to(chatRoom(roomId)).emit('presence', { roomId, user, status: 'offline' });
    } catch (error) {
      this.logger.warn(`presence update failed: ${String(error)}`);
    }
  }

  /** One entry per socket. Falls back to this instance's sockets if another instance does not answer. */
  private async socketsOf(socket: ChatSocket, roomId: string): Promise<User[]> {
    const room = socket.nsp.in(chatRoom(roomId));
    const sockets = await room.fetchSockets().catch((error: unknown) => {
      this.logger.warn(`cluster-wide presence unavailable, using local sockets: ${String(error)}`);
      return room.local.fetchSockets();
    });
    return sockets.map((s) => s.data.user);
  }
}

/** One entry per user, at most `LIMITS.onlineListMax` of them, so no ack grows with the room. */
function unique(users: User[]): User[] {
  return [...new Map(users.map((u) => [u.id, u])).values()].slice(0, LIMITS.onlineListMax);
}
