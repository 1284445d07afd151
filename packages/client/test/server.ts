import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startService, type Service } from '../../../tools/processes.js';

const MAIN = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));

export const PASSWORD = 'correct horse battery staple';

/** The built Tether server as its own process, as a bot or app would meet it. */
export interface TestServer {
  url: string;
  port: number;
  /** Stops the process; its data directory (users, messages, sessions, secret) stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` at the repository root`);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-client-'));
  const run = () =>
    startService(process.execPath, [MAIN], port, {
      env: { ...process.env, NODE_ENV: 'test', PORT: String(port), DATA_DIR: dataDir, ...env },
      // Two shared cores running other suites too: a cold start can take many seconds.
      timeoutMs: 30_000,
    });
  let service: Service | undefined = await run();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await service?.stop();
      service = undefined;
    },
    start: async () => {
      service = await run();
    },
    close: async () => {
      await service?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
export const uniqueName = (prefix = 'bot') => `${prefix}${process.pid}_${++counter}`;

/** Resolves with the first `event` for which `accept` holds, or fails after `timeoutMs`. */
export function waitFor<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  accept: (value: T) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = subscribe((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}
