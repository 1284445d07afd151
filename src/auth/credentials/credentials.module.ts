import { Global, Module } from '@nestjs/common';
import { CredentialVerifier } from './credential-verifier.js';
import { CredentialsController } from './credentials.controller.js';
import { TicketsService } from './tickets.service.js';
import { TokenService } from './token.service.js';

/**
 * Tickets and access tokens. Global because both the HTTP guard (auth) and the socket handshake
 * (realtime) verify them, and realtime must not depend on the auth controllers.
 */
@Global()
@Module({
  controllers: [CredentialsController],
  providers: [TicketsService, TokenService, CredentialVerifier],
  exports: [CredentialVerifier],
})
export class CredentialsModule {}
