import { quiet, socketsAtMost } from '../settle.js';
import { NO_LISTEN_CHANNEL } from '../targets/managed-server.js';
import { SERVER_NAMES, type Target } from '../targets/targets.js';
import {
  cookiesFor,
  rotated,
  type RoundValues,
  type RunContext,
  type Scenario,
  type Value,
} from './scenario.js';

const GROUP = 'reconnect';
/** Generous: a slow server with exponential client backoff (capped at 5 s) still finishes. */
const REJOIN_TIMEOUT_MS = 600_000;

async function reconnectStorm(target: Target, { options, pool }: RunContext): Promise<Record<string, Value>> {
  const room = await target.newRoom();
  const base = await target.server.probe.tcpSockets();
  const cookies = await cookiesFor(target, options.users, options.reconnect);
  await pool.open(GROUP, target.server.url, cookies, { reconnection: true, room });
  await quiet(target.server.probe);

  await pool.watch(GROUP);
  const rejoined = pool.rejoined(GROUP, REJOIN_TIMEOUT_MS);
  rejoined.catch(() => undefined);
  const spawnedAt = await target.server.restart();
  const listeningAt = await target.server.probe.listeningAt();
  const { lastJoinAt, connectErrors } = await rejoined;

  await pool.close(GROUP);
  await socketsAtMost(target.server.probe, base);
  return {
    startToListeningMs: listeningAt === null ? NO_LISTEN_CHANNEL : listeningAt - spawnedAt,
    listeningToRejoinedMs: listeningAt === null ? NO_LISTEN_CHANNEL : lastJoinAt - listeningAt,
    startToRejoinedMs: lastJoinAt - spawnedAt,
    connectErrors,
  };
}

export const reconnect: Scenario = {
  name: 'reconnect',
  title: 'Reconnect storm',
  perRound: true,
  about: (o) =>
    `${o.reconnect} sockets are connected and joined to one room; the server is killed (SIGKILL) and ` +
    "started again on the same port and data directory. The clients reconnect with socket.io-client's " +
    'default backoff (1 s doubling to 5 s, randomized by half) and send `room:join` again on every ' +
    "connect. Times run from the new process's spawn to its listening socket and to the last re-join " +
    'ack; connect errors count every `connect_error` of the storm (refused while down, or refused by ' +
    'the server). During the storm the clients retry on the same cores the server boots on (the ' +
    "server's own start-up is measured in the idle-memory restart).",
  figures: () => [
    { key: 'startToListeningMs', label: 'start to listening, during the storm', unit: 'ms', better: 'lower' },
    { key: 'listeningToRejoinedMs', label: 'listening to all re-joined', unit: 'ms', better: 'lower' },
    { key: 'startToRejoinedMs', label: 'start to all re-joined', unit: 'ms', better: 'lower' },
    { key: 'connectErrors', label: 'connect errors', unit: 'count', better: 'lower', compare: false },
  ],
  run: async (context) => {
    const { targets, round } = context;
    const values = Object.fromEntries(SERVER_NAMES.map((n) => [n, {}])) as RoundValues;
    for (const target of rotated([targets.bare, targets.floor, targets.tether], round))
      values[target.name] = await reconnectStorm(target, context);
    return values;
  },
};
