import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ApiModule } from './api/api.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ChatModule } from './chat/chat.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { SECRETS, type Secrets } from './config/secrets.js';
import { HealthModule } from './health/health.module.js';
import { ProtocolModule } from './http/protocol.module.js';
import { SessionModule } from './session/session.module.js';
import type { Connections } from './storage/connections.js';
import { StorageModule } from './storage/storage.module.js';
import { StoresModule } from './stores.module.js';

/** The composition root: infrastructure, the store ports for the profile, then the features. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, secrets: Secrets, connections: Connections): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        StorageModule.forRoot(config, connections),
        StoresModule.forRoot(config),
        SessionModule,
        AuthModule,
        ChatModule,
        ProtocolModule,
        HealthModule,
        ApiModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: SECRETS, useValue: secrets },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
      exports: [APP_CONFIG, SECRETS],
    };
  }
}
