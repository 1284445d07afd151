import { CONNECT_CONCURRENCY, type ClientPool } from '../clients/pool.js';
import { socketsAtMost } from '../settle.js';
import type { Target } from '../targets/targets.js';
import { cookiesFor, measured, rotated, type RoundValues, type Scenario, type Value } from './scenario.js';

const GROUP = 'handshake';
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
    '(`IO_ADAPTER=memory`, so only the store differs) and the floor reading Redis, against the same bare run.',
  figures: () => [
    { key: 'cpuFileMs', label: 'server CPU per handshake, file store', unit: 'ms', better: 'lower' },
    { key: 'perSecFile', label: 'handshakes/s, file store', unit: '/s', better: 'higher' },
    { key: 'cpuRedisMs', label: 'server CPU per handshake, Redis store', unit: 'ms', better: 'lower' },
    { key: 'perSecRedis', label: 'handshakes/s, Redis store', unit: '/s', better: 'higher' },
    { key: 'clientCpuMs', label: 'client CPU per handshake (file store)', unit: 'ms', better: 'none' },
  ],
  run: async ({ options, pool, targets, round }) => {
    const values: RoundValues = { bare: {}, floor: {}, tether: {} };
    const order = rotated(
      [targets.bare, targets.floor, targets.tether, targets.floorRedis, targets.tetherRedis],
      round,
    );
    for (const target of order) {
      if ('reason' in target) continue;
      const figures = await storm(target, pool, options.users, options.handshakes);
      const into = values[target.name];
      if (target.store === 'redis') {
        into.cpuRedisMs = figures.cpuMs;
        into.perSecRedis = figures.perSec;
      } else {
        into.cpuFileMs = figures.cpuMs;
        into.perSecFile = figures.perSec;
        into.clientCpuMs = figures.clientCpuMs;
        // Bare has no store: its one storm is the yardstick of both rows.
        if (target.name === 'bare') {
          into.cpuRedisMs = figures.cpuMs;
          into.perSecRedis = figures.perSec;
        }
      }
    }
    for (const [name, target] of [
      ['floor', targets.floorRedis],
      ['tether', targets.tetherRedis],
    ] as const) {
      if (!('reason' in target)) continue;
      const missing: Value = { reason: target.reason };
      values[name].cpuRedisMs = missing;
      values[name].perSecRedis = missing;
    }
    return values;
  },
};
