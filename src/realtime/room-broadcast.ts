import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors.js';
import { countMessage } from '../observability/metrics.js';
import type { Message } from '../protocol/models.js';
import { NamespaceLifecycle } from './namespace-lifecycle.js';
import { chatRoom, type ChatSocket } from './socket-types.js';

/**
 * Hands a stored message to the sockets in its room on every instance, through the cluster
 * adapter: a user's from the gateway (all but the sender's socket) and the server API's, which has
 * no socket, alike.
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
    const namespace = this.lifecycle.namespace;
    if (!namespace) throw new AppException('UNAVAILABLE');
    namespace.to(room).emit('message:new', message);
  }
}
