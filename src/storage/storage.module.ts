import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { CONNECTIONS, type Connections } from './connections.js';
import { RATE_LIMITER_FACTORY, rateLimiterFactoryFor } from './rate-limiter.js';
import { ResourceCloser } from './resource-closer.js';
import { openSqlite, SQLITE } from './sqlite.js';

/**
 * The infrastructure every store builds on: the shared network clients, the SQLite handle of the
 * embedded profile, the rate limiters' backing store, and their orderly closing.
 */
@Global()
@Module({})
export class StorageModule {
  static forRoot(config: AppConfig, connections: Connections): DynamicModule {
    const providers: Provider[] = [
      { provide: CONNECTIONS, useValue: connections },
      { provide: RATE_LIMITER_FACTORY, useValue: rateLimiterFactoryFor(connections) },
      ...(config.dataStore === 'sqlite' || config.sessionStore === 'sqlite'
        ? [{ provide: SQLITE, useFactory: () => openSqlite(config.dataDir) }]
        : []),
    ];
    return {
      module: StorageModule,
      providers: [...providers, ResourceCloser],
      exports: providers.map((p) => (p as { provide: symbol }).provide),
    };
  }
}
