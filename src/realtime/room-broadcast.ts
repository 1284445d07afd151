import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors.js';
import { countMessage } from '../observability/metrics.js';
import type { Message } from '../protocol/models.js';
import { NamespaceLifecycle } from './namespace-lifecycle.js';
import { chatRoom, type ChatSocket } from './socket-types.js';

/**
 * Hands a stored or changed message to the sockets in its room on every instance, through the
 * cluster adapter: a user's from the gateway (all but the sender's socket) and the server API's or
 * an HTTP request's, which have no socket, alike.
 */
@Injectable()
export class RoomBroadcast {
  constructor(private readonly lifecycle: NamespaceLifecycle) {}

  /** Called once per stored message (a resend that created nothing is not broadcast or counted). */
  message(message: Message, sender?: ChatSocket): void {
    countMessage();
    const room = chatRoom(message.roomId);
    if (sender) {
      sender.to(room).emit('message:new', message);
      return;
    }
    this.toRoom(room).emit('message:new', message);
  }

  /**
   * A changed message: `message:deleted` for a tombstone, else `message:updated`; from a socket to
   * all in the room but it (it has the ack), from HTTP to all.
   */
  change(message: Message, sender?: ChatSocket): void {
    const room = chatRoom(message.roomId);
    const target = sender ? sender.to(room) : this.toRoom(room);
    if (!message.deleted) target.emit('message:updated', { message });
    else target.emit('message:deleted', { roomId: message.roomId, messageId: message.id, rev: message.rev });
  }

  private toRoom(room: string) {
    const namespace = this.lifecycle.namespace;
    if (!namespace) throw new AppException('UNAVAILABLE');
    return namespace.to(room);
  }
}
