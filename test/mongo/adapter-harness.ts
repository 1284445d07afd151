import { MongoClient, ObjectId, type MongoClientOptions } from 'mongodb';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Namespace } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { FakeMongoServer } from './fake-mongo-server.js';

export const EVENTS = 'socket.io-adapter-events';

/** What the adapter logs, line by line. */
export function recordingLogger() {
  const lines = { log: [] as string[], warn: [] as string[] };
  return {
    lines,
    log: (message: string) => void lines.log.push(message),
    warn: (message: string) => void lines.warn.push(message),
  };
}

/** Upstream's event types (`EventType` in @socket.io/mongo-adapter), for documents of other instances. */
export const EVENT_TYPE = { HEARTBEAT: 2, BROADCAST: 3, SERVER_SIDE_EMIT: 9 } as const;

/** Writes, into the fake's change log, what another instance's adapter would insert. */
export function otherInstance(fake: FakeMongoServer, uid = 'other-instance', db = 'tether') {
  const insert = (fullDocument: Record<string, unknown>) =>
    fake.recordChange(`${db}.${EVENTS}`, {
      operationType: 'insert',
      fullDocument: { _id: new ObjectId(), uid, nsp: '/chat', createdAt: new Date(), ...fullDocument },
    });
  return {
    heartbeat: () => insert({ type: EVENT_TYPE.HEARTBEAT }),
    /** A `serverSideEmit(event, ...args)` from that instance. */
    serverSideEmit: (...packet: unknown[]) => insert({ type: EVENT_TYPE.SERVER_SIDE_EMIT, data: { packet } }),
  };
}

export const isChangeStream = (c: { name: string; command: Record<string, unknown> }) =>
  c.name === 'aggregate' &&
  Boolean((c.command.pipeline as { $changeStream?: unknown }[])?.[0]?.$changeStream);

/** A real MongoClient on the fake, with timeouts short enough for tests. */
export async function clientOf(fake: FakeMongoServer, options: MongoClientOptions = {}) {
  const client = await new MongoClient(fake.url(), {
    serverSelectionTimeoutMS: 1000,
    heartbeatFrequencyMS: 500,
    ...options,
  }).connect();
  return { client, events: client.db().collection(EVENTS) };
}

/** A Socket.IO server with `adapter`, listening on a free port, and a way to connect clients. */
export async function ioServer(adapter: unknown): Promise<{
  io: Server;
  chat: Namespace;
  connect(): Promise<Socket>;
  close(): Promise<void>;
}> {
  const http: HttpServer = createServer();
  const io = new Server(http, { adapter: adapter as never });
  const chat = io.of('/chat');
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const clients: Socket[] = [];
  return {
    io,
    chat,
    connect: () =>
      new Promise((resolve, reject) => {
        const socket = connectClient(`http://127.0.0.1:${port}/chat`, {
          transports: ['websocket'],
          forceNew: true,
        });
        clients.push(socket);
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
      }),
    close: async () => {
      for (const socket of clients) socket.close();
      await io.close();
    },
  };
}

/** The first change stream's `$match` stage, as the server received it. */
export const matchStage = (pipeline: unknown) =>
  (pipeline as Record<string, unknown>[]).find((stage) => stage.$match)?.$match;
