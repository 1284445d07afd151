import { Global, Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { DerivedCredentials } from './derived-credentials.js';
import { TicketsService } from './tickets/tickets.service.js';
import { TokenService } from './tokens/token.service.js';
import { WsCredentialsController } from './ws-credentials.controller.js';

/**
 * Tickets and access tokens. Global because both the HTTP guard (auth) and the socket handshake
 * (realtime) verify them, and realtime must not depend on the auth controllers.
 */
@Global()
@Module({
  imports: [UsersModule],
  controllers: [WsCredentialsController],
  providers: [TicketsService, TokenService, DerivedCredentials],
  exports: [DerivedCredentials],
})
export class WsCredentialsModule {}
