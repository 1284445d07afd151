import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';
import { MESSAGE_STORE } from '../chat/message-store.js';
import { ROOM_STORE } from '../chat/room-store.js';
import { SqliteMessageStore } from '../chat/sqlite-message-store.js';
import { SqliteRoomStore } from '../chat/sqlite-room-store.js';
import { REVOKED_SESSIONS } from '../session/revoked-sessions.js';
import { SqliteRevokedSessions } from '../session/sqlite-revoked-sessions.js';
import { SqliteUserStore } from '../users/sqlite-user-store.js';
import { USER_STORE } from '../users/user-store.js';
import { openSqlite, SQLITE } from './sqlite.js';
import type { Sqlite } from './sqlite.js';

/** Provides the data-store ports (users, rooms, messages, tickets) for the configured backend. */
@Global()
@Module({})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(SQLITE) private readonly db: Sqlite) {}

  static forRoot(config: AppConfig): DynamicModule {
    if (config.dataStore !== 'sqlite') {
      throw new Error(`DATA_STORE=${config.dataStore} is not available in this build`);
    }
    const providers: Provider[] = [
      { provide: SQLITE, inject: [APP_CONFIG], useFactory: (c: AppConfig) => openSqlite(c.dataDir) },
      { provide: USER_STORE, inject: [SQLITE], useFactory: (db: Sqlite) => new SqliteUserStore(db) },
      { provide: ROOM_STORE, inject: [SQLITE], useFactory: (db: Sqlite) => new SqliteRoomStore(db) },
      { provide: MESSAGE_STORE, inject: [SQLITE], useFactory: (db: Sqlite) => new SqliteMessageStore(db) },
      {
        provide: REVOKED_SESSIONS,
        inject: [SQLITE],
        useFactory: (db: Sqlite) => new SqliteRevokedSessions(db),
      },
    ];
    return { module: StorageModule, providers, exports: providers };
  }

  onApplicationShutdown(): void {
    this.db.close();
  }
}
