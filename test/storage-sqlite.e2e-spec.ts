import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SqliteMessageChanges } from '../src/rooms/sqlite-message-changes.js';
import { SqliteMessageSearch } from '../src/rooms/sqlite-message-search.js';
import { SqliteMessageStore } from '../src/rooms/sqlite-message-store.js';
import { SqliteTicketStore } from '../src/credentials/sqlite-ticket-store.js';
import { SqliteReadStateStore } from '../src/rooms/sqlite-read-state-store.js';
import { SqliteRoomStore } from '../src/rooms/sqlite-room-store.js';
import { SqliteRevokedSessionStore } from '../src/session/sqlite-revoked-session-store.js';
import { openSqlite } from '../src/storage/sqlite.js';
import { SqliteUserStore } from '../src/users/sqlite-user-store.js';
import { describeMessageChangesContract } from './contracts/message-changes.contract.js';
import { describeMessageSearchContract } from './contracts/message-search.contract.js';
import { describeMessageStoreContract } from './contracts/message-store.contract.js';
import { describeRevokedSessionsContract } from './contracts/revoked-session-store.contract.js';
import { describeReadStateStoreContract } from './contracts/read-state-store.contract.js';
import { describeRoomMembershipContract } from './contracts/room-membership.contract.js';
import { describeRoomStoreContract } from './contracts/room-store.contract.js';
import { describeTicketStoreContract } from './contracts/ticket-store.contract.js';
import { describeUserStoreContract } from './contracts/user-store.contract.js';
import { tempDir } from './helpers/app.js';

const run = promisify(execFile);

describeUserStoreContract('sqlite', async () => new SqliteUserStore(openSqlite(tempDir())));

describe('SQLite data directory shared by processes', () => {
  it('opens in WAL mode with the schema migrated', () => {
    const db = openSqlite(tempDir());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThan(0);
  });

  it('shows a second process the users created by the first, and the reverse', async () => {
    const dir = tempDir();
    const store = new SqliteUserStore(openSqlite(dir));
    await store.create({ username: 'FirstProcess', displayName: 'one', passwordHash: 'h' });

    // The built modules, as a deployed second instance would run them.
    const script = `
      import { openSqlite } from './dist/storage/sqlite.js';
      import { SqliteUserStore } from './dist/users/sqlite-user-store.js';
      const store = new SqliteUserStore(openSqlite(process.argv[1]));
      const seen = await store.findByUsername('firstprocess');
      await store.create({ username: 'SecondProcess', displayName: 'two', passwordHash: 'h' });
      process.stdout.write(JSON.stringify(seen));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, dir], {
      cwd: process.cwd(),
    });
    expect(JSON.parse(stdout)).toMatchObject({ username: 'FirstProcess', displayName: 'one' });
    expect(await store.findByUsername('secondprocess')).toMatchObject({ username: 'SecondProcess' });
  });
});

describe('SQLite room cap across processes', () => {
  it('never lets processes creating rooms for one owner at once take it past the cap', async () => {
    const dir = tempDir();
    openSqlite(dir);
    const script = `
      import { openSqlite } from './dist/storage/sqlite.js';
      import { SqliteRoomStore } from './dist/rooms/sqlite-room-store.js';
      const store = new SqliteRoomStore(openSqlite(process.argv[1]));
      let created = 0;
      for (let i = 0; i < 25; i++) {
        try {
          await store.create({ name: 'r', visibility: 'public', ownerId: 'racer' }, 10);
          created++;
        } catch (error) {
          if (error.name !== 'OwnedRoomLimitError') throw error;
        }
      }
      process.stdout.write(String(created));`;
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        run(process.execPath, ['--input-type=module', '-e', script, dir], { cwd: process.cwd() }),
      ),
    );
    expect(results.reduce((sum, { stdout }) => sum + Number(stdout), 0)).toBe(10);
    const owned = await new SqliteRoomStore(openSqlite(dir)).listVisibleTo('racer', { limit: 100 });
    expect(owned.filter((r) => r.ownerId === 'racer')).toHaveLength(10);
  });
});

describeRoomStoreContract('sqlite', async () => new SqliteRoomStore(openSqlite(tempDir())));

describeMessageStoreContract('sqlite', async () => {
  const db = openSqlite(tempDir());
  return { messages: new SqliteMessageStore(db), rooms: new SqliteRoomStore(db) };
});

describeRoomMembershipContract('sqlite', async () => {
  // Two connections to one file, as two instances sharing DATA_DIR.
  const dir = tempDir();
  return [new SqliteRoomStore(openSqlite(dir)), new SqliteRoomStore(openSqlite(dir))];
});

describeReadStateStoreContract('sqlite', async () => {
  const db = openSqlite(tempDir());
  return {
    reads: new SqliteReadStateStore(db),
    messages: new SqliteMessageStore(db),
    rooms: new SqliteRoomStore(db),
  };
});

const sqliteMessageStores = () => {
  const db = openSqlite(tempDir());
  return {
    changes: new SqliteMessageChanges(db),
    search: new SqliteMessageSearch(db),
    messages: new SqliteMessageStore(db),
    rooms: new SqliteRoomStore(db),
  };
};
describeMessageChangesContract('sqlite', async () => sqliteMessageStores());
describeMessageSearchContract('sqlite', async () => sqliteMessageStores());

describeRevokedSessionsContract('sqlite', async () => new SqliteRevokedSessionStore(openSqlite(tempDir())));

{
  // Each call opens its own connection to one shared file, as separate instances would.
  const dir = tempDir();
  describeTicketStoreContract('sqlite', async () => new SqliteTicketStore(openSqlite(dir)));
}
