import { Injectable } from '@nestjs/common';
import type { Message } from '../protocol/models.js';
import { RoomBroadcast } from '../realtime/room-broadcast.js';
import type { ChatSocket } from '../realtime/socket-types.js';
import { Mentions, mayMention } from '../rooms/mentions.js';
import { RoomFanout } from './room-fanout.js';

/**
 * A newly stored message to everyone it concerns, whoever posted it (a socket, or a backend through
 * the server API): the room's members on every instance, then the users its `@username`s mention,
 * whose mentions are recorded (their `mentionCount`) before they hear `mention`.
 */
@Injectable()
export class MessageDelivery {
  constructor(
    private readonly broadcast: RoomBroadcast,
    private readonly mentions: Mentions,
    private readonly fanout: RoomFanout,
  ) {}

  /**
   * `sender`: the socket that sent it, which has its ack instead of `message:new`. Settles once the
   * mentions are recorded; undefined when the text mentions no one (nearly every message), so that
   * those pay for no promise.
   */
  deliver(message: Message, sender?: ChatSocket): Promise<void> | undefined {
    this.broadcast.message(message, sender);
    if (!mayMention(message.text)) return undefined;
    return this.mentions.record(message).then((userIds) => this.fanout.mentioned(userIds, message));
  }
}
