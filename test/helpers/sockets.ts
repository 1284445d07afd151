import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/protocol/socket.js';
import { NamespaceLifecycle } from '../../src/realtime/namespace-lifecycle.js';
import type { TestApp } from './app.js';

export type ChatClient = Socket<ServerToClientEvents, ClientToServerEvents>;
export type Transport = 'websocket' | 'polling';
export const TRANSPORTS: Transport[] = ['websocket', 'polling'];

export interface ClientOptions {
  cookie?: string;
  transport?: Transport;
  origin?: string;
  auth?: Record<string, unknown>;
  reconnection?: boolean;
  /** More request headers (`X-Forwarded-For`, ...). */
  headers?: Record<string, string>;
}

/** A real socket.io-client socket on `/chat`, not yet connected. */
export function chatClient(url: string, options: ClientOptions = {}): ChatClient {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers.Cookie = options.cookie;
  if (options.origin) headers.Origin = options.origin;
  return io(`${url}/chat`, {
    autoConnect: false,
    forceNew: true,
    reconnection: options.reconnection ?? false,
    transports: [options.transport ?? 'websocket'],
    extraHeaders: headers,
    auth: options.auth,
  });
}

/** Resolves once connected; rejects with the `connect_error` otherwise. */
export function connected(socket: ChatClient, timeoutMs = 5000): Promise<ChatClient> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for connect')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.connect();
  });
}

/** Connects and resolves with the `connect_error` (and whether `connect` fired). */
export async function refusal(
  socket: ChatClient,
): Promise<{ message: string; data?: { code: string; message: string; details?: unknown } }> {
  let sawConnect = false;
  socket.on('connect', () => (sawConnect = true));
  const err = await connected(socket).then(
    () => null,
    (e: Error & { data?: { code: string; message: string; details?: unknown } }) => e,
  );
  socket.close();
  if (!err || sawConnect) throw new Error('expected the connection to be refused');
  return err;
}

/** The next `event` on `socket`, or a timeout. */
export function nextEvent<E extends keyof ServerToClientEvents | 'disconnect'>(
  socket: ChatClient,
  event: E,
  timeoutMs = 5000,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), timeoutMs);
    (socket as unknown as { once(e: string, l: (v: unknown) => void): void }).once(event, (value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** Emits with an acknowledgement and resolves with the ack. */
export function ack<E extends keyof ClientToServerEvents>(
  socket: ChatClient,
  event: E,
  payload: unknown,
  timeoutMs = 5000,
): Promise<
  Record<string, unknown> & { ok: boolean; error?: { code: string; message: string; details?: unknown } }
> {
  return (
    socket.timeout(timeoutMs) as unknown as { emitWithAck(e: string, p: unknown): Promise<never> }
  ).emitWithAck(event, payload);
}

/** Collects every `event` the socket receives, for later assertions. */
export function collect<T = unknown>(socket: ChatClient, event: keyof ServerToClientEvents): T[] {
  const seen: T[] = [];
  (socket as unknown as { on(e: string, l: (v: T) => void): void }).on(event, (value) => seen.push(value));
  return seen;
}

/** The server side of a connected client socket (same app, same process), for white-box checks. */
export function serverSocket(t: TestApp, socket: ChatClient) {
  const found = t.app.get(NamespaceLifecycle).namespace?.sockets.get(socket.id!);
  if (!found) throw new Error('no server socket for this client');
  return found;
}
