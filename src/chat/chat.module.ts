import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { MessageChangesService } from '../rooms/message-changes.service.js';
import { MessageSearchService } from '../rooms/message-search.service.js';
import { ChatGateway } from './chat.gateway.js';
import { MessageChangesGateway } from './message-changes.gateway.js';
import { MessagesController } from './messages.controller.js';
import { RoomHistory } from './room-history.js';
import { SearchController } from './search.controller.js';
import { MessageRateLimiter } from './message-rate-limiter.js';
import { RoomsController } from './rooms.controller.js';
import { RoomsService } from '../rooms/rooms.service.js';

@Module({
  imports: [AuthModule, RealtimeModule],
  controllers: [RoomsController, MessagesController, SearchController],
  providers: [
    RoomsService,
    MessageChangesService,
    MessageSearchService,
    MessageRateLimiter,
    RoomHistory,
    ChatGateway,
    MessageChangesGateway,
  ],
  exports: [RoomsService],
})
export class ChatModule {}
