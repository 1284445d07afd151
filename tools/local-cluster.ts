import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { fileURLToPath } from 'node:url';
import { freePort, startNginx, startRedis, startService, waitForPort, type Service } from './processes.js';

export interface LocalClusterOptions {
  /** @default 3 */
  instances?: number;
  /** Shared by every instance: SQLite file and session files. */
  dataDir: string;
  /** @default 'redis-server' */
  redisBinary?: string;
  /** @default '/usr/sbin/nginx' */
  nginxBinary?: string;
  /** Extra environment for every instance. */
  env?: Record<string, string>;
  /** Each instance's log lines, prefixed with its id. */
  onOutput?: (line: string) => void;
}

export interface Instance extends Service {
  id: string;
  /** `http://127.0.0.1:<port>`, bypassing nginx. */
  url: string;
}

export interface LocalCluster {
  /** nginx, the address to open. */
  url: string;
  redisUrl: string;
  instances: Instance[];
  stop(): Promise<void>;
}

// The built server (`npm run build`).
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/**
 * N built Tether processes sharing one DATA_DIR (SQLite in WAL mode, file sessions) and one Redis
 * (Socket.IO adapter, rate limits), behind nginx with cookie-hash stickiness, all on loopback.
 */
export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  mkdirSync(options.dataDir, { recursive: true });
  const redis = await startRedis(options.redisBinary);
  const instances: Instance[] = [];
  try {
    const env = {
      ...process.env,
      NODE_ENV: 'development',
      DATA_DIR: options.dataDir,
      REDIS_URL: redis.url,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      TRUST_PROXY: 'loopback',
      ...options.env,
    };
    const count = options.instances ?? 3;
    // One at a time: the first applies the SQLite migrations, the others find them done.
    for (let i = 1; i <= count; i++)
      instances.push(await startInstance(`tether-${i}`, env, options.onOutput));
    const nginx = await startNginx(
      options.nginxBinary ?? '/usr/sbin/nginx',
      instances.map((instance) => instance.port),
    );
    return {
      url: nginx.url,
      redisUrl: redis.url,
      instances,
      stop: async () => {
        await nginx.stop();
        await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
        await redis.stop();
      },
    };
  } catch (error) {
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
    await redis.stop();
    throw error;
  }
}

export async function startInstance(
  id: string,
  env: NodeJS.ProcessEnv,
  onOutput?: (line: string) => void,
): Promise<Instance> {
  const port = await freePort();
  const service = await startService(process.execPath, [MAIN], port, {
    env: { ...env, PORT: String(port), INSTANCE_ID: id },
    timeoutMs: 30_000,
    onOutput: onOutput && ((line) => onOutput(`[${id}] ${line}`)),
  });
  await waitForPort(port);
  // The port opens before the app is ready (`listenEarly`); a first answer means it is.
  await firstAnswer(port, 30_000).catch(async (error: unknown) => {
    await service.stop();
    throw error;
  });
  return { ...service, id, url: `http://127.0.0.1:${port}` };
}

/** Resolves on the first HTTP answer to `GET /health`, whatever its status. */
function firstAnswer(port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      resolve();
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`no answer on port ${port} after ${timeoutMs} ms`)),
    );
    req.once('error', reject);
  });
}
