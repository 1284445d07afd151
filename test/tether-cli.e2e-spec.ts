import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { freePort } from '../tools/processes.js';
import { newApiKey } from './helpers/api.js';
import { startApp, STRONG_PASSWORD, uniqueName, type TestApp } from './helpers/app.js';

const KEY = newApiKey();
const CLI = fileURLToPath(new URL('../tools/tether.ts', import.meta.url));

/** Runs the `tether` command as a process, as `npm run tether` does. */
function tether(args: string[], env: Record<string, string | undefined>, stdin = '') {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { PATH: process.env.PATH, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(stdin);
  });
}

describe('the tether command', () => {
  let t: TestApp;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await startApp({ API_KEY: KEY });
    env = { TETHER_URL: t.url, API_KEY: KEY };
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a user with the password from standard input, then disables and enables it', async () => {
    const username = uniqueName('cli');
    const created = await tether(
      ['users', 'create', username, '--display-name', 'Cli User'],
      env,
      `${STRONG_PASSWORD}\n`,
    );
    expect(created).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(created.out)).toEqual({
      user: { id: expect.any(String), username, displayName: 'Cli User' },
    });
    await request(t.url).post('/auth/login').send({ username, password: STRONG_PASSWORD }).expect(200);

    expect(await tether(['users', 'disable', username], env)).toEqual({ code: 0, out: '', err: '' });
    const refused = await request(t.url).post('/auth/login').send({ username, password: STRONG_PASSWORD });
    expect(refused.body.code).toBe('ACCOUNT_DISABLED');
    expect((await tether(['users', 'enable', username], env)).code).toBe(0);
    expect((await tether(['users', 'password', username], env, 'the operator set this one')).code).toBe(0);
    await request(t.url)
      .post('/auth/login')
      .send({ username, password: 'the operator set this one' })
      .expect(200);
  });

  it('publishes into a room and prints the stored message', async () => {
    const res = await tether(
      ['rooms', 'publish', 'general', 'from', 'the', 'cli', '--id', uniqueName('c')],
      env,
    );
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out).message).toMatchObject({
      roomId: 'general',
      text: 'from the cli',
      author: { id: 'system' },
    });
  });

  it('exits 1 with the server’s code and message when the server refuses', async () => {
    const unknown = await tether(['users', 'unlock', uniqueName('ghost')], env);
    expect(unknown).toEqual({ code: 1, out: '', err: 'error: NOT_FOUND: User not found\n' });
    const wrongKey = await tether(['info'], { ...env, API_KEY: newApiKey() });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.err).toMatch(/^error: UNAUTHENTICATED: /);
    const invalid = await tether(['users', 'unlock', 'ab'], env);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toMatch(/^error: VALIDATION: .*\(username must be at least 3 characters\)/);
  });

  it('exits 2 for a usage error: unknown command, missing argument, no API_KEY, no password', async () => {
    for (const [args, stdin, environment] of [
      [['users', 'frobnicate', 'alice'], '', env],
      [['users', 'unlock'], '', env],
      [['rooms', 'publish', 'general'], '', env],
      [['info'], '', { TETHER_URL: t.url }],
      [['users', 'create', uniqueName()], '', env],
      [['info'], '', { ...env, TETHER_URL: 'not a url' }],
    ] as const) {
      const res = await tether([...args], environment, stdin);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.err).toMatch(/^error: /);
    }
  });

  it('exits 3 when the server cannot be reached', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const res = await tether(['info'], { ...env, TETHER_URL: closed });
    expect(res.code).toBe(3);
    expect(res.err).toContain(`cannot reach ${closed}`);
  });
});
