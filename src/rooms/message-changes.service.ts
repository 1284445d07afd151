import { Inject, Injectable } from '@nestjs/common';
import { AppException } from '../common/errors.js';
import { LIMITS } from '../protocol/limits.js';
import type { Message, User } from '../protocol/models.js';
import { MESSAGE_CHANGES, ReactionLimitError } from './message-changes.js';
import type { AppliedChange, MessageChangeStore } from './message-changes.js';
import { RoomsService } from './rooms.service.js';

/**
 * Who may change which message, shared by HTTP and sockets: the author edits, the author or the
 * room's owner deletes, anyone who can see the room reacts. The caller has already checked that
 * the user may use the room (joined, or can see it). A tombstone can only be deleted (again).
 */
@Injectable()
export class MessageChangesService {
  constructor(
    @Inject(MESSAGE_CHANGES) private readonly changes: MessageChangeStore,
    private readonly rooms: RoomsService,
  ) {}

  /** @throws AppException NOT_FOUND (no such message, or a tombstone), FORBIDDEN (not the author) */
  async edit(roomId: string, user: User, messageId: string, text: string): Promise<AppliedChange> {
    const message = await this.live(roomId, messageId);
    if (message.author.id !== user.id)
      throw new AppException('FORBIDDEN', 'Only its author can edit a message');
    return this.applied(await this.changes.edit(roomId, messageId, text, new Date()));
  }

  /** @throws AppException NOT_FOUND, FORBIDDEN (neither the author nor the room's owner) */
  async remove(roomId: string, user: User, messageId: string): Promise<AppliedChange> {
    const message = await this.changes.find(roomId, messageId);
    if (!message) throw new AppException('NOT_FOUND', 'Message not found');
    if (message.author.id !== user.id && (await this.rooms.getVisible(roomId, user.id)).ownerId !== user.id) {
      throw new AppException('FORBIDDEN', 'Only its author or the room\u2019s owner can delete a message');
    }
    return this.applied(await this.changes.remove(roomId, messageId));
  }

  /** @throws AppException NOT_FOUND, LIMIT_REACHED (the message has as many distinct emoji as allowed) */
  async react(roomId: string, user: User, messageId: string, emoji: string): Promise<AppliedChange> {
    try {
      return this.applied(await this.changes.react(roomId, messageId, emoji, user, LIMITS.reactionEmojiMax));
    } catch (error) {
      if (!(error instanceof ReactionLimitError)) throw error;
      throw new AppException('LIMIT_REACHED', `A message carries at most ${error.limit} different emoji`, {
        limit: error.limit,
      });
    }
  }

  async unreact(roomId: string, user: User, messageId: string, emoji: string): Promise<AppliedChange> {
    return this.applied(await this.changes.unreact(roomId, messageId, emoji, user.id));
  }

  head(roomId: string): Promise<string> {
    return this.changes.head(roomId);
  }

  changesSince(roomId: string, since: string, upTo: string, limit: number): Promise<Message[]> {
    return this.changes.changesSince(roomId, since, upTo, limit);
  }

  private async live(roomId: string, messageId: string): Promise<Message> {
    const message = await this.changes.find(roomId, messageId);
    if (!message || message.deleted) throw new AppException('NOT_FOUND', 'Message not found');
    return message;
  }

  /** The stores answer null for a message missing from the room, or deleted meanwhile. */
  private applied(change: AppliedChange | null): AppliedChange {
    if (!change) throw new AppException('NOT_FOUND', 'Message not found');
    return change;
  }
}
