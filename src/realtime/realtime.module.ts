import { Module } from '@nestjs/common';
import { GracefulShutdown, InFlightInterceptor } from './graceful-shutdown.js';
import { HealthController } from './health.controller.js';
import { NamespaceLifecycle } from './namespace-lifecycle.js';
import { Presence } from './presence.js';
import { SocketAuthenticator } from './socket-authenticator.js';
import { SocketIdentity } from './socket-identity.js';
import { SocketRenewal } from './socket-renewal.js';

@Module({
  controllers: [HealthController],
  providers: [
    NamespaceLifecycle,
    SocketAuthenticator,
    SocketIdentity,
    SocketRenewal,
    Presence,
    GracefulShutdown,
    InFlightInterceptor,
  ],
  exports: [NamespaceLifecycle, Presence, GracefulShutdown, InFlightInterceptor],
})
export class RealtimeModule {}
