import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { CONNECTIONS, type Connections } from '../storage/connections.js';
import { resolveSessionSecret } from '../config/session-secret.js';
import { SessionEvents } from './session-events.js';
import { createSharedSession } from './session-middleware.js';
import { createSessionStore } from './session-store.factory.js';

export const SHARED_SESSION = Symbol('SharedSession');

@Global()
@Module({
  providers: [
    SessionEvents,
    {
      provide: SHARED_SESSION,
      inject: [APP_CONFIG, CONNECTIONS],
      useFactory: (config: AppConfig, connections: Connections) =>
        createSharedSession(config, createSessionStore(config, connections), resolveSessionSecret(config)),
    },
  ],
  exports: [SHARED_SESSION, SessionEvents],
})
export class SessionModule {}
