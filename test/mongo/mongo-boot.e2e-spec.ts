import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from '../../tools/processes.js';
import { tempDir } from '../helpers/app.js';

const run = promisify(execFile);

describe('the built server with an unreachable MONGO_URL', () => {
  it('stops after the server selection timeout with one line naming MONGO_URL, not a stack', async () => {
    const url = `mongodb://127.0.0.1:${await freePort()}/tether?replicaSet=rs0`;
    const started = Date.now();
    const failure = await run(process.execPath, ['dist/main.js'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'development',
        DATA_DIR: tempDir(),
        PORT: '0',
        MONGO_URL: url,
      },
      timeout: 30_000,
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim()).toMatch(
      /^MONGO_URL: no MongoDB server answered within 5000 ms \([^\n]+\)$/,
    );
    // The driver's own default would have been 30 s.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
