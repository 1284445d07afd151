import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEPLOY_DIR = new URL('../deploy/', import.meta.url);

/** A port that was free a moment ago; servers that must be given a number keep a small race. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
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

/** A child process that must be up on `port`; `stop` ends it and waits. */
export interface Service {
  port: number;
  process: ChildProcess;
  exited: Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `command` and waits for `port`. Fails with the process's own words (its stderr, or the
 * error log a config names) when it exits first.
 */
export async function startService(
  command: string,
  args: string[],
  port: number,
  options: {
    env?: NodeJS.ProcessEnv;
    errorLog?: string;
    timeoutMs?: number;
    onOutput?: (line: string) => void;
    /** Opens an IPC channel to the child (`process.send`), e.g. for a preloaded probe. @default false */
    ipc?: boolean;
  } = {},
): Promise<Service> {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
  });
  let output = '';
  const capture = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-4000);
    for (const line of text.split('\n')) if (line.trim()) options.onOutput?.(line);
  };
  child.stdout!.on('data', capture);
  child.stderr!.on('data', capture);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const early = exited.then(() => {
    const log = options.errorLog ? safeRead(options.errorLog) : '';
    throw new Error(`${command} exited at startup: ${(log || output).trim()}`);
  });
  early.catch(() => undefined);
  try {
    await Promise.race([waitForPort(port, options.timeoutMs), early]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    port,
    process: child,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        await exited;
      }
    },
  };
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * redis-server on a loopback port (a free one unless given), without persistence unless `dir` is
 * given: then every write is fsynced to an append-only file there, so a restart on the same `dir`
 * and port after a SIGKILL finds the data again (an outage, not a data loss).
 */
export async function startRedis(
  binary = 'redis-server',
  options: { port?: number; dir?: string } = {},
): Promise<Service & { url: string }> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'tether-redis-'));
  const port = options.port ?? (await freePort());
  const persistence = options.dir
    ? ['--appendonly', 'yes', '--appendfsync', 'always']
    : ['--appendonly', 'no'];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir];
  const service = await startService(binary, args, port);
  return {
    ...service,
    url: `redis://127.0.0.1:${port}`,
    stop: async (signal) => {
      await service.stop(signal);
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
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

/** nginx in the foreground from the local-cluster template, in its own temp dir, on a free port. */
export async function startNginx(
  binary: string,
  upstreamPorts: number[],
): Promise<Service & { url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-nginx-'));
  const errorLog = join(dir, 'error.log');
  const port = await freePort();
  const config = renderNginxConfig(dir, port, upstreamPorts);
  try {
    const service = await startService(binary, ['-c', config, '-p', dir, '-e', errorLog], port, { errorLog });
    return {
      ...service,
      url: `http://127.0.0.1:${port}`,
      stop: async (signal) => {
        await service.stop(signal);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
