import { randomBytes } from 'node:crypto';
import type { ClientPool } from '../clients/pool.js';
import type { SendResult } from '../clients/protocol.js';
import { socketsAtMost } from '../settle.js';
import { percentile, spread } from '../stats.js';
import { SERVER_NAMES, type Target } from '../targets/targets.js';
import { measured, rotated, type RoundValues, type RunContext, type Scenario } from './scenario.js';

const GROUP = 'sends';

/**
 * Connects `members` sockets, one user each, joined to a fresh room; `send(messages)` then runs
 * one closed-loop phase: the first `senders` members each send their share one after another,
 * every member receives everyone else's. Shared by the WAL scenario.
 */
export async function chatRoom(target: Target, pool: ClientPool, members: number, senders: number) {
  const base = await target.server.probe.tcpSockets();
  const room = await target.newRoom();
  await pool.open(GROUP, target.server.url, await target.cookies(members), { room });
  return {
    send: (messages: number) => {
      const counts = [...spread(messages, senders), ...Array<number>(members - senders).fill(0)];
      return pool.send(GROUP, room, randomBytes(4).toString('hex'), counts);
    },
    close: async () => {
      await pool.close(GROUP);
      await socketsAtMost(target.server.probe, base);
    },
  };
}

async function closedLoop(target: Target, { options, pool }: RunContext) {
  const { members, senders, messages } = options;
  const room = await chatRoom(target, pool, members, senders);
  try {
    // Untimed: JIT, statement caches and the first broadcasts are not the figure.
    await room.send(Math.max(senders, Math.ceil(messages / 10)));
    const phase = await measured(target, pool, () => room.send(messages));
    const results: SendResult[] = phase.result;
    const startedAt = Math.min(...results.map((r) => r.startedAt));
    const endedAt = Math.max(...results.map((r) => Math.max(r.lastAckAt, r.lastDeliveryAt)));
    const acks = results.flatMap((r) => r.ackMs);
    const deliveries = results.flatMap((r) => r.deliveryMs);
    const seconds = (endedAt - startedAt) / 1000;
    return {
      cpuMs: phase.serverCpuMs / messages,
      allocKb: phase.allocatedBytes / messages / 1024,
      ackP50Ms: percentile(acks, 50),
      ackP95Ms: percentile(acks, 95),
      deliveryP50Ms: percentile(deliveries, 50),
      deliveryP95Ms: percentile(deliveries, 95),
      perSec: messages / seconds,
      deliveriesPerSec: deliveries.length / seconds,
      clientShare: phase.clientCpuMs / (endedAt - startedAt),
    };
  } finally {
    await room.close();
  }
}

export const sends: Scenario = {
  name: 'sends',
  title: 'Closed-loop sends',
  perRound: true,
  about: (o) =>
    `${o.members} sockets (one user each) in one room; ${o.senders} of them send ${o.messages} ` +
    '`message:send` in all, each waiting for its ack before the next (after an untimed tenth as warm-up). ' +
    `Every message reaches the ${o.members - 1} other members. Server CPU and JS heap allocation per ` +
    'message; ack latency at the sender; delivery latency at every receiving member (fan-out); messages ' +
    'and deliveries per second. Bare stores nothing; the floor and Tether persist to SQLite. "Client ' +
    'CPU" is the workers\' share of one core: near 1 per worker, the clients set the pace.',
  figures: () => [
    { key: 'cpuMs', label: 'server CPU per message', unit: 'ms', better: 'lower' },
    { key: 'allocKb', label: 'heap allocated per message', unit: 'KB', better: 'lower' },
    { key: 'ackP50Ms', label: 'ack latency p50', unit: 'ms', better: 'lower' },
    { key: 'ackP95Ms', label: 'ack latency p95', unit: 'ms', better: 'lower' },
    { key: 'deliveryP50Ms', label: 'delivery latency p50 (fan-out)', unit: 'ms', better: 'lower' },
    { key: 'deliveryP95Ms', label: 'delivery latency p95 (fan-out)', unit: 'ms', better: 'lower' },
    { key: 'perSec', label: 'messages/s', unit: '/s', better: 'higher' },
    { key: 'deliveriesPerSec', label: 'deliveries/s (fan-out)', unit: '/s', better: 'higher' },
    { key: 'clientShare', label: 'client CPU, share of one core', unit: 'share', better: 'none' },
  ],
  run: async (context) => {
    const { targets, round } = context;
    const values = Object.fromEntries(SERVER_NAMES.map((n) => [n, {}])) as RoundValues;
    for (const target of rotated([targets.bare, targets.floor, targets.tether], round))
      values[target.name] = await closedLoop(target, context);
    return values;
  },
};
