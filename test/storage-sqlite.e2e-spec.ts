import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
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

describe('SQLite group commit of message appends', () => {
  const author = { id: 'writer-id', username: 'writer', displayName: 'Writer' };

  async function fixture() {
    const db = openSqlite(tempDir());
    const room = await new SqliteRoomStore(db).ensureGeneral();
    return { db, roomId: room.id, messages: new SqliteMessageStore(db) };
  }
  const append = (messages: SqliteMessageStore, roomId: string, i: number) =>
    messages.append({ roomId, author, text: `message ${i}`, clientMsgId: `c${i}` });
  /** Frames in the WAL: each commit appends every page it changed. */
  const walFrames = (db: ReturnType<typeof openSqlite>) =>
    (db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0].log;

  it('commits the appends of one turn of the event loop together: each page reaches the WAL once', async () => {
    const sequential = await fixture();
    const before = walFrames(sequential.db);
    for (let i = 0; i < 40; i++) await append(sequential.messages, sequential.roomId, i);
    const oneByOne = walFrames(sequential.db) - before;

    const grouped = await fixture();
    const start = walFrames(grouped.db);
    await Promise.all(Array.from({ length: 40 }, (_, i) => append(grouped.messages, grouped.roomId, i)));
    expect(walFrames(grouped.db) - start).toBeLessThan(oneByOne / 10);
  });

  it('takes ids in request order, a flood larger than one transaction too', async () => {
    const { messages, roomId } = await fixture();
    const results = await Promise.all(Array.from({ length: 150 }, (_, i) => append(messages, roomId, i)));
    const ids = results.map((r) => r.message.id);
    expect(results.every((r) => r.created)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(results.map((r) => r.message.text)).toEqual(results.map((_, i) => `message ${i}`));
    expect((await messages.list(roomId, { limit: 200 })).map((m) => m.id)).toEqual(ids);
  });

  it('fails only the append that fails, not the others committed with it', async () => {
    const { messages, roomId } = await fixture();
    const outcomes = await Promise.allSettled([
      append(messages, roomId, 1),
      messages.append({ roomId: 'no-such-room', author, text: 'lost', clientMsgId: 'lost' }),
      append(messages, roomId, 2),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await messages.list(roomId, { limit: 10 })).map((m) => m.text)).toEqual([
      'message 1',
      'message 2',
    ]);
  });

  it('lets a read through another store of the connection see every append requested before it', async () => {
    const { db, messages, roomId } = await fixture();
    const changes = new SqliteMessageChanges(db);
    const appended = append(messages, roomId, 1);
    const head = await changes.head(roomId);
    expect(head).toBe((await appended).message.id);
    expect((await changes.changesSince(roomId, '0', head, 10)).map((m) => m.text)).toEqual(['message 1']);
  });
});
