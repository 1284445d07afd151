import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ChatModule } from '../chat/chat.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { AccountOperations } from './account-operations.js';
import { ApiInfoController } from './api-info.controller.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiRoomsController } from './api-rooms.controller.js';
import { ApiUsersController } from './api-users.controller.js';
import { RoomPublisher } from './room-publisher.js';

/** The server API (`/api/*`), for operators and other backends; off without `API_KEY`. */
@Module({
  imports: [AuthModule, RealtimeModule, ChatModule],
  controllers: [ApiUsersController, ApiRoomsController, ApiInfoController],
  providers: [ApiKeyGuard, AccountOperations, RoomPublisher],
})
export class ApiModule {}
