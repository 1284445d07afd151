import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { AppException } from '../common/errors.js';
import type { User } from '../users/user-store.js';
import { UsersService } from '../users/users.service.js';
import type { Message, Room } from '../protocol/models.js';
import { MESSAGE_STORE } from './message-store.js';
import type { MessageQuery, MessageStore } from './message-store.js';
import { ROOM_STORE } from './room-store.js';
import type { NewRoom, RoomStore } from './room-store.js';

/** Rooms, membership and history, with the contract's visibility rules. Shared by HTTP and sockets. */
@Injectable()
export class RoomsService implements OnModuleInit {
  constructor(
    @Inject(ROOM_STORE) private readonly rooms: RoomStore,
    @Inject(MESSAGE_STORE) private readonly messages: MessageStore,
    private readonly users: UsersService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.rooms.ensureGeneral();
  }

  listFor(userId: string): Promise<Room[]> {
    return this.rooms.listVisibleTo(userId);
  }

  create(room: NewRoom): Promise<Room> {
    return this.rooms.create(room);
  }

  /** The room if the user may see it; a private room one is not in is as absent as a missing one. */
  async getVisible(roomId: string, userId: string): Promise<Room> {
    const room = await this.rooms.findById(roomId);
    if (!room || (room.visibility === 'private' && !(await this.rooms.isMember(roomId, userId)))) {
      throw new AppException('NOT_FOUND', 'Room not found');
    }
    return room;
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
