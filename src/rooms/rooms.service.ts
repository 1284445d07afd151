import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppException } from '../common/errors.js';
import { consumeOrRefuse } from '../common/rate-limit.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { RATE_LIMITER_FACTORY, type RateLimiterFactory } from '../storage/rate-limiter.js';
import type { User } from '../users/user-store.js';
import { UsersService } from '../users/users.service.js';
import type { Message, Room } from '../protocol/models.js';
import { MESSAGE_STORE } from './message-store.js';
import type { MessageQuery, MessageStore } from './message-store.js';
import { decodeRoomCursor, encodeRoomCursor } from './room-cursor.js';
import { OwnedRoomLimitError, ROOM_STORE } from './room-store.js';
import type { NewRoom, RoomStore } from './room-store.js';

/** Rooms, membership and history, with the contract's visibility rules. Shared by HTTP and sockets. */
@Injectable()
export class RoomsService implements OnModuleInit {
  /** Room creations per user: every room lands in the listing of everyone who can see it. */
  private readonly creations: RateLimiterAbstract;
  private readonly maxOwned: number;

  constructor(
    @Inject(ROOM_STORE) private readonly rooms: RoomStore,
    @Inject(MESSAGE_STORE) private readonly messages: MessageStore,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RATE_LIMITER_FACTORY) limiters: RateLimiterFactory,
  ) {
    this.creations = limiters({
      keyPrefix: 'room-create-user',
      points: config.roomCreateRateLimit,
      durationSec: config.roomCreateRateWindowSec,
    });
    this.maxOwned = config.maxOwnedRooms;
  }

  async onModuleInit(): Promise<void> {
    await this.rooms.ensureGeneral();
  }

  /**
   * One page of the rooms the user may see, oldest first, and the cursor of the next page (null
   * on the last one).
   * @throws AppException VALIDATION for a cursor this server did not hand out
   */
  async listFor(
    userId: string,
    page: { cursor?: string; limit: number },
  ): Promise<{ rooms: Room[]; nextCursor: string | null }> {
    const after = page.cursor === undefined ? undefined : decodeRoomCursor(page.cursor);
    if (after === null) {
      throw new AppException('VALIDATION', 'Invalid cursor', [
        { field: 'cursor', message: 'is not a cursor from a previous page' },
      ]);
    }
    // One more than asked tells whether a next page exists without a second query.
    const rooms = await this.rooms.listVisibleTo(userId, { after, limit: page.limit + 1 });
    const more = rooms.length > page.limit;
    if (more) rooms.length = page.limit;
    return { rooms, nextCursor: more ? encodeRoomCursor(rooms[rooms.length - 1]) : null };
  }

  /**
   * @throws AppException RATE_LIMITED (too many creations in the window) or LIMIT_REACHED (the
   *   owner owns the most rooms allowed, `details: {limit}`)
   */
  async create(room: NewRoom): Promise<Room> {
    await consumeOrRefuse(this.creations, room.ownerId, 'Creating rooms too fast; try again later');
    try {
      return await this.rooms.create(room, this.maxOwned);
    } catch (error) {
      if (!(error instanceof OwnedRoomLimitError)) throw error;
      throw new AppException('LIMIT_REACHED', `You already own ${error.limit} rooms, the most allowed`, {
        limit: error.limit,
      });
    }
  }

  /** The room if the user may see it; a private room one is not in is as absent as a missing one. */
  async getVisible(roomId: string, userId: string): Promise<Room> {
    const room = await this.get(roomId);
    if (!(await this.isVisibleTo(room, userId))) throw new AppException('NOT_FOUND', 'Room not found');
    return room;
  }

  /** Whoever asks: for the server API, which sees every room. */
  async get(roomId: string): Promise<Room> {
    const room = await this.rooms.findById(roomId);
    if (!room) throw new AppException('NOT_FOUND', 'Room not found');
    return room;
  }

  async isVisibleTo(room: Room, userId: string): Promise<boolean> {
    return room.visibility === 'public' || this.rooms.isMember(room.id, userId);
  }

  async addMember(roomId: string, actorId: string, username: string): Promise<void> {
    const room = await this.getVisible(roomId, actorId);
    if (room.ownerId !== actorId) throw new AppException('FORBIDDEN', 'Only the owner can add members');
    const user = await this.users.findByUsername(username);
    if (!user) throw new AppException('NOT_FOUND', 'User not found');
    await this.rooms.addMember(roomId, user.id);
  }

  history(roomId: string, query: MessageQuery): Promise<Message[]> {
    return this.messages.list(roomId, query);
  }

  /** Idempotent per (author, clientMsgId); a clientMsgId reused for another room is a CONFLICT. */
  async send(roomId: string, author: User, text: string, clientMsgId: string) {
    const result = await this.messages.append({ roomId, author, text, clientMsgId });
    if (result.message.roomId !== roomId) {
      throw new AppException('CONFLICT', 'clientMsgId was already used for another room');
    }
    return result;
  }
}
