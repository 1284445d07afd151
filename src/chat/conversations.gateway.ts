import { UseFilters, UseGuards } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { parseOrThrow } from '../common/zod-validation.pipe.js';
import { DirectOpenSchema, RoomReadSchema } from '../protocol/conversations.js';
import { CHAT_NAMESPACE } from '../protocol/limits.js';
import type { ChatSocket } from '../realtime/socket-types.js';
import { WsAuthGuard } from '../realtime/ws-auth.guard.js';
import { WsExceptionFilter } from '../realtime/ws-exception.filter.js';
import { ConversationsService } from '../rooms/conversations.service.js';
import { announceDirect } from './room-announcements.js';
import { RoomFanout } from './room-fanout.js';

/** Direct rooms and read markers on `/chat`, beside `ChatGateway` on the same namespace. */
@WebSocketGateway({ namespace: CHAT_NAMESPACE })
@UseFilters(WsExceptionFilter)
@UseGuards(WsAuthGuard)
export class ConversationsGateway {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly fanout: RoomFanout,
  ) {}

  @SubscribeMessage('dm:open')
  async openDirect(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    const { username } = parseOrThrow(DirectOpenSchema, payload);
    const opened = await this.conversations.openDirect(socket.data.user, username);
    announceDirect(this.fanout, socket.data.user.id, opened);
    return { ok: true, room: opened.forOpener };
  }

  @SubscribeMessage('room:read')
  async read(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    const { roomId, messageId } = parseOrThrow(RoomReadSchema, payload);
    const userId = socket.data.user.id;
    const { lastReadId, moved } = await this.conversations.markRead(userId, roomId, messageId);
    if (moved && lastReadId) this.fanout.read(userId, roomId, lastReadId, socket.id);
    return { ok: true, lastReadId };
  }
}
