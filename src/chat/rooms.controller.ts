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
import { RoomsService } from '../rooms/rooms.service.js';

@Controller('rooms')
@UseGuards(AuthenticatedGuard)
export class RoomsController {
  constructor(private readonly rooms: RoomsService) {}

  @Get()
  list(
    @Req() req: Request,
    @Query(new ZodValidationPipe(RoomsQuerySchema)) query: RoomsQuery,
  ): Promise<RoomsResponse> {
    return this.rooms.listFor(req.user!.id, query);
  }

  @Post()
  async create(
    @Req() req: Request,
    @Body(new ZodValidationPipe(CreateRoomSchema)) input: CreateRoomInput,
  ): Promise<{ room: Room }> {
    return { room: await this.rooms.create({ ...input, ownerId: req.user!.id }) };
  }

  @Get(':id')
  async get(@Req() req: Request, @Param('id') id: string): Promise<{ room: Room }> {
    return { room: await this.rooms.getVisible(id, req.user!.id) };
  }

  @Post(':id/members')
  @HttpCode(204)
  async addMember(
    @Req() req: Request,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(AddMemberSchema)) input: AddMemberInput,
  ): Promise<void> {
    await this.rooms.addMember(id, req.user!.id, input.username);
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
