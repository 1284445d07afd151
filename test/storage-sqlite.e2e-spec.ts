import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SqliteMessageStore } from '../src/rooms/sqlite-message-store.js';
import { SqliteTicketStore } from '../src/credentials/sqlite-ticket-store.js';
import { SqliteRoomStore } from '../src/rooms/sqlite-room-store.js';
import { SqliteRevokedSessionStore } from '../src/session/sqlite-revoked-session-store.js';
import { openSqlite } from '../src/storage/sqlite.js';
import { SqliteUserStore } from '../src/users/sqlite-user-store.js';
import { describeMessageStoreContract } from './contracts/message-store.contract.js';
import { describeRevokedSessionsContract } from './contracts/revoked-session-store.contract.js';
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

describeRevokedSessionsContract('sqlite', async () => new SqliteRevokedSessionStore(openSqlite(tempDir())));

{
  // Each call opens its own connection to one shared file, as separate instances would.
  const dir = tempDir();
  describeTicketStoreContract('sqlite', async () => new SqliteTicketStore(openSqlite(dir)));
}

describe('SQLite WAL under sustained writes', () => {
  // A write that reads RETURNING rows must finish its statement, or SQLite never checkpoints under
  // a load of only that write: unfixed, each of these grows the WAL past 60 MB.
  const WAL_BOUND = 8 * 1024 * 1024;
  const walSize = (dir: string) => statSync(join(dir, 'tether.db-wal')).size;

  async function fixture() {
    const dir = tempDir();
    const db = openSqlite(dir);
    const users = new SqliteUserStore(db);
    const user = await users.create({ username: 'walker', displayName: 'w', passwordHash: 'h' });
    return { dir, db, users, user };
  }

  it('stays bounded through thousands of send-only messages', async () => {
    const { dir, db, user } = await fixture();
    const room = await new SqliteRoomStore(db).ensureGeneral();
    const messages = new SqliteMessageStore(db);
    const author = { id: user.id, username: user.username, displayName: user.displayName };
    for (let i = 0; i < 5000; i++) {
      const text = 'x'.repeat(200);
      expect((await messages.append({ roomId: room.id, author, text, clientMsgId: `c${i}` })).created).toBe(
        true,
      );
    }
    expect(walSize(dir)).toBeLessThan(WAL_BOUND);
  });

  it('stays bounded through thousands of ticket redemptions', async () => {
    const { dir, db, user } = await fixture();
    const tickets = new SqliteTicketStore(db);
    const expiresAt = new Date(Date.now() + 60_000);
    const grant = { userId: user.id, sessionHash: 's'.repeat(200), epoch: 0, sessionExpiresAt: expiresAt };
    await Promise.all(Array.from({ length: 5000 }, (_, i) => tickets.save(`t${i}`, { ...grant, expiresAt })));
    const before = walSize(dir);
    for (let i = 0; i < 5000; i++) expect(await tickets.redeem(`t${i}`)).not.toBeNull();
    expect(walSize(dir) - before).toBeLessThan(WAL_BOUND);
  });

  it('stays bounded through thousands of password changes', async () => {
    const { dir, users, user } = await fixture();
    for (let i = 0; i < 5000; i++)
      expect(await users.changePassword(user.id, `h${i}`.repeat(20))).toBe(i + 1);
    expect(walSize(dir)).toBeLessThan(WAL_BOUND);
  });
});
