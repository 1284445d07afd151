import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { freePort } from '../../tools/processes.js';
import { tempDir } from '../helpers/app.js';

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The built server with exactly `env` (and PATH), until it exits or `timeoutMs` passes. */
function boot(env: Record<string, string>, timeoutMs = 20_000): Promise<Exit> {
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: { PATH: process.env.PATH, NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after ${timeoutMs} ms: ${stdout}${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Exit code 1 and one line on stderr naming `variable`; no stack anywhere. */
function expectEnvironmentFailure(exit: Exit, variable: string, problem: RegExp): void {
  expect(exit.code).toBe(1);
  const lines = exit.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0].startsWith(`${variable}: `) || lines[0].includes(` ${variable} `)).toBe(true);
  expect(lines[0]).toMatch(problem);
  expect(exit.stderr + exit.stdout).not.toMatch(/\n\s+at /);
}

describe('the built server at boot, with a bad environment', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('stops in seconds when no Redis answers at REDIS_URL, instead of hanging', async () => {
    const exit = await boot({ DATA_DIR: dir(), REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    expectEnvironmentFailure(
      exit,
      'REDIS_URL',
      /no Redis server answered at 127\.0\.0\.1:\d+ after \d attempts/,
    );
    expect(exit.ms).toBeLessThan(10_000);
  });

  it('never prints the password a REDIS_URL carries', async () => {
    const exit = await boot({
      DATA_DIR: dir(),
      REDIS_URL: `redis://:hunter2secret@127.0.0.1:${await freePort()}`,
    });
    expectEnvironmentFailure(exit, 'REDIS_URL', /no Redis server answered/);
    expect(exit.stderr + exit.stdout).not.toContain('hunter2secret');
  });

  it('stops within the server selection timeout when no MongoDB answers at MONGO_URL', async () => {
    const exit = await boot({
      DATA_DIR: dir(),
      MONGO_URL: `mongodb://127.0.0.1:${await freePort()}/tether?serverSelectionTimeoutMS=1000`,
    });
    expectEnvironmentFailure(exit, 'MONGO_URL', /no MongoDB server answered within 1000 ms/);
  });

  it('says DATA_DIR is not a directory when it names a file', async () => {
    const file = join(dir(), 'a-file');
    writeFileSync(file, '');
    expectEnvironmentFailure(await boot({ DATA_DIR: file }), 'DATA_DIR', /is not a directory/);
  });

  it('says DATA_DIR cannot be created below a file', async () => {
    const file = join(dir(), 'a-file');
    writeFileSync(file, '');
    expectEnvironmentFailure(
      await boot({ DATA_DIR: join(file, 'data') }),
      'DATA_DIR',
      /cannot create .* \(ENOTDIR\)/,
    );
  });

  it('names PORT when the port is already in use', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as { port: number }).port;
      const exit = await boot({ DATA_DIR: dir(), PORT: String(port) });
      expectEnvironmentFailure(
        exit,
        'PORT',
        new RegExp(`127\\.0\\.0\\.1:${port} is already in use \\(EADDRINUSE\\)`),
      );
    } finally {
      taken.close();
    }
  });

  it('names HOST when it is not an address of this host', async () => {
    expectEnvironmentFailure(
      await boot({ DATA_DIR: dir(), HOST: '192.0.2.1' }),
      'HOST',
      /is not an address of this host/,
    );
  });

  it('refuses a secret set both as a variable and as a file, naming both', async () => {
    const secretFile = join(dir(), 'session-secret');
    writeFileSync(secretFile, `${'s'.repeat(40)}\n`);
    const exit = await boot({
      DATA_DIR: dir(),
      SESSION_SECRET: 'x'.repeat(40),
      SESSION_SECRET_FILE: secretFile,
    });
    expectEnvironmentFailure(exit, 'SESSION_SECRET', /SESSION_SECRET and SESSION_SECRET_FILE are both set/);
  });
});

describe('the built server once listening', () => {
  it('says where it listens in one line, with the real port when PORT=0, and serves there', async () => {
    const data = tempDir();
    const child = spawn(process.execPath, ['dist/main.js'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: data,
        SESSION_SECRET: 'a'.repeat(40),
        JWT_SECRET: 'b'.repeat(40),
        INSTANCE_ID: 'boot-line',
      },
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no listening line within 20 s')), 20_000);
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = out.split('\n').find((l) => l.includes('Tether listening on'));
          if (found) {
            clearTimeout(timer);
            resolve(found);
          }
        });
      });
      const { msg } = JSON.parse(line) as { msg: string };
      const match =
        /^Tether listening on (http:\/\/127\.0\.0\.1:(\d+)) \(instance boot-line; data sqlite, sessions file, adapter memory\)$/.exec(
          msg,
        );
      expect(match).not.toBeNull();
      expect(Number(match![2])).toBeGreaterThan(0);
      const live = await request(match![1]).get('/health/live').expect(200);
      expect(live.body).toEqual({ status: 'ok', instance: 'boot-line' });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('writes readable text without colour codes when its output is not a terminal', async () => {
    const data = tempDir();
    const child = spawn(process.execPath, ['dist/main.js'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', DATA_DIR: data },
    });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no listening line within 20 s')), 20_000);
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('Tether listening on')) {
            clearTimeout(timer);
            resolve(text);
          }
        });
      });
      expect(out).toMatch(/INFO: Tether listening on http:\/\/127\.0\.0\.1:\d+ /);
      expect(out).not.toContain('\x1b[');
      // Route mapping is debug: the default info level leaves it out.
      expect(out).not.toMatch(/Mapped \{/);
      expect(() => JSON.parse(out.split('\n')[0])).toThrow();
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(data, { recursive: true, force: true });
    }
  });
});
