import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const GUARD = fileURLToPath(new URL('./process-guard.ts', import.meta.url));

describe('installProcessGuard', () => {
  it('logs an escaped exception and rejection with their reason, and the process carries on', async () => {
    const script = `
      const { installProcessGuard } = await import(${JSON.stringify(GUARD)});
      installProcessGuard();
      setImmediate(() => { throw new TypeError('escaped from a callback'); });
      void Promise.reject(new Error('nobody caught me'));
      setTimeout(() => console.log('still serving'), 50);
    `;
    const { stdout, stderr } = await run(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ]);
    expect(stderr).toContain('uncaught exception from uncaughtException');
    expect(stderr).toContain('TypeError: escaped from a callback');
    expect(stderr).toContain('unhandled rejection');
    expect(stderr).toContain('Error: nobody caught me');
    expect(stdout).toContain('still serving');
  });
});
