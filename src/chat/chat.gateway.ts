import { UseFilters, UseGuards } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { parseOrThrow } from '../common/zod-validation.pipe.js';
import { CHAT_NAMESPACE } from '../protocol/limits.js';
import { MessageSendSchema, MessagesFetchSchema, RoomJoinSchema, RoomRefSchema } from '../protocol/socket.js';
import { NamespaceLifecycle } from '../realtime/namespace-lifecycle.js';
import { Presence } from '../realtime/presence.js';
import { chatRoom, type ChatNamespace, type ChatSocket } from '../realtime/socket-types.js';
import { WsAuthGuard } from '../realtime/ws-auth.guard.js';
import { WsExceptionFilter } from '../realtime/ws-exception.filter.js';
import { ConversationsService } from '../rooms/conversations.service.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { assertJoined, joinVisible } from './joined.js';
import { MessageDelivery } from './message-delivery.js';
import { MessageRateLimiter } from './message-rate-limiter.js';
import { RoomHistory } from './room-history.js';

/**
 * Thin. Each event: `WsAuthGuard` (the credential has not expired), validate, authorize, call the
 * service, broadcast, then ack: an ack means the message is stored and already handed to the
 * cluster adapter for every other member. Server options live in the adapter.
 */
@WebSocketGateway({ namespace: CHAT_NAMESPACE })
@UseFilters(WsExceptionFilter)
@UseGuards(WsAuthGuard)
export class ChatGateway implements OnGatewayInit<ChatNamespace> {
  constructor(
    private readonly rooms: RoomsService,
    private readonly presence: Presence,
    private readonly limiter: MessageRateLimiter,
    private readonly lifecycle: NamespaceLifecycle,
    private readonly delivery: MessageDelivery,
    private readonly conversations: ConversationsService,
    private readonly history: RoomHistory,
  ) {}

  afterInit(namespace: ChatNamespace): void {
    this.lifecycle.attach(namespace);
  }

  @SubscribeMessage('room:join')
  async join(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    const { roomId, ...cursor } = parseOrThrow(RoomJoinSchema, payload);
    const room = await this.conversations.present(
      await this.rooms.getVisible(roomId, socket.data.user.id),
      socket.data.user.id,
    );
    // Join before reading history, so nothing sent in between is missed (clients dedupe by id).
    await joinVisible(this.rooms, socket, room);
    const online = await this.presence.join(socket, roomId);
    return { ok: true, room, ...(await this.history.join(roomId, cursor)), online };
  }

  @SubscribeMessage('room:leave')
  async leave(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    const { roomId } = parseOrThrow(RoomRefSchema, payload);
    await this.presence.leave(socket, roomId);
    return { ok: true };
  }

  @SubscribeMessage('message:send')
  async send(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    const { roomId, text, clientMsgId } = parseOrThrow(MessageSendSchema, payload);
    assertJoined(socket, roomId);
    await this.limiter.consume(socket.data.user.id);
    const { message, created } = await this.rooms.send(roomId, socket.data.user, text, clientMsgId);
    if (created) await this.delivery.deliver(message, socket);
    return { ok: true, message };
  }

  @SubscribeMessage('messages:fetch')
  async fetch(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    const { roomId, ...query } = parseOrThrow(MessagesFetchSchema, payload);
    assertJoined(socket, roomId);
    return { ok: true, ...(await this.history.fetch(roomId, query)) };
  }

  @SubscribeMessage('presence:list')
  async list(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    const { roomId } = parseOrThrow(RoomRefSchema, payload);
    assertJoined(socket, roomId);
    return { ok: true, online: await this.presence.online(socket, roomId) };
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    const { roomId } = parseOrThrow(RoomRefSchema, payload);
    assertJoined(socket, roomId);
    socket.to(chatRoom(roomId)).volatile.emit('typing', { roomId, user: socket.data.user });
    return { ok: true };
  }
}
