import { quiet, socketsAtMost } from '../settle.js';
import { NO_LISTEN_CHANNEL } from '../targets/managed-server.js';
import { SERVER_NAMES, type Target } from '../targets/targets.js';
import { cookiesFor, rotated, type RoundValues, type RunContext, type Scenario } from './scenario.js';

const GROUP = 'idle';
/** Sockets opened and closed before the first reading: lazy setup is not a per-socket cost. */
const WARM_UP = 10;

async function idleMemory(target: Target, { options, pool }: RunContext) {
  const probe = () => target.server.probe;
  // A fresh process: RSS only shows growth a process has not already reserved in earlier
  // scenarios (freed pages are kept, not returned). Sessions and users survive in DATA_DIR. With
  // no client around, the restart also times the server's own start-up.
  const spawnedAt = await target.server.restart();
  const listeningAt = await probe().listeningAt();
  const base = await probe().tcpSockets();
  const closeAll = async () => {
    await pool.close(GROUP);
    await socketsAtMost(probe(), base);
    await quiet(probe());
  };
  await pool.open(GROUP, target.server.url, await cookiesFor(target, options.users, WARM_UP));
  await closeAll();

  const cookies = await cookiesFor(target, options.users, options.idle);
  const cycle = async () => {
    const start = await probe().heap();
    await pool.open(GROUP, target.server.url, cookies);
    await quiet(probe());
    const open = await probe().heap();
    await closeAll();
    return { start, open, end: await probe().heap() };
  };
  const n = options.idle;
  const first = await cycle();
  // The first cycle also leaves one-time growth (hash tables sized for N, compiled code); what a
  // second one leaves is what every further one would: a leak.
  const second = await cycle();
  return {
    bootMs: listeningAt === null ? NO_LISTEN_CHANNEL : listeningAt - spawnedAt,
    heapKb: (first.open.heapUsed - first.start.heapUsed) / n / 1024,
    rssKb: (first.open.rss - first.start.rss) / n / 1024,
    retainedFirstB: (first.end.heapUsed - first.start.heapUsed) / n,
    retainedB: (second.end.heapUsed - second.start.heapUsed) / n,
  };
}

export const idle: Scenario = {
  name: 'idle',
  title: 'Restart and idle memory',
  perRound: true,
  about: (o) =>
    'Each server is restarted (SIGKILL, same port and data; the time from spawn to its listening socket ' +
    `is the first row), warmed with ${WARM_UP} sockets, then ` +
    `${o.idle} authenticated sockets connect and stay idle. Heap (\`heapUsed\`) and RSS are read after ` +
    'forced full GCs before, with all sockets open, and after all have closed; the figures are the ' +
    `differences per socket. The same ${o.idle} sockets then connect and close once more: what that second ` +
    'cycle leaves is what every further one would (a leak); the first also leaves one-time growth ' +
    '(tables sized for N sockets, compiled code).',
  figures: () => [
    { key: 'bootMs', label: 'restart: start to listening, no clients', unit: 'ms', better: 'lower' },
    { key: 'heapKb', label: 'heap per idle socket', unit: 'KB', better: 'lower' },
    { key: 'rssKb', label: 'RSS per idle socket', unit: 'KB', better: 'lower' },
    {
      key: 'retainedFirstB',
      label: 'heap left per socket after all closed, first cycle',
      unit: 'B',
      better: 'lower',
      compare: false,
    },
    {
      key: 'retainedB',
      label: 'heap left per socket after all closed, second cycle',
      unit: 'B',
      better: 'lower',
      compare: false,
    },
  ],
  run: async (context) => {
    const { targets, round } = context;
    const values = Object.fromEntries(SERVER_NAMES.map((n) => [n, {}])) as RoundValues;
    for (const target of rotated([targets.bare, targets.floor, targets.tether], round))
      values[target.name] = await idleMemory(target, context);
    return values;
  },
};
