import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config.js';
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
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        createSharedSession(config, createSessionStore(config), resolveSessionSecret(config)),
    },
  ],
  exports: [SHARED_SESSION, SessionEvents],
})
export class SessionModule {}
