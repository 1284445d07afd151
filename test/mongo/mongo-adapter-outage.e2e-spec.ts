import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isChangeStream, otherInstance } from './adapter-harness.js';
import { FakeMongoServer } from './fake-mongo-server.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/fetch-sockets-outage.ts', import.meta.url));

interface Run {
  code: number | null;
  steps: { step: string; detail?: string }[];
  stderr: string;
}

/**
 * The fixture in its own process, against `fake`, which fails every insert: MongoDB out of reach
 * for writes (here: not authorized, which fails at once instead of after server selection).
 */
async function runFixture(fake: FakeMongoServer, which: 'tether' | 'upstream'): Promise<Run> {
  fake.script('insert', () => ({
    ok: 0,
    code: 13,
    codeName: 'Unauthorized',
    errmsg: 'not authorized on tether',
  }));
  const since = fake.received.length;
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, fake.url(), which], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await fake.command(isChangeStream, since, 20_000);
  await fake.command((c) => c.name === 'getMore', since);
  otherInstance(fake).heartbeat();
  const code = await exited;
  const steps = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Run['steps'][number]);
  return { code, steps, stderr };
}

describe('a cluster-wide fetchSockets while MongoDB refuses writes (presence does one per join and leave)', () => {
  let fake: FakeMongoServer;
  beforeEach(async () => {
    fake = await FakeMongoServer.start();
  });
  afterEach(async () => {
    await fake.close();
  });

  it("rejects after the request timeout on Tether's adapter, logs the failed insert, and the process lives on", async () => {
    const run = await runFixture(fake, 'tether');
    expect(run.stderr).not.toContain('Unhandled');
    expect(run.code).toBe(0);
    expect(run.steps).toContainEqual({
      step: 'fetchSockets',
      detail: 'rejected: timeout reached: only 0 responses received out of 1',
    });
    expect(run.steps).toContainEqual({
      step: 'warn',
      detail: expect.stringContaining("the adapter's inserts fail: not authorized on tether"),
    });
    expect(run.steps.at(-1)).toEqual({ step: 'done' });
  });

  it('ends the process on the upstream adapter (its issue #15), which is why Tether overrides it', async () => {
    const run = await runFixture(fake, 'upstream');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('not authorized on tether');
    // It died between asking and hearing back.
    expect(run.steps.map((s) => s.step)).toContain('started');
    expect(run.steps.map((s) => s.step)).not.toContain('fetchSockets');
  });
});
