import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { startInstance, type Instance } from '../../tools/local-cluster.js';
import { STRONG_PASSWORD, tempDir, uniqueName } from '../helpers/app.js';
import { describeWithBinary, requireBinary } from '../helpers/binaries.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

/** The backup commands exactly as the README's "Operating Tether" section gives them. */
function documentedCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('**Backing up the SQLite file while the server runs.**'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter(Boolean);
}

describeWithBinary(requireBinary('sqlite3'), 'backing up the SQLite file while the server runs', () => {
  const dataDir = tempDir();
  const backups = tempDir('tether-backup-');
  let server: Instance;

  beforeAll(async () => {
    server = await startInstance('backup-1', {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      REGISTER_RATE_LIMIT: '1000',
    });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(backups, { recursive: true, force: true });
  });

  it('documents two commands', () => {
    expect(documentedCommands()).toHaveLength(2);
  });

  it.each(documentedCommands().map((command, i) => [command.split(' ')[0], i, command]))(
    'takes a consistent copy with %s while registrations keep writing',
    async (_tool, index, command) => {
      const before = uniqueName('bk');
      await request(server.url)
        .post('/auth/register')
        .send({ username: before, password: STRONG_PASSWORD })
        .expect(201);
      const backup = join(backups, `tether-${index}.db`);
      let writing = true;
      const writer = (async () => {
        let written = 0;
        while (writing) {
          await request(server.url)
            .post('/auth/register')
            .send({ username: uniqueName('bw'), password: STRONG_PASSWORD })
            .expect(201);
          written += 1;
        }
        return written;
      })();
      try {
        await run('bash', ['-c', command], {
          cwd: ROOT,
          env: { ...process.env, DATA_DIR: dataDir, BACKUP: backup },
        });
      } finally {
        writing = false;
      }
      expect(await writer).toBeGreaterThan(0);

      const copy = new Database(backup, { readonly: true });
      try {
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
        const found = copy.prepare('SELECT COUNT(*) AS n FROM users WHERE username = ?').get(before) as {
          n: number;
        };
        expect(found.n).toBe(1);
      } finally {
        copy.close();
      }
    },
  );
});
