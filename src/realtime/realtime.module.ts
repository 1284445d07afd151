import { Module } from '@nestjs/common';
import { GracefulShutdown, InFlightInterceptor } from './graceful-shutdown.js';
import { HealthController } from './health.controller.js';
import { SocketAuthenticator } from './socket-authenticator.js';
import { SocketSessions } from './socket-sessions.js';

@Module({
  controllers: [HealthController],
  providers: [SocketAuthenticator, SocketSessions, GracefulShutdown, InFlightInterceptor],
  exports: [SocketAuthenticator, SocketSessions, GracefulShutdown, InFlightInterceptor],
})
export class RealtimeModule {}
