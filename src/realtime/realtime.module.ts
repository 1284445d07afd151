import { Module } from '@nestjs/common';
import { GracefulShutdown, InFlightInterceptor } from './graceful-shutdown.js';
import { HealthController } from './health.controller.js';
import { SocketSessions } from './socket-sessions.js';

@Module({
  controllers: [HealthController],
  providers: [SocketSessions, GracefulShutdown, InFlightInterceptor],
  exports: [SocketSessions, GracefulShutdown, InFlightInterceptor],
})
export class RealtimeModule {}
