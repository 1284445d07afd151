import { Inject, Injectable } from '@nestjs/common';
import { AppException } from '../common/errors.js';
import { LIMITS } from '../protocol/limits.js';
import type { Room, RoomSummary, User } from '../protocol/models.js';
import { toPublicUser } from '../users/user-store.js';
import { UsersService } from '../users/users.service.js';
import { ConversationLimits } from './conversation-limits.js';
import { READ_STATE_STORE, type MarkerMove, type ReadStateStore } from './read-state-store.js';
import { ROOM_STORE, type RoomStore } from './room-store.js';
import { RoomsService } from './rooms.service.js';

/** A direct room as each of its pair sees it. */
export interface OpenedDirect {
  created: boolean;
  forOpener: Room;
  forPeer: Room;
  peerId: string;
}

/** Direct rooms, the room list with read state, and read markers. */
@Injectable()
export class ConversationsService {
  constructor(
    @Inject(ROOM_STORE) private readonly rooms: RoomStore,
    @Inject(READ_STATE_STORE) private readonly reads: ReadStateStore,
    private readonly roomsService: RoomsService,
    private readonly users: UsersService,
    private readonly limits: ConversationLimits,
  ) {}

  /** `GET /rooms`: a page of rooms, each with the user's marker and counts (see `ReadStateStore`). */
  async summaries(userId: string, page: { cursor?: string; limit: number }) {
    const { rooms, nextCursor } = await this.roomsService.listFor(userId, page);
    const [states, presented] = await Promise.all([
      this.reads.stateOf(
        userId,
        rooms.map((r) => r.id),
        LIMITS.unreadCountMax,
      ),
      Promise.all(rooms.map((room) => this.present(room, userId))),
    ]);
    const summaries: RoomSummary[] = presented.map((room, i) => ({ ...room, ...states[i] }));
    return { rooms: summaries, nextCursor };
  }

  /** The room as `viewerId` sees it: a direct room names the other of its pair. */
  async present(room: Room, viewerId: string): Promise<Room> {
    if (room.visibility !== 'direct') return room;
    const pair = await this.rooms.directPair(room.id);
    const peerId = pair ? (pair[0] === viewerId ? pair[1] : pair[0]) : undefined;
    const peer = peerId ? await this.users.findById(peerId) : null;
    return peer ? { ...room, peer: toPublicUser(peer) } : room;
  }

  /**
   * @throws AppException NOT_FOUND (no such user: the same answer whether or not the name exists
   *   in any other sense), RATE_LIMITED
   */
  async openDirect(opener: User, username: string): Promise<OpenedDirect> {
    await this.limits.write(opener.id);
    const peer = await this.users.findByUsername(username);
    if (!peer) throw new AppException('NOT_FOUND', 'User not found');
    const name = `${opener.username}, ${peer.username}`;
    const { room, created } = await this.rooms.openDirect(opener.id, peer.id, name);
    const [forOpener, forPeer] = await Promise.all([
      this.present(room, opener.id),
      this.present(room, peer.id),
    ]);
    return { created, forOpener, forPeer, peerId: peer.id };
  }

  /**
   * Moves the user's marker forward.
   * @throws AppException NOT_FOUND (a room the user cannot see), RATE_LIMITED
   */
  async markRead(userId: string, roomId: string, messageId: string): Promise<MarkerMove> {
    await this.roomsService.getVisible(roomId, userId);
    await this.limits.read(userId);
    return this.reads.markRead(userId, roomId, messageId);
  }
}
