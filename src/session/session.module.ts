import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SECRETS, type Secrets } from '../config/secrets.js';
import { CONNECTIONS, type Connections } from '../storage/connections.js';
import { SQLITE, type Sqlite } from '../storage/sqlite.js';
import { UsersModule } from '../users/users.module.js';
import { SessionEvents } from './session-events.js';
import { SessionLifetime } from './session-lifetime.js';
import { createSharedSession } from './session-middleware.js';
import { createSessionStore } from './session-store.factory.js';

export const SHARED_SESSION = Symbol('SharedSession');

@Global()
@Module({
  imports: [UsersModule],
  providers: [
    SessionEvents,
    SessionLifetime,
    {
      provide: SHARED_SESSION,
      inject: [APP_CONFIG, CONNECTIONS, SECRETS, { token: SQLITE, optional: true }],
      useFactory: (config: AppConfig, connections: Connections, secrets: Secrets, db?: Sqlite) =>
        createSharedSession(config, createSessionStore(config, connections, db), secrets.sessionSecret),
    },
  ],
  exports: [SHARED_SESSION, SessionEvents, SessionLifetime],
})
export class SessionModule {}
