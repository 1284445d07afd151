import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { ChatModule } from './chat/chat.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { memoryRateLimiterFactory, RATE_LIMITER_FACTORY } from './common/rate-limiter.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { SessionModule } from './session/session.module.js';
import { StorageModule } from './storage/storage.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [StorageModule.forRoot(config), SessionModule, AuthModule, ChatModule],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: RATE_LIMITER_FACTORY, useValue: memoryRateLimiterFactory },
      ],
      exports: [APP_CONFIG, RATE_LIMITER_FACTORY],
    };
  }
}
