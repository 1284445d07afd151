import { Injectable } from '@nestjs/common';
import type { Message } from '../protocol/models.js';
import { NamespaceLifecycle } from '../realtime/namespace-lifecycle.js';
import { chatRoom, type ChatSocket } from '../realtime/socket-types.js';

/**
 * Announces a changed message to its room on every instance (through the cluster adapter):
 * `message:deleted` for a tombstone, else `message:updated`. From a socket, to everyone in the
 * room but that socket (it has the ack); from HTTP, to everyone.
 */
@Injectable()
export class ChangeBroadcast {
  constructor(private readonly lifecycle: NamespaceLifecycle) {}

  announce(message: Message, from?: ChatSocket): void {
    const target = from
      ? from.to(chatRoom(message.roomId))
      : this.lifecycle.namespace?.to(chatRoom(message.roomId));
    if (!target) return;
    if (message.deleted)
      target.emit('message:deleted', { roomId: message.roomId, messageId: message.id, rev: message.rev });
    else target.emit('message:updated', { message });
  }
}
