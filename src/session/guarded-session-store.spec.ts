import type { SessionData } from 'express-session';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FastMissFileStore } from './file-session-store.js';
import { guardedSessionStore } from './guarded-session-store.js';
import { newSessionId } from './session-id.js';

const session = {
  cookie: { originalMaxAge: 60_000 },
  passport: { user: { id: 'u' } },
} as unknown as SessionData;

describe('guardedSessionStore', () => {
  it('passes a store failure on without the session id in it, keeping its code', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tether-guard-'));
    const dir = join(root, 'sessions');
    const store = guardedSessionStore(new FastMissFileStore({ path: dir, ttlSec: 60 }));
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(dir, 'a file where the directory was');
    const sid = newSessionId();

    const error = (await promisify(store.set.bind(store))(sid, session).catch(
      (e: unknown) => e,
    )) as NodeJS.ErrnoException;

    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ENOTDIR');
    expect(`${error.message}\n${error.stack}\n${error.path}`).not.toContain(sid);
    expect(error.message).toContain('<session id>');
  });

  it('reads and writes well-formed ids as the store does', async () => {
    const store = guardedSessionStore(
      new FastMissFileStore({ path: mkdtempSync(join(tmpdir(), 'tether-guard-')), ttlSec: 60 }),
    );
    const sid = newSessionId();
    await promisify(store.set.bind(store))(sid, session);
    expect(await promisify(store.get.bind(store))(sid)).toMatchObject({ passport: { user: { id: 'u' } } });
  });
});
