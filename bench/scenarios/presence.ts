import { CONNECT_CONCURRENCY } from '../clients/pool.js';
import { socketsAtMost } from '../settle.js';
import { SERVER_NAMES, type Target } from '../targets/targets.js';
import {
  cookiesFor,
  measured,
  rotated,
  type RoundValues,
  type RunContext,
  type Scenario,
} from './scenario.js';

const FILL = 'presence-fill';
const PROBES = 'presence-probes';

/**
 * One room filled to the small size, then to the large one. At each size M more sockets join one
 * by one per worker (the join figure), then disconnect (the disconnect figure). Last, every socket
 * of the large room disconnects at once.
 */
async function presenceCosts(target: Target, { options, pool }: RunContext) {
  const { presence: sizes, joins, users } = options;
  const probe = target.server.probe;
  const url = target.server.url;
  const base = await probe.tcpSockets();
  const room = await target.newRoom();
  const perSize: { joinMs: number; leaveMs: number }[] = [];
  let filled = 0;
  for (const size of sizes) {
    await pool.open(FILL, url, await cookiesFor(target, users, size - filled), { room });
    filled = size;
    // The joining sockets belong to users already in the room, so no `presence` broadcast to the
    // whole room follows: the figure is the per-join bookkeeping, not fan-out.
    await pool.open(PROBES, url, await cookiesFor(target, users, joins));
    const join = await measured(target, pool, () => pool.join(PROBES, room, 1));
    const leave = await measured(target, pool, async () => {
      await pool.close(PROBES);
      await socketsAtMost(probe, base + size);
    });
    perSize.push({ joinMs: join.serverCpuMs / joins, leaveMs: leave.serverCpuMs / joins });
  }
  const mass = await measured(target, pool, async () => {
    await pool.close(FILL);
    await socketsAtMost(probe, base);
  });
  const [small, large] = perSize;
  return {
    joinSmallMs: small.joinMs,
    joinLargeMs: large.joinMs,
    joinGrowth: large.joinMs / small.joinMs,
    leaveSmallMs: small.leaveMs,
    leaveLargeMs: large.leaveMs,
    leaveGrowth: large.leaveMs / small.leaveMs,
    massLeaveMs: mass.serverCpuMs / filled,
  };
}

export const presence: Scenario = {
  name: 'presence',
  title: 'Presence',
  perRound: true,
  about: ({ presence: [small, large], joins, users }) =>
    `One room is filled to ${small}, then to ${large} sockets (${users} users; ${CONNECT_CONCURRENCY} ` +
    `handshakes and joins in flight per worker). At each size ${joins} more sockets of users already in ` +
    'the room send `room:join` one after another per worker, then disconnect; the figures are server ' +
    `CPU per join and per disconnect. Finally all ${large} sockets disconnect at once. Growth = cost at ` +
    `${large} / cost at ${small}: 1.0 means flat in the room's size.`,
  figures: ({ presence: [small, large] }) => [
    { key: 'joinSmallMs', label: `room:join CPU, room of ${small}`, unit: 'ms', better: 'lower' },
    { key: 'joinLargeMs', label: `room:join CPU, room of ${large}`, unit: 'ms', better: 'lower' },
    {
      key: 'joinGrowth',
      label: `room:join growth, ${large} / ${small}`,
      unit: 'x',
      better: 'lower',
      compare: false,
    },
    { key: 'leaveSmallMs', label: `disconnect CPU, room of ${small}`, unit: 'ms', better: 'lower' },
    { key: 'leaveLargeMs', label: `disconnect CPU, room of ${large}`, unit: 'ms', better: 'lower' },
    {
      key: 'leaveGrowth',
      label: `disconnect growth, ${large} / ${small}`,
      unit: 'x',
      better: 'lower',
      compare: false,
    },
    { key: 'massLeaveMs', label: `mass disconnect of ${large}, CPU per socket`, unit: 'ms', better: 'lower' },
  ],
  run: async (context) => {
    const { targets, round } = context;
    const values = Object.fromEntries(SERVER_NAMES.map((n) => [n, {}])) as RoundValues;
    for (const target of rotated([targets.bare, targets.floor, targets.tether], round))
      values[target.name] = await presenceCosts(target, context);
    return values;
  },
};
