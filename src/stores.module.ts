import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { MongoTicketStore } from './credentials/mongo-ticket-store.js';
import { SqliteTicketStore } from './credentials/sqlite-ticket-store.js';
import { TICKET_STORE } from './credentials/ticket-store.js';
import { MESSAGE_CHANGES } from './rooms/message-changes.js';
import { MESSAGE_SEARCH } from './rooms/message-search.js';
import { MESSAGE_STORE } from './rooms/message-store.js';
import { MongoMessageChanges } from './rooms/mongo-message-changes.js';
import { MongoMessageSearch } from './rooms/mongo-message-search.js';
import { MongoMessageStore } from './rooms/mongo-message-store.js';
import { MongoRoomStore } from './rooms/mongo-room-store.js';
import { MongoReadStateStore } from './rooms/mongo-read-state-store.js';
import { READ_STATE_STORE } from './rooms/read-state-store.js';
import { ROOM_STORE } from './rooms/room-store.js';
import { SqliteReadStateStore } from './rooms/sqlite-read-state-store.js';
import { SqliteMessageChanges } from './rooms/sqlite-message-changes.js';
import { SqliteMessageSearch } from './rooms/sqlite-message-search.js';
import { SqliteMessageStore } from './rooms/sqlite-message-store.js';
import { SqliteRoomStore } from './rooms/sqlite-room-store.js';
import type { AppConfig } from './config/config.js';
import { MongoRevokedSessionStore } from './session/mongo-revoked-session-store.js';
import { REVOKED_SESSIONS } from './session/revoked-session-store.js';
import { SqliteRevokedSessionStore } from './session/sqlite-revoked-session-store.js';
import { CONNECTIONS, type Connections } from './storage/connections.js';
import { SQLITE, type Sqlite } from './storage/sqlite.js';
import { MongoUserStore } from './users/mongo-user-store.js';
import { SqliteUserStore } from './users/sqlite-user-store.js';
import { USER_STORE } from './users/user-store.js';

/** One implementation class per port and backend; the port tokens are what the app injects. */
const PORTS = [
  { token: USER_STORE, sqlite: SqliteUserStore, mongo: MongoUserStore },
  { token: ROOM_STORE, sqlite: SqliteRoomStore, mongo: MongoRoomStore },
  { token: MESSAGE_STORE, sqlite: SqliteMessageStore, mongo: MongoMessageStore },
  { token: MESSAGE_CHANGES, sqlite: SqliteMessageChanges, mongo: MongoMessageChanges },
  { token: MESSAGE_SEARCH, sqlite: SqliteMessageSearch, mongo: MongoMessageSearch },
  { token: REVOKED_SESSIONS, sqlite: SqliteRevokedSessionStore, mongo: MongoRevokedSessionStore },
  { token: TICKET_STORE, sqlite: SqliteTicketStore, mongo: MongoTicketStore },
  { token: READ_STATE_STORE, sqlite: SqliteReadStateStore, mongo: MongoReadStateStore },
] as const;

/** Provides every data-store port for the configured backend, on the connections of `StorageModule`. */
@Global()
@Module({})
export class StoresModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers: Provider[] = PORTS.map(({ token, sqlite: SqliteStore, mongo: MongoStore }) =>
      config.dataStore === 'mongo'
        ? {
            provide: token,
            inject: [CONNECTIONS],
            useFactory: (connections: Connections) => new MongoStore(connections.mongo!.db),
          }
        : { provide: token, inject: [SQLITE], useFactory: (db: Sqlite) => new SqliteStore(db) },
    );
    return { module: StoresModule, providers, exports: PORTS.map((p) => p.token) };
  }
}
