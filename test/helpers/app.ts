import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { observeContract } from './contract.js';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** `http://127.0.0.1:<port>` */
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export function tempDir(prefix = 'tether-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Every test client connects from 127.0.0.1, most as a handful of users: the connection caps and
 * the registration limit per address would refuse whole suites. Tests of those set their own.
 */
export const UNCAPPED = {
  HANDSHAKE_RATE_LIMIT: '1000000',
  SOCKET_MAX_PER_IP: '1000000',
  SOCKET_MAX_PER_USER: '1000000',
  REGISTER_RATE_LIMIT: '1000000',
};

/**
 * The real application on a free port (or `env.PORT`, to restart on the same one) with a fresh
 * data directory (unless `env.DATA_DIR` is given). Everything it sends is checked against the
 * published specifications (`observeContract`).
 */
export async function startApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = env.DATA_DIR ?? tempDir();
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', ...UNCAPPED, ...env, DATA_DIR: dataDir });
  const app = await createApp(config);
  await app.listen(config.port, '127.0.0.1');
  observeContract(app);
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    config,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    close: async () => {
      await app.close();
      if (!env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const STRONG_PASSWORD = 'correct horse battery staple';

let counter = 0;
/** A username unique within this test run. */
export function uniqueName(prefix = 'user'): string {
  counter += 1;
  return `${prefix}${process.pid}_${counter}`;
}

/** Registers and logs in a user; the agent then carries the session cookie. */
export async function loggedInAgent(url: string, username = uniqueName(), password = STRONG_PASSWORD) {
  const agent = request.agent(url);
  await agent.post('/auth/register').send({ username, password }).expect(201);
  const res = await agent.post('/auth/login').send({ username, password }).expect(200);
  return {
    agent,
    user: res.body.user as { id: string; username: string; displayName: string },
    cookie: sessionCookie(res),
  };
}

/** `name=value` of the session cookie a response set. */
export function sessionCookie(res: request.Response): string {
  const header = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = header.find((c) => c.includes('tether.sid='));
  if (!cookie) throw new Error('response set no session cookie');
  return cookie.split(';')[0];
}
