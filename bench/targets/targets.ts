import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../tools/processes.js';
import { cookiePair, postJson } from './http.js';
import { ManagedServer } from './managed-server.js';

export type ServerName = 'bare' | 'floor' | 'tether';
export const SERVER_NAMES: readonly ServerName[] = ['bare', 'floor', 'tether'];
export type StoreKind = 'file' | 'sqlite' | 'redis';

/** A server under test, with what the harness needs to set up its clients (never timed). */
export interface Target {
  name: ServerName;
  /** The session store, for the two servers that have one. */
  store: StoreKind | null;
  server: ManagedServer;
  dataDir: string | null;
  /** Session cookies of `count` users, each logged in once and reused; null for bare (no auth). */
  cookies(count: number): Promise<(string | null)[]>;
  /** A fresh public room, so no scenario inherits another's members or history. */
  newRoom(): Promise<string>;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COOKIE_NAME = 'tether.sid';
const PASSWORD = 'bench password, long enough';

/** The environment without anything that would switch Tether (or the floor) to another profile. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    'MONGO_URL',
    'REDIS_URL',
    'DATA_STORE',
    'SESSION_STORE',
    'IO_ADAPTER',
    'ALLOWED_ORIGINS',
    'TRUST_PROXY',
    'NODE_OPTIONS',
  ])
    delete env[name];
  return env;
}

function storeEnv(store: StoreKind, redisUrl?: string): NodeJS.ProcessEnv {
  if (store === 'file' || store === 'sqlite') return { SESSION_STORE: store };
  if (!redisUrl) throw new Error('the Redis store needs a Redis URL');
  return { SESSION_STORE: 'redis', REDIS_URL: redisUrl };
}

/** Caches one cookie per user: `login(i)` runs once per user index. */
function cookieCache(login: (i: number) => Promise<string>): (count: number) => Promise<string[]> {
  const cookies: string[] = [];
  return async (count) => {
    while (cookies.length < count) cookies.push(await login(cookies.length));
    return cookies.slice(0, count);
  };
}

function withDataDir(prefix: string): { dataDir: string; remove: () => void } {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  return { dataDir, remove: () => rmSync(dataDir, { recursive: true, force: true }) };
}

export async function startBare(): Promise<Target> {
  const server = await ManagedServer.start(
    'bare',
    join(ROOT, 'bench/servers/bare.mjs'),
    cleanEnv(),
    await freePort(),
  );
  let rooms = 0;
  return {
    name: 'bare',
    store: null,
    server,
    dataDir: null,
    cookies: async (count) => Array.from({ length: count }, () => null),
    newRoom: async () => `bench-${++rooms}`,
    stop: () => server.stop(),
  };
}

export async function startFloor(store: StoreKind, redisUrl?: string): Promise<Target> {
  const { dataDir, remove } = withDataDir('tether-bench-floor-');
  const env = {
    ...cleanEnv(),
    DATA_DIR: dataDir,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    ...storeEnv(store, redisUrl),
  };
  const server = await ManagedServer.start(
    `floor (${store})`,
    join(ROOT, 'bench/servers/floor.mjs'),
    env,
    await freePort(),
  ).catch((error: unknown) => {
    remove();
    throw error;
  });
  let rooms = 0;
  return {
    name: 'floor',
    store,
    server,
    dataDir,
    cookies: cookieCache(async (i) =>
      cookiePair(await postJson(`${server.url}/login`, { username: `bench_${i}` }), COOKIE_NAME),
    ),
    newRoom: async () => `bench-${++rooms}`,
    stop: async () => {
      await server.stop();
      remove();
    },
  };
}

/** The built server (`dist/main.js`) as a black box: production mode, SQLite, the given session store. */
export async function startTether(store: StoreKind, redisUrl?: string): Promise<Target> {
  const { dataDir, remove } = withDataDir('tether-bench-');
  const env = {
    ...cleanEnv(),
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    JWT_SECRET: randomBytes(32).toString('base64url'),
    ...storeEnv(store, redisUrl),
    // REDIS_URL alone would also move the Socket.IO adapter to Redis: only the store is compared.
    IO_ADAPTER: 'memory',
    // The per-user message limit (30 per 10 s) would refuse the closed-loop senders, and the
    // hardening's caps the storms: every client is one address, a few users share thousands of sockets.
    MESSAGE_RATE_LIMIT: '1000000000',
    HANDSHAKE_RATE_LIMIT: '1000000000',
    SOCKET_MAX_PER_USER: '1000000',
    SOCKET_MAX_PER_IP: '1000000',
    REGISTER_RATE_LIMIT: '1000000',
    ROOM_CREATE_RATE_LIMIT: '1000000',
    MAX_OWNED_ROOMS: '100000',
  };
  const server = await ManagedServer.start(
    `tether (${store})`,
    join(ROOT, 'dist/main.js'),
    env,
    await freePort(),
  ).catch((error: unknown) => {
    remove();
    throw error;
  });
  const url = server.url;
  // argon2id makes each login cost ~50 bare handshakes: every user logs in once, before any timing.
  const cookies = cookieCache(async (i) => {
    const username = `bench_${i}`;
    const registered = await postJson(`${url}/auth/register`, { username, password: PASSWORD });
    if (registered.status !== 201)
      throw new Error(`register ${username}: HTTP ${registered.status} ${registered.body}`);
    const login = await postJson(`${url}/auth/login`, { username, password: PASSWORD });
    if (login.status !== 200) throw new Error(`login ${username}: HTTP ${login.status} ${login.body}`);
    return cookiePair(login, COOKIE_NAME);
  });
  let rooms = 0;
  return {
    name: 'tether',
    store,
    server,
    dataDir,
    cookies,
    newRoom: async () => {
      const [owner] = await cookies(1);
      const answer = await postJson(
        `${url}/rooms`,
        { name: `bench ${++rooms}`, visibility: 'public' },
        owner,
      );
      if (answer.status !== 201) throw new Error(`create room: HTTP ${answer.status} ${answer.body}`);
      return (JSON.parse(answer.body) as { room: { id: string } }).room.id;
    },
    stop: async () => {
      await server.stop();
      remove();
    },
  };
}
