import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { ChatGateway } from './chat.gateway.js';
import { MessageRateLimiter } from './message-rate-limiter.js';
import { RoomsController } from './rooms.controller.js';
import { RoomsService } from '../rooms/rooms.service.js';

@Module({
  imports: [AuthModule, RealtimeModule],
  controllers: [RoomsController],
  providers: [RoomsService, MessageRateLimiter, ChatGateway],
  exports: [RoomsService],
})
export class ChatModule {}
