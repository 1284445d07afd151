import { UseFilters, UseGuards } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { parseOrThrow } from '../common/zod-validation.pipe.js';
import { CHAT_NAMESPACE } from '../protocol/limits.js';
import { MessageEditSchema, MessageRefSchema, ReactionPayloadSchema } from '../protocol/message-changes.js';
import type { ChatSocket } from '../realtime/socket-types.js';
import { WsAuthGuard } from '../realtime/ws-auth.guard.js';
import { WsExceptionFilter } from '../realtime/ws-exception.filter.js';
import type { AppliedChange } from '../rooms/message-changes.js';
import { RoomBroadcast } from '../realtime/room-broadcast.js';
import { MessageChangesService } from '../rooms/message-changes.service.js';
import { assertJoined } from './joined.js';
import { MessageRateLimiter } from './message-rate-limiter.js';

/**
 * Edits, deletions and reactions, each: validate, authorize (joined; the service checks who may),
 * rate limit (with sends), change, broadcast what changed, ack. A change that was already so
 * broadcasts nothing, so a retry is harmless.
 */
@WebSocketGateway({ namespace: CHAT_NAMESPACE })
@UseFilters(WsExceptionFilter)
@UseGuards(WsAuthGuard)
export class MessageChangesGateway {
  constructor(
    private readonly changes: MessageChangesService,
    private readonly limiter: MessageRateLimiter,
    private readonly broadcast: RoomBroadcast,
  ) {}

  @SubscribeMessage('message:edit')
  async edit(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    const { roomId, messageId, text } = parseOrThrow(MessageEditSchema, payload);
    await this.authorize(socket, roomId);
    return this.done(socket, await this.changes.edit(roomId, socket.data.user, messageId, text));
  }

  @SubscribeMessage('message:delete')
  async remove(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    const { roomId, messageId } = parseOrThrow(MessageRefSchema, payload);
    await this.authorize(socket, roomId);
    return this.done(socket, await this.changes.remove(roomId, socket.data.user, messageId));
  }

  @SubscribeMessage('reaction:add')
  async react(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    const { roomId, messageId, emoji } = parseOrThrow(ReactionPayloadSchema, payload);
    await this.authorize(socket, roomId);
    return this.done(socket, await this.changes.react(roomId, socket.data.user, messageId, emoji));
  }

  @SubscribeMessage('reaction:remove')
  async unreact(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    const { roomId, messageId, emoji } = parseOrThrow(ReactionPayloadSchema, payload);
    await this.authorize(socket, roomId);
    return this.done(socket, await this.changes.unreact(roomId, socket.data.user, messageId, emoji));
  }

  private async authorize(socket: ChatSocket, roomId: string): Promise<void> {
    assertJoined(socket, roomId);
    await this.limiter.consume(socket.data.user.id);
  }

  private done(socket: ChatSocket, { message, changed }: AppliedChange) {
    if (changed) this.broadcast.change(message, socket);
    return { ok: true, message };
  }
}
