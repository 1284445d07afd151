import session from 'express-session';
import sessionFileStore from 'session-file-store';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FastMissFileStore } from './file-session-store.js';

/** express-session treats an ENOENT error like a miss, so both count as an answer here. */
function timedGet(store: session.Store, sid: string): Promise<{ ms: number; value: unknown }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) =>
    store.get(sid, (err, value) =>
      err && (err as NodeJS.ErrnoException).code !== 'ENOENT'
        ? reject(err)
        : resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, value: value ?? null }),
    ),
  );
}

describe('FastMissFileStore', () => {
  it('answers a missing session at once where the plain file store retries for ~0.5 s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-sessions-'));
    const plainLog: string[] = [];
    const fastLog: string[] = [];
    const FileStore = sessionFileStore(session);
    const plain = new FileStore({ path: dir, logFn: (m: string) => plainLog.push(m), reapInterval: -1 });
    const fast = new FastMissFileStore({ path: dir, ttlSec: 60, log: (m) => fastLog.push(m) });

    const slow = await timedGet(plain, 'no-such-session');
    const quick = await timedGet(fast, 'no-such-session');

    expect(quick.value).toBeNull();
    expect(fastLog).toEqual([]);
    expect(plainLog.filter((m) => m.includes('will retry'))).toHaveLength(5);
    expect(quick.ms * 5).toBeLessThan(slow.ms);
  });

  it('still reads stored sessions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-sessions-'));
    const store = new FastMissFileStore({ path: dir, ttlSec: 60 });
    const data = { cookie: { originalMaxAge: 60_000 }, hello: 'world' } as unknown as session.SessionData;
    await new Promise<void>((resolve, reject) =>
      store.set('sid-1', data, (err) => (err ? reject(err) : resolve())),
    );
    expect((await timedGet(store, 'sid-1')).value).toMatchObject({ hello: 'world' });
  });

  it('answers as session-file-store does for a session past its idle time and for a file that does not parse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-sessions-'));
    const store = new FastMissFileStore({ path: dir, ttlSec: 60 });
    const plain = new (sessionFileStore(session))({ path: dir, reapInterval: -1, retries: 0 });
    // Last touched two minutes ago, with a one-minute lifetime.
    const stale = { cookie: { originalMaxAge: 60_000 }, __lastAccess: Date.now() - 120_000, hello: 'old' };
    writeFileSync(join(dir, 'stale.json'), JSON.stringify(stale));
    expect((await timedGet(store, 'stale')).value).toBeNull();
    expect((await timedGet(plain, 'stale')).value).toBeNull();

    writeFileSync(join(dir, 'broken.json'), '{"cookie":');
    const read = (s: session.Store) =>
      new Promise<unknown>((resolve) => s.get('broken', (err, value) => resolve(err ?? value)));
    expect(await read(store)).toBeInstanceOf(SyntaxError);
    // Removed on the way, as session-file-store does: the next read is a plain miss.
    expect(existsSync(join(dir, 'broken.json'))).toBe(false);
    expect((await timedGet(store, 'broken')).value).toBeNull();
  });

  it('never reads, writes or removes a file outside its directory, whatever the id', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tether-sessions-'));
    const dir = join(root, 'sessions');
    mkdirSync(dir);
    const stored = JSON.stringify({ cookie: { originalMaxAge: 60_000 }, passport: { user: { id: 'u' } } });
    const planted = join(root, 'planted.json');
    const garbage = join(root, 'garbage.json');
    writeFileSync(planted, stored);
    writeFileSync(garbage, 'not json at all');
    const store = new FastMissFileStore({ path: dir, ttlSec: 60 });
    const set = promisify(store.set.bind(store));
    const destroy = promisify(store.destroy.bind(store));

    for (const sid of ['../planted', '../garbage', `../sessions/../planted`, 'sub/dir', 'nul\0byte']) {
      expect((await timedGet(store, sid)).value).toBeNull();
      await destroy(sid);
    }
    await expect(set('../written', JSON.parse(stored) as session.SessionData)).rejects.toThrow(
      /leaves the directory/,
    );

    expect(readFileSync(planted, 'utf8')).toBe(stored);
    expect(readFileSync(garbage, 'utf8')).toBe('not json at all');
    expect(existsSync(join(root, 'written.json'))).toBe(false);
  });
});
