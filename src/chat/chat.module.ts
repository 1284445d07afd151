import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { MessageChangesService } from '../rooms/message-changes.service.js';
import { MessageSearchService } from '../rooms/message-search.service.js';
import { ChatGateway } from './chat.gateway.js';
import { ConversationsController } from './conversations.controller.js';
import { ConversationsGateway } from './conversations.gateway.js';
import { RoomFanout } from './room-fanout.js';
import { MessageChangesGateway } from './message-changes.gateway.js';
import { MessageDelivery } from './message-delivery.js';
import { MessagesController } from './messages.controller.js';
import { RoomHistory } from './room-history.js';
import { SearchController } from './search.controller.js';
import { MessageRateLimiter } from './message-rate-limiter.js';
import { RoomsController } from './rooms.controller.js';
import { ConversationLimits } from '../rooms/conversation-limits.js';
import { ConversationsService } from '../rooms/conversations.service.js';
import { Mentions } from '../rooms/mentions.js';
import { RoomManagementService } from '../rooms/room-management.service.js';
import { RoomsService } from '../rooms/rooms.service.js';

@Module({
  imports: [AuthModule, RealtimeModule],
  controllers: [RoomsController, ConversationsController, MessagesController, SearchController],
  providers: [
    RoomsService,
    MessageRateLimiter,
    ChatGateway,
    ConversationLimits,
    ConversationsService,
    RoomManagementService,
    Mentions,
    RoomFanout,
    MessageDelivery,
    ConversationsGateway,
    MessageChangesService,
    MessageSearchService,
    RoomHistory,
    MessageChangesGateway,
  ],
  exports: [RoomsService, MessageDelivery],
})
export class ChatModule {}
