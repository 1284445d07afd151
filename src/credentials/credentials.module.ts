import { Global, Module } from '@nestjs/common';
import { CredentialVerifier } from './credential-verifier.js';
import { TicketsService } from './tickets.service.js';
import { TokenService } from './token.service.js';

/**
 * Tickets and access tokens, the credentials a session issues for clients without its cookie.
 * Global because both the HTTP guard (auth) and the socket handshake (realtime) verify them.
 */
@Global()
@Module({
  providers: [TicketsService, TokenService, CredentialVerifier],
  exports: [TicketsService, TokenService, CredentialVerifier],
})
export class CredentialsModule {}
