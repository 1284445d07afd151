import { Inject, Injectable } from '@nestjs/common';
import { AppException } from '../common/errors.js';
import type { MembersQuery, MembersResponse, UpdateRoomInput } from '../protocol/conversations.js';
import type { Room, User } from '../protocol/models.js';
import { toPublicUser } from '../users/user-store.js';
import { UsersService } from '../users/users.service.js';
import { ConversationLimits } from './conversation-limits.js';
import { ROOM_STORE, type LeaveOutcome, type RoomStore } from './room-store.js';
import { RoomsService } from './rooms.service.js';

/** Who sees a room: everyone (public), or its members. */
export type Audience = { everyone: true } | { everyone: false; userIds: string[] };

/** Owners rename, set topics and remove members; members leave and list each other. */
@Injectable()
export class RoomManagementService {
  constructor(
    @Inject(ROOM_STORE) private readonly rooms: RoomStore,
    private readonly roomsService: RoomsService,
    private readonly users: UsersService,
    private readonly limits: ConversationLimits,
  ) {}

  /** @throws AppException NOT_FOUND, FORBIDDEN (not the owner), RATE_LIMITED */
  async update(roomId: string, actorId: string, changes: UpdateRoomInput): Promise<Room> {
    const current = await this.ownedBy(roomId, actorId, 'Only the owner can rename a room or set its topic');
    if (current.visibility === 'direct') throw new AppException('FORBIDDEN', 'Direct rooms keep their names');
    await this.limits.write(actorId);
    const room = await this.rooms.update(roomId, changes);
    if (!room) throw new AppException('NOT_FOUND', 'Room not found');
    return room;
  }

  /**
   * The outcome, and the room when it passed to a new owner.
   * @throws AppException NOT_FOUND, FORBIDDEN (a public or direct room), RATE_LIMITED
   */
  async leave(roomId: string, userId: string): Promise<{ outcome: LeaveOutcome; handedOver?: Room }> {
    const room = await this.roomsService.getVisible(roomId, userId);
    if (room.visibility !== 'private') {
      throw new AppException('FORBIDDEN', 'Only private rooms can be left');
    }
    await this.limits.write(userId);
    const outcome = await this.rooms.leave(roomId, userId);
    const handedOver = 'room' in outcome && outcome.room.ownerId !== room.ownerId ? outcome.room : undefined;
    return { outcome, handedOver };
  }

  /**
   * The removed user's id, or null when they were no member.
   * @throws AppException NOT_FOUND (room, or user), FORBIDDEN (not the owner, not a private
   *   room, or oneself: owners leave instead), RATE_LIMITED
   */
  async removeMember(roomId: string, actorId: string, username: string): Promise<User | null> {
    const room = await this.ownedBy(roomId, actorId, 'Only the owner can remove members');
    if (room.visibility !== 'private') {
      throw new AppException('FORBIDDEN', 'Members can be removed from private rooms only');
    }
    await this.limits.write(actorId);
    const user = await this.users.findByUsername(username);
    if (!user) throw new AppException('NOT_FOUND', 'User not found');
    if (user.id === actorId) throw new AppException('FORBIDDEN', 'Owners leave their room instead');
    return (await this.rooms.removeMember(roomId, user.id)) ? toPublicUser(user) : null;
  }

  /** @throws AppException NOT_FOUND (a room the user cannot see) */
  async members(roomId: string, userId: string, query: MembersQuery): Promise<MembersResponse> {
    await this.roomsService.getVisible(roomId, userId);
    const ids = await this.rooms.listMembers(roomId, { after: query.after, limit: query.limit + 1 });
    const more = ids.length > query.limit;
    if (more) ids.length = query.limit;
    const users = await Promise.all(ids.map((id) => this.users.findById(id)));
    return {
      members: users.filter((u) => u !== null).map(toPublicUser),
      nextCursor: more ? ids[ids.length - 1] : null,
    };
  }

  /** Everyone who sees the room now, for its live updates. */
  async audience(room: Room): Promise<Audience> {
    if (room.visibility === 'public') return { everyone: true };
    const userIds: string[] = [];
    for (let page = await this.rooms.listMembers(room.id, { limit: 1000 }); page.length > 0;) {
      userIds.push(...page);
      page = await this.rooms.listMembers(room.id, { after: page[page.length - 1], limit: 1000 });
    }
    return { everyone: false, userIds };
  }

  private async ownedBy(roomId: string, actorId: string, refusal: string): Promise<Room> {
    const room = await this.roomsService.getVisible(roomId, actorId);
    if (room.ownerId !== actorId) throw new AppException('FORBIDDEN', refusal);
    return room;
  }
}
