/**
 * A client worker: a child process of the harness that holds socket.io-client sockets and runs
 * what the harness asks over IPC (bench/clients/protocol.ts). Several of them share the sockets of
 * a scenario, so that thousands of handshakes or fan-out deliveries are not capped by one client
 * event loop. Every server under test gets exactly this code; only the URL and cookies differ.
 */
import { io } from 'socket.io-client';
import { epochMs } from '../clock.js';
import { serveIpc } from '../ipc.js';
import { ACK_TIMEOUT_MS, groupOf, groups, type ChatClient, type Client } from './groups.js';
import type {
  GroupRequest,
  JoinRequest,
  JoinResult,
  OpenRequest,
  OpenResult,
  RejoinResult,
} from './protocol.js';
import { arm, send } from './send-phase.js';

/** Called whenever a reconnecting socket re-joins, so a pending `rejoined` can check. */
const rejoinListeners = new Set<() => void>();

/** Runs `task(0..count-1)` with at most `width` running at once. */
async function windowed(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, lane));
}

async function joinRoom(socket: ChatClient, room: string): Promise<void> {
  const response = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('room:join', { roomId: room });
  if (!response.ok) throw new Error(`room:join refused: ${JSON.stringify(response.error)}`);
}

function connected(socket: ChatClient): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error: Error & { data?: unknown }) =>
      reject(new Error(`connect_error: ${error.message} ${JSON.stringify(error.data ?? '')}`)),
    );
  });
}

async function open(request: OpenRequest): Promise<OpenResult> {
  const group: Client[] = groups.get(request.group) ?? [];
  groups.set(request.group, group);
  const connectMs: number[] = [];
  await windowed(request.cookies.length, request.concurrency, async (i) => {
    const cookie = request.cookies[i];
    const startedAt = epochMs();
    const socket: ChatClient = io(`${request.url}/chat`, {
      forceNew: true,
      transports: ['websocket'],
      reconnection: request.reconnection,
      extraHeaders: cookie ? { Cookie: cookie } : {},
    });
    const client: Client = { socket, joins: 0, lastJoinAt: 0, connectErrors: 0 };
    group.push(client);
    socket.on('connect_error', () => (client.connectErrors += 1));
    await connected(socket);
    connectMs.push(epochMs() - startedAt);
    if (request.reconnection && request.room) {
      const room = request.room;
      // What a real client does after any reconnect: join its room again. A join that fails
      // (an ack timeout while the server is swamped) is tried again, a few times.
      const rejoin = async () => {
        for (let attempt = 1; attempt <= 3 && socket.connected; attempt++) {
          try {
            await joinRoom(socket, room);
          } catch {
            continue;
          }
          client.joins += 1;
          client.lastJoinAt = epochMs();
          for (const listener of rejoinListeners) listener();
          return;
        }
      };
      socket.on('connect', () => void rejoin());
      await rejoin();
      if (client.joins === 0) throw new Error(`room:join of ${room} failed three times`);
    } else if (request.room) {
      await joinRoom(socket, request.room);
    }
  });
  return { connectMs };
}

async function join(request: JoinRequest): Promise<JoinResult> {
  const group = groupOf(request.group);
  const ackMs: number[] = [];
  await windowed(group.length, request.concurrency, async (i) => {
    const startedAt = epochMs();
    await joinRoom(group[i].socket, request.room);
    ackMs.push(epochMs() - startedAt);
  });
  return { ackMs };
}

function close(request: GroupRequest): number {
  const group = groups.get(request.group) ?? [];
  for (const client of group) client.socket.disconnect();
  groups.delete(request.group);
  return group.length;
}

const watches = new Map<string, { joinsBefore: number[]; errorsBefore: number }>();

/** Remembers where the group's joins and errors stand, before the harness restarts the server. */
function watch(request: GroupRequest): void {
  const group = groupOf(request.group);
  watches.set(request.group, {
    joinsBefore: group.map((c) => c.joins),
    errorsBefore: group.reduce((n, c) => n + c.connectErrors, 0),
  });
}

/** Resolves once every socket of the watched group has joined again since `watch`. */
function rejoined(request: GroupRequest): Promise<RejoinResult> {
  const group = groupOf(request.group);
  const snapshot = watches.get(request.group);
  if (!snapshot) throw new Error(`group ${request.group} is not watched`);
  return new Promise((resolve) => {
    const check = () => {
      if (group.some((c, i) => c.joins <= snapshot.joinsBefore[i])) return;
      rejoinListeners.delete(check);
      watches.delete(request.group);
      resolve({
        lastJoinAt: Math.max(...group.map((c) => c.lastJoinAt)),
        connectErrors: group.reduce((n, c) => n + c.connectErrors, 0) - snapshot.errorsBefore,
      });
    };
    rejoinListeners.add(check);
    check();
  });
}

serveIpc({
  open,
  join,
  close,
  watch,
  rejoined,
  arm,
  send,
  cpu: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
});
// The harness ends a worker by closing the channel (or its own exit).
process.on('disconnect', () => process.exit(0));
