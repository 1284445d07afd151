import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { freePort, waitForPort } from '../tools/processes.js';
import { tempDir } from './helpers/app.js';

const run = promisify(execFile);

describe('the built server at boot', () => {
  it('refuses to start in production without SESSION_SECRET, saying why and nothing else', async () => {
    const failure = await run(process.execPath, ['dist/main.js'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', DATA_DIR: tempDir(), PORT: '0' },
      timeout: 20_000,
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).not.toBeNull();
    expect(failure!.code).toBe(1);
    expect(failure!.stderr).toContain('SESSION_SECRET is required when NODE_ENV=production');
    expect(failure!.stderr).not.toMatch(/\n\s+at /);
  });

  it('listens before it loads even its configuration schema, so retries after a restart find the port open', async () => {
    // A module hook that holds back every import of zod (which config.ts needs) until the gate
    // file exists: the port must open all the same.
    const dir = tempDir();
    const gate = join(dir, 'gate');
    writeFileSync(join(dir, 'hooks.mjs'), HOLD_ZOD_HOOKS);
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';\n` +
        `register(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)}, { data: ${JSON.stringify(gate)} });\n`,
    );
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', pathToFileURL(join(dir, 'register.mjs')).href, 'dist/main.js'],
      {
        env: { PATH: process.env.PATH, DATA_DIR: join(dir, 'data'), PORT: String(port), HOST: '127.0.0.1' },
        stdio: 'ignore',
      },
    );
    try {
      await waitForPort(port, 15_000);
      writeFileSync(gate, '');
      // Then it loads the rest and serves what it held.
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

/** Module hooks: `resolve('zod')` waits (at most 20 s) until the file named by `initialize`'s data exists. */
const HOLD_ZOD_HOOKS = `
import { existsSync } from 'node:fs';
let gate;
export function initialize(data) { gate = data; }
export async function resolve(specifier, context, next) {
  const until = Date.now() + 20000;
  while (specifier === 'zod' && !existsSync(gate) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return next(specifier, context);
}
`;
