import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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
});
