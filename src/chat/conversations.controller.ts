import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import type { Request } from 'express';
import { AuthenticatedGuard } from '../auth/authenticated.guard.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  DirectOpenSchema,
  MarkReadSchema,
  MembersQuerySchema,
  UpdateRoomSchema,
  type DirectOpenInput,
  type MarkReadInput,
  type MembersQuery,
  type MembersResponse,
  type UpdateRoomInput,
} from '../protocol/conversations.js';
import { EmptyBodySchema } from '../protocol/http.js';
import type { Room } from '../protocol/models.js';
import { ConversationsService } from '../rooms/conversations.service.js';
import { RoomManagementService } from '../rooms/room-management.service.js';
import { RoomFanout } from './room-fanout.js';
import { announceDirect, announceLeave } from './room-announcements.js';

/** Direct rooms, read markers and room management over HTTP; the same fan-out as the socket events. */
@Controller('rooms')
@UseGuards(AuthenticatedGuard)
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly management: RoomManagementService,
    private readonly fanout: RoomFanout,
  ) {}

  @Post('direct')
  @HttpCode(200)
  async openDirect(
    @Req() req: Request,
    @Body(new ZodValidationPipe(DirectOpenSchema)) input: DirectOpenInput,
  ): Promise<{ room: Room }> {
    const opened = await this.conversations.openDirect(req.user!, input.username);
    announceDirect(this.fanout, req.user!.id, opened);
    return { room: opened.forOpener };
  }

  @Patch(':id')
  async update(
    @Req() req: Request,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(UpdateRoomSchema)) input: UpdateRoomInput,
  ): Promise<{ room: Room }> {
    const room = await this.management.update(id, req.user!.id, input);
    this.fanout.updated(await this.management.audience(room), room);
    return { room };
  }

  @Post(':id/leave')
  @HttpCode(204)
  async leave(
    @Req() req: Request,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(EmptyBodySchema)) _body: unknown,
  ): Promise<void> {
    const outcome = await this.management.leave(id, req.user!.id);
    await announceLeave(this.fanout, this.management, req.user!, id, outcome);
  }

  @Get(':id/members')
  members(
    @Req() req: Request,
    @Param('id') id: string,
    @Query(new ZodValidationPipe(MembersQuerySchema)) query: MembersQuery,
  ): Promise<MembersResponse> {
    return this.management.members(id, req.user!.id, query);
  }

  @Delete(':id/members/:username')
  @HttpCode(204)
  async removeMember(
    @Req() req: Request,
    @Param('id') id: string,
    @Param('username') username: string,
  ): Promise<void> {
    const removed = await this.management.removeMember(id, req.user!.id, username);
    if (removed) this.fanout.removed(removed, id);
  }

  @Post(':id/read')
  @HttpCode(200)
  async markRead(
    @Req() req: Request,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(MarkReadSchema)) input: MarkReadInput,
  ): Promise<{ lastReadId: string | null }> {
    const { lastReadId, moved } = await this.conversations.markRead(req.user!.id, id, input.messageId);
    if (moved && lastReadId) this.fanout.read(req.user!.id, id, lastReadId);
    return { lastReadId };
  }
}
