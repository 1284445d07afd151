import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { CONNECTIONS, type Connections } from '../storage/connections.js';
import { ClusterCensus } from './cluster-census.js';
import { GracefulShutdown, EventsInFlight } from './graceful-shutdown.js';
import { NamespaceLifecycle } from './namespace-lifecycle.js';
import { Presence } from './presence.js';
import { RoomBroadcast } from './room-broadcast.js';
import { SocketAuthenticator } from './socket-authenticator.js';
import { SocketCaps } from './socket-caps.js';
import { SocketIdentity } from './socket-identity.js';
import { SocketRenewal } from './socket-renewal.js';
import { SocketRevocation } from './socket-revocation.js';
import {
  MemoryUserSocketCounter,
  RedisUserSocketCounter,
  USER_SOCKET_COUNTER,
} from './user-socket-counter.js';

@Module({
  providers: [
    NamespaceLifecycle,
    SocketAuthenticator,
    SocketCaps,
    SocketIdentity,
    SocketRenewal,
    SocketRevocation,
    Presence,
    RoomBroadcast,
    ClusterCensus,
    GracefulShutdown,
    EventsInFlight,
    {
      // Cluster-wide wherever Redis is, like the rate limits.
      provide: USER_SOCKET_COUNTER,
      inject: [APP_CONFIG, CONNECTIONS],
      useFactory: (config: AppConfig, connections: Connections) =>
        connections.redis
          ? new RedisUserSocketCounter(
              connections.redis,
              config.instanceId,
              config.sessionAbsoluteTimeoutSec * 1000,
            )
          : new MemoryUserSocketCounter(),
    },
  ],
  exports: [
    NamespaceLifecycle,
    Presence,
    RoomBroadcast,
    ClusterCensus,
    GracefulShutdown,
    EventsInFlight,
    SocketCaps,
  ],
})
export class RealtimeModule {}
