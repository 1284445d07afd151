import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { MessageDelivery } from '../chat/message-delivery.js';
import { AppException } from '../common/errors.js';
import type { PublishMessageInput } from '../protocol/http.js';
import { SYSTEM_AUTHOR } from '../protocol/limits.js';
import type { Message, User } from '../protocol/models.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { toPublicUser } from '../users/user-store.js';
import { UsersService } from '../users/users.service.js';

/**
 * A backend's message, stored and delivered exactly as a user's (`RoomsService.send`, then
 * `MessageDelivery`), so it has a room-ordered id, shows in history and catch-up, notifies the users
 * it mentions, and a repeated `clientMsgId` stores nothing twice.
 */
@Injectable()
export class RoomPublisher {
  constructor(
    private readonly rooms: RoomsService,
    private readonly users: UsersService,
    private readonly delivery: MessageDelivery,
  ) {}

  async publish(roomId: string, input: PublishMessageInput): Promise<Message> {
    const room = await this.rooms.get(roomId);
    const author = input.author === undefined ? SYSTEM_AUTHOR : await this.poster(input.author);
    if (author !== SYSTEM_AUTHOR && !(await this.rooms.isVisibleTo(room, author.id))) {
      throw new AppException('FORBIDDEN', 'The author is not a member of this private room');
    }
    // Without an id of the caller's, every call is a new message.
    const clientMsgId = input.clientMsgId ?? randomUUID();
    const { message, created } = await this.rooms.send(room.id, author, input.text, clientMsgId);
    if (created) await this.delivery.deliver(message);
    return message;
  }

  private async poster(username: string): Promise<User> {
    const user = await this.users.findByUsername(username);
    if (!user) throw new AppException('NOT_FOUND', 'Author not found');
    if (user.disabled) throw new AppException('ACCOUNT_DISABLED');
    return toPublicUser(user);
  }
}
