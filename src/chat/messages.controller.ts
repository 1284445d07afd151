import { Body, Controller, Delete, Param, Patch, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AuthenticatedGuard } from '../auth/authenticated.guard.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { EditMessageSchema, MessagePathSchema } from '../protocol/message-http.js';
import type { EditMessageInput } from '../protocol/message-http.js';
import type { Message } from '../protocol/models.js';
import { RoomBroadcast } from '../realtime/room-broadcast.js';
import type { AppliedChange } from '../rooms/message-changes.js';
import { MessageChangesService } from '../rooms/message-changes.service.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { MessageRateLimiter } from './message-rate-limiter.js';

/** The HTTP forms of `message:edit` and `message:delete`, for a room the user can see. */
@Controller('rooms/:id/messages/:messageId')
@UseGuards(AuthenticatedGuard)
export class MessagesController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly changes: MessageChangesService,
    private readonly limiter: MessageRateLimiter,
    private readonly broadcast: RoomBroadcast,
  ) {}

  @Patch()
  async edit(
    @Req() req: Request,
    @Param(new ZodValidationPipe(MessagePathSchema)) path: { id: string; messageId: string },
    @Body(new ZodValidationPipe(EditMessageSchema)) input: EditMessageInput,
  ): Promise<{ message: Message }> {
    await this.authorize(req, path.id);
    return this.done(await this.changes.edit(path.id, req.user!, path.messageId, input.text));
  }

  @Delete()
  async remove(
    @Req() req: Request,
    @Param(new ZodValidationPipe(MessagePathSchema)) path: { id: string; messageId: string },
  ): Promise<{ message: Message }> {
    await this.authorize(req, path.id);
    return this.done(await this.changes.remove(path.id, req.user!, path.messageId));
  }

  private async authorize(req: Request, roomId: string): Promise<void> {
    await this.rooms.getVisible(roomId, req.user!.id);
    await this.limiter.consume(req.user!.id);
  }

  private done({ message, changed }: AppliedChange): { message: Message } {
    if (changed) this.broadcast.change(message);
    return { message };
  }
}
