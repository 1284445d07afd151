/**
 * A client worker: a child process of the harness that holds socket.io-client sockets and runs
 * what the harness asks over IPC (bench/clients/protocol.ts). Several of them share the sockets of
 * a scenario, so that thousands of handshakes or fan-out deliveries are not capped by one client
 * event loop. Every server under test gets exactly this code; only the URL and cookies differ.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/chat/events.js';
import { epochMs } from '../clock.js';
import { serveIpc } from '../ipc.js';
import type {
  GroupRequest,
  JoinRequest,
  JoinResult,
  OpenRequest,
  OpenResult,
  RejoinResult,
  SendRequest,
  SendResult,
} from './protocol.js';

type ChatClient = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Client {
  socket: ChatClient;
  /** Successful joins of the group's room, counted by a reconnecting socket's `connect` handler. */
  joins: number;
  lastJoinAt: number;
  connectErrors: number;
}

const ACK_TIMEOUT_MS = 30_000;
const groups = new Map<string, Client[]>();
/** Called whenever a reconnecting socket re-joins, so a pending `rejoined` can check. */
const rejoinListeners = new Set<() => void>();

function groupOf(name: string): Client[] {
  const group = groups.get(name);
  if (!group) throw new Error(`no socket group ${name}`);
  return group;
}

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

interface Armed {
  request: SendRequest;
  deliveryMs: number[];
  lastDeliveryAt: number;
  allDelivered: Promise<void>;
  disarm(): void;
}
const armed = new Map<string, Armed>();

/**
 * Starts listening for a send phase's deliveries. Every worker is armed before any sends, or an
 * early sender's messages would reach members whose worker is not yet listening.
 */
function arm(request: SendRequest): void {
  const group = groupOf(request.group);
  const marker = `${request.runId} `;
  const expected = group.reduce((n, _c, i) => n + request.total - (request.counts[i] ?? 0), 0);
  let onAllDelivered = () => {};
  const state: Armed = {
    request,
    deliveryMs: [],
    lastDeliveryAt: 0,
    allDelivered: new Promise<void>((resolve) => (onAllDelivered = resolve)),
    disarm: () => {
      for (const client of group) client.socket.off('message:new', onMessage);
      armed.delete(request.runId);
    },
  };
  const onMessage = (message: { text: string }) => {
    if (!message.text.startsWith(marker)) return;
    state.lastDeliveryAt = epochMs();
    state.deliveryMs.push(state.lastDeliveryAt - Number(message.text.slice(marker.length)));
    if (state.deliveryMs.length === expected) onAllDelivered();
  };
  if (expected === 0) onAllDelivered();
  for (const client of group) client.socket.on('message:new', onMessage);
  armed.set(request.runId, state);
}

/** Sends the armed phase's messages (closed loop per socket), then waits for its deliveries. */
async function send(request: { runId: string }): Promise<SendResult> {
  const state = armed.get(request.runId);
  if (!state) throw new Error(`send phase ${request.runId} was not armed`);
  const { group: name, room, runId, counts } = state.request;
  const group = groupOf(name);
  const startedAt = epochMs();
  const ackMs: number[] = [];
  let lastAckAt = startedAt;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.all(
      group.map(async (client, i) => {
        for (let k = 0; k < (counts[i] ?? 0); k++) {
          const sentAt = epochMs();
          const response = await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', {
            roomId: room,
            text: `${runId} ${sentAt}`,
            clientMsgId: `${runId}-${process.pid}-${i}-${k}`,
          });
          if (!response.ok) throw new Error(`message:send refused: ${JSON.stringify(response.error)}`);
          lastAckAt = epochMs();
          ackMs.push(lastAckAt - sentAt);
        }
      }),
    );
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`deliveries missing 60 s after the last ack`)), 60_000);
    });
    await Promise.race([state.allDelivered, timedOut]);
  } finally {
    clearTimeout(timer);
    state.disarm();
  }
  const { deliveryMs, lastDeliveryAt } = state;
  return { ackMs, deliveryMs, startedAt, lastAckAt, lastDeliveryAt };
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
