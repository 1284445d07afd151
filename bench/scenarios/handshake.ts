import { CONNECT_CONCURRENCY, type ClientPool } from '../clients/pool.js';
import { socketsAtMost } from '../settle.js';
import { SERVER_NAMES, type Target } from '../targets/targets.js';
import { cookiesFor, measured, rotated, type RoundValues, type Scenario } from './scenario.js';

const GROUP = 'handshake';
const NO_SQLITE_FLOOR = { reason: 'the floor has no SQLite session store' };
/** Sockets of the untimed storm before the timed one: JIT and lazy setup are not the figure. */
const WARM_UP = 50;

/** K cookie-authenticated websocket handshakes at once (a bounded window per worker). */
async function storm(target: Target, pool: ClientPool, users: number, sockets: number) {
  const probe = target.server.probe;
  const base = await probe.tcpSockets();
  const close = async () => {
    await pool.close(GROUP);
    await socketsAtMost(probe, base);
  };
  await pool.open(GROUP, target.server.url, await cookiesFor(target, users, Math.min(WARM_UP, sockets)));
  await close();
  const cookies = await cookiesFor(target, users, sockets);
  const phase = await measured(target, pool, () => pool.open(GROUP, target.server.url, cookies));
  await close();
  return {
    cpuMs: phase.serverCpuMs / sockets,
    perSec: sockets / (phase.wallMs / 1000),
    clientCpuMs: phase.clientCpuMs / sockets,
  };
}

export const handshake: Scenario = {
  name: 'handshake',
  title: 'Handshake storm',
  perRound: true,
  about: (o) =>
    `${o.handshakes} websocket sockets connect to \`/chat\` at once (${CONNECT_CONCURRENCY} handshakes in flight per client ` +
    `worker), each with the session cookie of one of ${o.users} users who logged in before the timing ` +
    '(bare gets no cookie). Server CPU from the first handshake until the server is quiet again, per ' +
    'handshake; handshakes/s over the storm. The Redis rows run Tether with `SESSION_STORE=redis` ' +
    '(`IO_ADAPTER=memory`, so only the store differs) and the floor reading Redis, against a second bare ' +
    'storm run next to them. The SQLite rows run Tether with `SESSION_STORE=sqlite` (the floor has no such ' +
    'store), next to a third bare storm.',
  figures: () => [
    { key: 'cpuFileMs', label: 'server CPU per handshake, file store', unit: 'ms', better: 'lower' },
    { key: 'perSecFile', label: 'handshakes/s, file store', unit: '/s', better: 'higher' },
    { key: 'cpuRedisMs', label: 'server CPU per handshake, Redis store', unit: 'ms', better: 'lower' },
    { key: 'perSecRedis', label: 'handshakes/s, Redis store', unit: '/s', better: 'higher' },
    { key: 'cpuSqliteMs', label: 'server CPU per handshake, SQLite store', unit: 'ms', better: 'lower' },
    { key: 'perSecSqlite', label: 'handshakes/s, SQLite store', unit: '/s', better: 'higher' },
    { key: 'clientCpuMs', label: 'client CPU per handshake (file store)', unit: 'ms', better: 'none' },
  ],
  run: async ({ options, pool, targets, round }) => {
    const values: RoundValues = { bare: {}, floor: {}, tether: {} };
    // Bare storms once next to each store's pair, so every ratio compares runs seconds apart:
    // handshakes/s moves with the machine's load from one minute to the next.
    const groups = [
      { store: 'File', servers: [targets.bare, targets.floor, targets.tether] },
      { store: 'Redis', servers: [targets.bare, targets.floorRedis, targets.tetherRedis] },
      { store: 'Sqlite', servers: [targets.bare, NO_SQLITE_FLOOR, targets.tetherSqlite] },
    ] as const;
    for (const { store, servers } of groups) {
      // A missing bare or Tether drops the group; a missing floor only its own column.
      const absent = servers.find((target, i) => i !== 1 && 'reason' in target);
      for (const [i, target] of rotated([...servers.entries()], round)) {
        const into = values[SERVER_NAMES[i]];
        // Without Redis the whole group goes: bare's storm would have nothing to stand next to.
        if (absent || 'reason' in target) {
          const missing = { reason: ((absent ?? target) as { reason: string }).reason };
          into[`cpu${store}Ms`] = missing;
          into[`perSec${store}`] = missing;
          continue;
        }
        const figures = await storm(target, pool, options.users, options.handshakes);
        into[`cpu${store}Ms`] = figures.cpuMs;
        into[`perSec${store}`] = figures.perSec;
        if (store === 'File') into.clientCpuMs = figures.clientCpuMs;
      }
    }
    return values;
  },
};
