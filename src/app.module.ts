import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { ChatModule } from './chat/chat.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { RATE_LIMITER_FACTORY, rateLimiterFactoryFor } from './common/rate-limiter.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { SessionModule } from './session/session.module.js';
import { CONNECTIONS, type Connections } from './storage/connections.js';
import { StorageModule } from './storage/storage.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, connections: Connections): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [StorageModule.forRoot(config), SessionModule, AuthModule, ChatModule],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: CONNECTIONS, useValue: connections },
        { provide: RATE_LIMITER_FACTORY, useValue: rateLimiterFactoryFor(connections) },
      ],
      exports: [APP_CONFIG, CONNECTIONS, RATE_LIMITER_FACTORY],
    };
  }
}
