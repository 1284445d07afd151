import { Body, Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { PublishMessageSchema, RoomIdPathSchema } from '../protocol/http.js';
import type { PresenceResponse, PublishMessageInput } from '../protocol/http.js';
import type { Message } from '../protocol/models.js';
import { LIMITS } from '../protocol/limits.js';
import { ClusterCensus } from '../realtime/cluster-census.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { RoomPublisher } from './room-publisher.js';

const RoomId = new ZodValidationPipe(RoomIdPathSchema);

/** The server API on rooms (`ROUTES.apiPublish`, `ROUTES.apiPresence`). */
@Controller('api/rooms')
@UseGuards(ApiKeyGuard)
export class ApiRoomsController {
  constructor(
    private readonly publisher: RoomPublisher,
    private readonly rooms: RoomsService,
    private readonly census: ClusterCensus,
  ) {}

  @Post(':roomId/messages')
  async publish(
    @Param(RoomId) { roomId }: { roomId: string },
    @Body(new ZodValidationPipe(PublishMessageSchema)) input: PublishMessageInput,
  ): Promise<{ message: Message }> {
    return { message: await this.publisher.publish(roomId, input) };
  }

  @Get(':roomId/presence')
  async presence(@Param(RoomId) { roomId }: { roomId: string }): Promise<PresenceResponse> {
    await this.rooms.get(roomId);
    const { reports, missing } = await this.census.take({ roomId });
    const online = new Map(reports.flatMap((r) => r.online).map((user) => [user.id, user]));
    return { online: [...online.values()].slice(0, LIMITS.onlineListMax), missing };
  }
}
