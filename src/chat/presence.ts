import { Injectable, Logger } from '@nestjs/common';
import type { User } from '../users/user-store.js';
import { chatRoom, type ChatNamespace, type ChatSocket } from '../realtime/socket-types.js';

/**
 * Who is in a room, counted over every instance through the cluster adapter's `fetchSockets`.
 * `presence` events go out when a user's first socket joins and when their last socket leaves.
 */
@Injectable()
export class Presence {
  private readonly logger = new Logger(Presence.name);
  private namespace: ChatNamespace;

  attach(namespace: ChatNamespace): void {
    this.namespace = namespace;
    namespace.on('connection', (socket: ChatSocket) => {
      let rooms: string[] = [];
      socket.on('disconnecting', () => {
        rooms = [...socket.rooms].filter((r) => r.startsWith('room:')).map((r) => r.slice('room:'.length));
      });
      socket.on('disconnect', () => {
        for (const roomId of rooms) void this.announceIfGone(roomId, socket.data.user);
      });
    });
  }

  /** Joins the socket to the room and returns who is online there, this user included. */
  async join(socket: ChatSocket, roomId: string): Promise<User[]> {
    const channel = chatRoom(roomId);
    const rejoin = socket.rooms.has(channel);
    await socket.join(channel);
    const users = await this.socketsOf(roomId);
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
    await this.announceIfGone(roomId, socket.data.user);
  }

  async online(roomId: string): Promise<User[]> {
    return unique(await this.socketsOf(roomId));
  }

  private async announceIfGone(roomId: string, user: User): Promise<void> {
    try {
      if ((await this.socketsOf(roomId)).some((u) => u.id === user.id)) return;
      this.namespace.to(chatRoom(roomId)).emit('presence', { roomId, user, status: 'offline' });
    } catch (error) {
      this.logger.warn(`presence update failed: ${String(error)}`);
    }
  }

  /** One entry per socket. Falls back to this instance's sockets if another instance does not answer. */
  private async socketsOf(roomId: string): Promise<User[]> {
    const room = this.namespace.in(chatRoom(roomId));
    const sockets = await room.fetchSockets().catch((error: unknown) => {
      this.logger.warn(`cluster-wide presence unavailable, using local sockets: ${String(error)}`);
      return room.local.fetchSockets();
    });
    return sockets.map((s) => s.data.user);
  }
}

function unique(users: User[]): User[] {
  return [...new Map(users.map((u) => [u.id, u])).values()];
}
