import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import type { Db } from 'mongodb';
import { MESSAGE_STORE } from '../chat/message-store.js';
import { MongoMessageStore } from '../chat/mongo-message-store.js';
import { MongoRoomStore } from '../chat/mongo-room-store.js';
import { ROOM_STORE } from '../chat/room-store.js';
import { SqliteMessageStore } from '../chat/sqlite-message-store.js';
import { SqliteRoomStore } from '../chat/sqlite-room-store.js';
import { MongoTicketStore } from '../auth/tickets/mongo-ticket-store.js';
import { SqliteTicketStore } from '../auth/tickets/sqlite-ticket-store.js';
import { TICKET_STORE } from '../auth/tickets/ticket-store.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { MongoRevokedSessions } from '../session/mongo-revoked-sessions.js';
import { REVOKED_SESSIONS } from '../session/revoked-sessions.js';
import { SqliteRevokedSessions } from '../session/sqlite-revoked-sessions.js';
import { MongoUserStore } from '../users/mongo-user-store.js';
import { SqliteUserStore } from '../users/sqlite-user-store.js';
import { USER_STORE } from '../users/user-store.js';
import { CONNECTIONS, type Connections } from './connections.js';
import { ResourceCloser } from './resource-closer.js';
import { openSqlite, SQLITE, type Sqlite } from './sqlite.js';

/** One implementation class per port and backend; the port tokens are what the app injects. */
const PORTS = [
  { token: USER_STORE, sqlite: SqliteUserStore, mongo: MongoUserStore },
  { token: ROOM_STORE, sqlite: SqliteRoomStore, mongo: MongoRoomStore },
  { token: MESSAGE_STORE, sqlite: SqliteMessageStore, mongo: MongoMessageStore },
  { token: REVOKED_SESSIONS, sqlite: SqliteRevokedSessions, mongo: MongoRevokedSessions },
  { token: TICKET_STORE, sqlite: SqliteTicketStore, mongo: MongoTicketStore },
] as const;

/** Provides the data-store ports (users, rooms, messages, tickets, revoked sessions) for the configured backend. */
@Global()
@Module({})
export class StorageModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers: Provider[] =
      config.dataStore === 'mongo'
        ? PORTS.map(({ token, mongo: Store }) => ({
            provide: token,
            inject: [CONNECTIONS],
            useFactory: (connections: Connections) => new Store(connections.mongo!.db as Db),
          }))
        : [
            {
              provide: SQLITE,
              inject: [APP_CONFIG],
              useFactory: (c: AppConfig) => openSqlite(c.dataDir),
            },
            ...PORTS.map(({ token, sqlite: Store }) => ({
              provide: token,
              inject: [SQLITE],
              useFactory: (db: Sqlite) => new Store(db),
            })),
          ];
    return { module: StorageModule, providers: [...providers, ResourceCloser], exports: providers };
  }
}
