import type { NestExpressApplication } from '@nestjs/platform-express';
import { appendFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Decoder, PacketType, type Packet } from 'socket.io-parser';
import { CHAT_NAMESPACE, SOCKET_IO_PATH } from '../../src/protocol/limits.js';
import { NamespaceLifecycle } from '../../src/realtime/namespace-lifecycle.js';
import { checkAck, checkConnectError, checkHttp, checkServerEvent } from '../contract/spec-validators.js';

/**
 * The contract test's eyes: every HTTP response and every socket event, ack and refusal that a
 * test app (`startApp`) sends is checked against the published specifications as it is sent,
 * whoever the client (supertest, socket.io-client, the browser, `@tether/client`). A mismatch is
 * a violation that fails the running test (`test/contract/observe.setup.ts`); each kind of
 * exchange seen is logged for the coverage check (`test/contract/coverage.check.ts`).
 */

const violations: string[] = [];
const seen = new Set<string>();
let logFile: string | undefined;

/** Called by the setup file: where this worker logs what it observed (none: not logged). */
export function logObservationsTo(dir: string | undefined): void {
  logFile = dir === undefined ? undefined : join(dir, `${process.pid}.jsonl`);
}

/** The violations found since the last call, which clears them. */
export function takeViolations(): string[] {
  return violations.splice(0);
}

/** Logs a line for the coverage check: one per distinct observation per worker. */
export function logObservation(line: Record<string, string>): void {
  const text = JSON.stringify(line);
  if (!logFile || seen.has(text)) return;
  seen.add(text);
  appendFileSync(logFile, `${text}\n`);
}

function record({ key, problems }: { key?: string; problems: string[] }): void {
  violations.push(...problems);
  if (key) logObservation({ observed: key });
}

/** Starts checking what `app` sends. Call once, after `listen`. */
export function observeContract(app: NestExpressApplication): void {
  observeHttp(app.getHttpServer() as Server);
  const engine = app.get(NamespaceLifecycle).namespace?.server.engine;
  if (!engine) throw new Error('the /chat namespace is not attached: is the app listening?');
  engine.on('connection', observeConnection);
}

/**
 * Before Express and Engine.IO see a request, wraps its response so the finished body is checked
 * the moment `end` is called: before a single byte leaves, so the test awaiting it cannot win.
 */
function observeHttp(server: Server): void {
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://contract.invalid');
    // Engine.IO's own responses are the transport, not the API; HEAD and preflights carry no body.
    if (url.pathname.startsWith(SOCKET_IO_PATH) || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    const chunks: Buffer[] = [];
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(
        typeof chunk === 'string'
          ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
          : Buffer.from(chunk as Uint8Array),
      );
    };
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      const contentType = res.getHeader('content-type');
      record(
        checkHttp({
          method: req.method ?? 'GET',
          path: url.pathname,
          status: res.statusCode,
          contentType: contentType === undefined ? undefined : String(contentType),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      return (end as (...args: unknown[]) => ServerResponse)(chunk, ...rest);
    }) as typeof res.end;
  });
}

interface EngineConnection {
  on(event: 'packet' | 'packetCreate', listener: (packet: { type: string; data?: unknown }) => void): void;
}

/**
 * Reads one Engine.IO connection's Socket.IO packets both ways: incoming events only to learn
 * which event an ack id answers, outgoing events, acks and refusals to check them.
 */
/** The namespaces whose refusals the specification describes: `/chat`, and `/`, refused with NOT_FOUND. */
const OURS = new Set([CHAT_NAMESPACE, '/']);

function observeConnection(conn: EngineConnection): void {
  const pendingAcks = new Map<string, string>();
  const ackId = (packet: Packet) => `${packet.nsp}#${String(packet.id)}`;
  let incoming = new Decoder();
  incoming.on('decoded', (packet: Packet) => {
    if (packet.type === PacketType.EVENT && packet.id !== undefined && Array.isArray(packet.data)) {
      pendingAcks.set(ackId(packet), String(packet.data[0]));
    }
  });
  conn.on('packet', (packet) => {
    if (packet.type !== 'message') return;
    try {
      incoming.add(packet.data);
    } catch {
      // Tests send garbage on purpose; a fresh decoder keeps reading what follows.
      incoming.destroy();
      incoming = new Decoder();
    }
  });
  conn.on('packetCreate', (packet) => {
    if (packet.type !== 'message' || typeof packet.data !== 'string') return;
    const outgoing = new Decoder();
    outgoing.on('decoded', (decoded: Packet) => {
      if (decoded.type === PacketType.EVENT) {
        const [event, ...args] = decoded.data as [string, ...unknown[]];
        record(checkServerEvent(event, withoutRecoveryOffset(args)));
      } else if (decoded.type === PacketType.ACK) {
        const event = pendingAcks.get(ackId(decoded));
        pendingAcks.delete(ackId(decoded));
        record(
          event === undefined
            ? { problems: [`an ack for id ${ackId(decoded)}, which no client event asked for`] }
            : checkAck(event, decoded.data as unknown[]),
        );
      } else if (decoded.type === PacketType.CONNECT_ERROR && OURS.has(decoded.nsp)) {
        // Other names are Socket.IO's own "Invalid namespace", which creates nothing and is no API.
        record(checkConnectError((decoded.data as { data?: unknown }).data));
      }
    });
    outgoing.add(packet.data);
  });
}

/**
 * With connection state recovery on, Socket.IO appends each broadcast's offset (a string) to its
 * arguments, and the client strips it: it is the transport's, not the event's.
 */
function withoutRecoveryOffset(args: unknown[]): unknown[] {
  return args.length === 2 && typeof args[1] === 'string' ? args.slice(0, 1) : args;
}
