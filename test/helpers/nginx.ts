import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEPLOY_DIR = new URL('../../deploy/', import.meta.url);

/** A port that was free a moment ago; nginx must be given a number, so a race remains possible. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Writes `deploy/nginx.conf.template`, rendered for a proxy on `listenPort` in front of
 * `127.0.0.1:<upstreamPort>`s, into `dir` (pid file, logs and buffers included); returns its path.
 */
export function renderNginxConfig(dir: string, listenPort: number, upstreamPorts: number[]): string {
  const values: Record<string, string> = {
    LISTEN_PORT: String(listenPort),
    UPSTREAMS: upstreamPorts.map((port) => `server 127.0.0.1:${port};`).join('\n    '),
    PID_FILE: join(dir, 'nginx.pid'),
    ERROR_LOG: join(dir, 'error.log'),
    TEMP_DIR: dir,
  };
  const template = readFileSync(new URL('nginx.conf.template', DEPLOY_DIR), 'utf8');
  const config = template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`nginx.conf.template has an unknown placeholder {{${name}}}`);
    return values[name];
  });
  const path = join(dir, 'nginx.conf');
  writeFileSync(path, config);
  return path;
}

export interface RunningNginx {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

/** Resolves once `port` accepts connections; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
        .once('connect', () => resolve(true))
        .once('error', () => resolve(false));
      socket.unref();
      socket.once('connect', () => socket.destroy());
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Runs nginx from the local-cluster template in the foreground, in its own temp dir, on a free port
 * (trying another one should a different process take the port first).
 */
export async function startNginx(
  binary: string,
  upstreamPorts: number[],
  attempts = 3,
): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-nginx-'));
  const errorLog = join(dir, 'error.log');
  const port = await freePort();
  const config = renderNginxConfig(dir, port, upstreamPorts);
  const child = spawn(binary, ['-c', config, '-p', dir, '-e', errorLog], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const early = exited.then(() => {
    throw new Error(`nginx exited at startup: ${readFileSync(errorLog, 'utf8').trim()}`);
  });
  early.catch(() => undefined);
  try {
    await Promise.race([waitForPort(port), early]);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    if (attempts > 1 && String(error).includes('Address already in use')) {
      return startNginx(binary, upstreamPorts, attempts - 1);
    }
    throw error;
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
