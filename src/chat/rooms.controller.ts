import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AuthenticatedGuard } from '../auth/authenticated.guard.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import type { Message, Room } from '../protocol/models.js';
import {
  AddMemberSchema,
  CreateRoomSchema,
  MessagesQuerySchema,
  RoomsQuerySchema,
} from '../protocol/http.js';
import type {
  AddMemberInput,
  CreateRoomInput,
  MessagesQuery,
  RoomsQuery,
  RoomsResponse,
} from '../protocol/http.js';
import { ConversationsService } from '../rooms/conversations.service.js';
import { RoomManagementService } from '../rooms/room-management.service.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { RoomFanout } from './room-fanout.js';

@Controller('rooms')
@UseGuards(AuthenticatedGuard)
export class RoomsController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly conversations: ConversationsService,
    private readonly management: RoomManagementService,
    private readonly fanout: RoomFanout,
  ) {}

  @Get()
  list(
    @Req() req: Request,
    @Query(new ZodValidationPipe(RoomsQuerySchema)) query: RoomsQuery,
  ): Promise<RoomsResponse> {
    return this.conversations.summaries(req.user!.id, query);
  }

  @Post()
  async create(
    @Req() req: Request,
    @Body(new ZodValidationPipe(CreateRoomSchema)) input: CreateRoomInput,
  ): Promise<{ room: Room }> {
    const room = await this.rooms.create({ ...input, ownerId: req.user!.id });
    this.fanout.added(await this.management.audience(room), room);
    return { room };
  }

  @Get(':id')
  async get(@Req() req: Request, @Param('id') id: string): Promise<{ room: Room }> {
    return {
      room: await this.conversations.present(await this.rooms.getVisible(id, req.user!.id), req.user!.id),
    };
  }

  @Post(':id/members')
  @HttpCode(204)
  async addMember(
    @Req() req: Request,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(AddMemberSchema)) input: AddMemberInput,
  ): Promise<void> {
    const { room, userId, added } = await this.rooms.addMember(id, req.user!.id, input.username);
    if (added) this.fanout.added({ everyone: false, userIds: [userId] }, room);
  }

  @Get(':id/messages')
  async messages(
    @Req() req: Request,
    @Param('id') id: string,
    @Query(new ZodValidationPipe(MessagesQuerySchema)) query: MessagesQuery,
  ): Promise<{ messages: Message[] }> {
    await this.rooms.getVisible(id, req.user!.id);
    return { messages: await this.rooms.history(id, query) };
  }
}
