import { Injectable } from '@nestjs/common';
import type { Message, Room, User } from '../protocol/models.js';
import { NamespaceLifecycle } from '../realtime/namespace-lifecycle.js';
import { Presence } from '../realtime/presence.js';
import { chatRoom, userRoom, type ChatNamespace } from '../realtime/socket-types.js';
import type { Audience } from '../rooms/room-management.service.js';
import { toPublicUser } from '../users/user-store.js';

/** Sockets per `to(...)` call: one adapter packet names at most this many user rooms. */
const USERS_PER_PACKET = 500;

/**
 * Room list changes, read markers and mentions to users' sockets on every instance: each socket
 * sits in its user's room (`user:<id>`, joined at connect), which the cluster adapter carries.
 */
@Injectable()
export class RoomFanout {
  constructor(
    private readonly lifecycle: NamespaceLifecycle,
    private readonly presence: Presence,
  ) {}

  /** Undefined before the gateway attached the namespace (nobody can be connected yet). */
  private get namespace(): ChatNamespace | undefined {
    return this.lifecycle.namespace;
  }

  added(audience: Audience, room: Room): void {
    this.toAudience(
      audience,
      (ns) => ns.emit('room:added', { room }),
      (to) => to.emit('room:added', { room }),
    );
  }

  updated(audience: Audience, room: Room): void {
    this.toAudience(
      audience,
      (ns) => ns.emit('room:updated', { room }),
      (to) => to.emit('room:updated', { room }),
    );
  }

  /**
   * The user's sockets leave the room on every instance (and stop counting there for presence), then
   * hear `room:removed`; the room hears them go offline. The adapter keeps the order, so a socket
   * told is a socket already out.
   */
  removed(user: User, roomId: string): void {
    const ns = this.namespace;
    if (!ns) return;
    ns.in(userRoom(user.id)).socketsLeave(chatRoom(roomId));
    this.presence.removed(ns, user.id, roomId);
    ns.to(userRoom(user.id)).emit('room:removed', { roomId });
    // Public fields only: a departure over HTTP hands over the request's user, epoch and login time too.
    ns.to(chatRoom(roomId)).emit('presence', { roomId, user: toPublicUser(user), status: 'offline' });
  }

  /** To the user's sockets, except `exceptSocketId` (the one that moved it). */
  read(userId: string, roomId: string, lastReadId: string, exceptSocketId?: string): void {
    const to = this.namespace?.to(userRoom(userId));
    (exceptSocketId ? to?.except(exceptSocketId) : to)?.emit('room:read', { roomId, lastReadId });
  }

  mentioned(userIds: readonly string[], message: Message): void {
    if (userIds.length === 0) return;
    this.namespace?.to(userIds.map(userRoom)).emit('mention', { roomId: message.roomId, message });
  }

  private toAudience(
    audience: Audience,
    everyone: (ns: ChatNamespace) => void,
    some: (to: ReturnType<ChatNamespace['to']>) => void,
  ): void {
    const ns = this.namespace;
    if (!ns) return;
    if (audience.everyone) return everyone(ns);
    for (let i = 0; i < audience.userIds.length; i += USERS_PER_PACKET) {
      some(ns.to(audience.userIds.slice(i, i + USERS_PER_PACKET).map(userRoom)));
    }
  }
}
