import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { LIMITS } from '../../src/protocol/limits.js';
import { NamespaceLifecycle } from '../../src/realtime/namespace-lifecycle.js';
import { loggedInAgent, startApp, type TestApp } from '../helpers/app.js';
import { RawEngineClient } from '../helpers/raw-engine.js';
import { ack, chatClient, connected, type ChatClient } from '../helpers/sockets.js';

/**
 * Random sequences of Engine.IO and Socket.IO packets (CONNECT, DISCONNECT and re-CONNECT per
 * namespace, events with random payloads and acks, binary attachments, malformed and oversized
 * packets) from raw clients with a session cookie, a garbage cookie or none. After every sequence
 * the connection has answered or been closed; across the run the process logs no fault, a
 * bystander's acks arrive (p99 within 100 ms), stored messages are exactly what was acknowledged,
 * and nothing is left behind once the clients are gone.
 *
 * FUZZ_RUNS and FUZZ_SEED replay or widen a run; fast-check prints the seed of a failure.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 60_000);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

type Frame = { text: string } | { binary: Uint8Array };
/** The ack id of a run's last event, above any the generator picks. */
const DRAIN = 2 ** 31 + 1;
type Credential = 'none' | 'ticket' | 'token' | { value: unknown };
/** A CONNECT; `await` waits for its answer as a real client does, else the next frames follow at once. */
type Item =
  | Frame
  | { connect: string; credential: Credential; await: boolean }
  /** Waits for the ack of this id (or the connection's end), as a client that reads does. */
  | { awaitAck: number };
interface Sequence {
  client: 'cookie' | 'garbage-cookie' | 'anonymous';
  frames: Item[];
}

const EVENTS = ['room:join', 'room:leave', 'message:send', 'messages:fetch', 'presence:list', 'typing'];

const namespace = fc.oneof(
  { weight: 8, arbitrary: fc.constant('/chat') },
  { weight: 2, arbitrary: fc.constantFrom('/', '/admin', '/chat/', '/CHAT', '/chat#1') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map((s) => `/${s}`) },
);
const prefix = (nsp: string) => (nsp === '/' ? '' : `${nsp},`);
const ackId = fc.option(fc.nat({ max: 2 ** 31 }), { nil: undefined });

const roomId = fc.constantFrom('general', 'no-such-room', 'private-of-someone', '', 'r'.repeat(65));
const payload = fc.oneof(
  { weight: 3, arbitrary: fc.record({ roomId }) },
  {
    weight: 3,
    arbitrary: fc.record({
      roomId,
      text: fc.string({ maxLength: 80 }),
      clientMsgId: fc.string({ minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      roomId,
      after: fc.constantFrom('0000000000000000', '9999999999999999', "1' OR 1=1", ''),
      limit: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constant('10' as unknown as number)),
    }),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);
const eventName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...EVENTS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'disconnect',
      'error',
      'connect',
      '__proto__',
      'constructor',
      'hasOwnProperty',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
);

const text = (t: string): Frame => ({ text: t });
const connect = (nsp: string, credential: Credential, wait = true): Item => ({
  connect: nsp,
  credential,
  await: wait,
});
const credential: fc.Arbitrary<Credential> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Credential>('none', 'none', 'ticket', 'token') },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.record({ pid: fc.string(), offset: fc.string() }),
        fc.record({ ticket: fc.jsonValue() }),
        fc.record({ token: fc.jsonValue() }),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map((value): Credential => ({ value })),
  },
);
const event = (nsp: fc.Arbitrary<string>) =>
  fc
    .tuple(nsp, ackId, eventName, fc.array(payload, { maxLength: 2 }))
    .map(([n, id, name, args]) => [text(`42${prefix(n)}${id ?? ''}${JSON.stringify([name, ...args])}`)]);

/** What a well-behaved client does: join `general` and post there, with acks. */
const chatter = fc
  .tuple(fc.nat({ max: 1000 }), fc.string({ minLength: 1, maxLength: 60 }), fc.uuid())
  .map(([id, message, clientMsgId]): Item[] => [
    text(`42/chat,${id}${JSON.stringify(['room:join', { roomId: 'general' }])}`),
    { awaitAck: id },
    text(
      `42/chat,${id + 1}${JSON.stringify(['message:send', { roomId: 'general', text: message, clientMsgId }])}`,
    ),
  ]);

/** One step of a sequence: the frames it sends back to back. */
const step: fc.Arbitrary<Item[]> = fc.oneof(
  { weight: 12, arbitrary: event(fc.constant('/chat')) },
  { weight: 4, arbitrary: chatter },
  { weight: 1, arbitrary: event(namespace) },
  {
    // A binary event announcing some attachments, followed by as many frames, or not.
    weight: 2,
    arbitrary: fc
      .tuple(ackId, eventName, fc.nat({ max: 3 }), fc.oneof(fc.constant(-1), fc.nat({ max: 4 })))
      .map(([id, name, announced, extra]) => [
        text(
          `45${announced}-/chat,${id ?? ''}${JSON.stringify([name, { roomId: 'general', file: { _placeholder: true, num: 0 } }])}`,
        ),
        // Mostly as many attachments as announced; sometimes fewer, or one more.
        ...Array.from({ length: extra < 0 ? announced : Math.min(extra, announced + 1) }, (_, i) => ({
          binary: Uint8Array.of(i, 1, 2),
        })),
      ]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.nat({ max: 1000 }), fc.jsonValue({ maxDepth: 2 }))
      .map(([id, value]) => [text(`43/chat,${id}${JSON.stringify([value])}`)]),
  },
  // Leave /chat, then CONNECT again on the same connection (class 1), or CONNECT anywhere.
  {
    weight: 1,
    arbitrary: fc
      .tuple(credential, fc.boolean())
      .map(([c, wait]) => [text('41/chat,'), connect('/chat', c, wait)]),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(namespace, credential, fc.boolean()).map(([n, c, wait]) => [connect(n, c, wait)]),
  },
  { weight: 1, arbitrary: namespace.map((n) => [text(`41${prefix(n)}`)]) },
  // Hostile framing: any one of these may end the connection, and nothing else.
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.uint8Array({ maxLength: 64 }).map((binary): Frame => ({ binary })),
        fc.constantFrom('2', '3', '5', '6', '1', '4', '40', '4x', '49/chat,', '44/chat,{}').map(text),
        fc.string({ maxLength: 40 }).map((s) => text(`4${s}`)),
        fc.string({ maxLength: 40 }).map(text),
        fc
          .integer({ min: 1, max: 5000 })
          .map((depth) => text(`42/chat,["room:join",${'['.repeat(depth)}${']'.repeat(depth)}]`)),
        // Just under, and over, SOCKET_MAX_PAYLOAD (64 KiB).
        fc.constantFrom(60_000, 70_000).map((n) => text(`42/chat,["typing","${'x'.repeat(n)}"]`)),
      )
      .map((f) => [f]),
  },
);

const sequence: fc.Arbitrary<Sequence> = fc.record({
  client: fc.constantFrom('cookie', 'cookie', 'cookie', 'garbage-cookie', 'anonymous'),
  frames: fc
    .tuple(
      fc.option(
        fc.tuple(credential, fc.nat({ max: 9 })).map(([c, n]) => connect('/chat', c, n > 0)),
        { freq: 6, nil: undefined },
      ),
      fc.array(step, { minLength: 1, maxLength: 10 }),
    )
    .map(([first, steps]) => [...(first ? [first] : []), ...steps.flat()]),
});

describe('random Engine.IO / Socket.IO packet sequences from hostile clients', () => {
  let t: TestApp;
  let fuzzer: Awaited<ReturnType<typeof loggedInAgent>>;
  let bystander: ChatClient;
  let privateRoom: string;
  let token: string;
  const tickets: string[] = [];
  const faults: unknown[] = [];
  const onFault = (error: unknown) => faults.push(error);

  beforeAll(async () => {
    t = await startApp({ MESSAGE_RATE_LIMIT: '1000000' });
    fuzzer = await loggedInAgent(t.url);
    token = (await fuzzer.agent.post('/auth/token').expect(201)).body.accessToken as string;
    for (let i = 0; i < 100; i++)
      tickets.push((await fuzzer.agent.post('/auth/ws-ticket').expect(201)).body.ticket);
    const owner = await loggedInAgent(t.url);
    const { body } = await owner.agent
      .post('/rooms')
      .send({ name: 'bystander', visibility: 'private' })
      .expect(201);
    privateRoom = body.room.id as string;
    bystander = await connected(chatClient(t.url, { cookie: owner.cookie }));
    await ack(bystander, 'room:join', { roomId: privateRoom });
    process.on('uncaughtException', onFault);
    process.on('unhandledRejection', onFault);
  });
  afterAll(async () => {
    process.off('uncaughtException', onFault);
    process.off('unhandledRejection', onFault);
    bystander?.close();
    await t?.close();
  });

  function credentialOf(credential: Credential): unknown {
    if (credential === 'none') return undefined;
    if (credential === 'token') return { token };
    if (credential === 'ticket') return { ticket: tickets.shift() ?? 'spent' };
    return credential.value;
  }

  async function play(run: Sequence): Promise<void> {
    const cookie =
      run.client === 'cookie'
        ? fuzzer.cookie
        : run.client === 'garbage-cookie'
          ? 'tether.sid=s%3Ax.y'
          : undefined;
    const raw = await RawEngineClient.open(t.url, { cookie });
    try {
      for (const f of run.frames) {
        if (!raw.isOpen) break;
        if ('connect' in f) {
          const auth = credentialOf(f.credential);
          const nsp = prefix(f.connect);
          const answered = raw.next(
            (m) => typeof m === 'string' && (m.startsWith(`40${nsp}`) || m.startsWith(`44${nsp}`)),
            5000,
          );
          answered.catch(() => undefined);
          raw.send(`40${nsp}${auth === undefined ? '' : JSON.stringify(auth)}`);
          if (f.await) await Promise.race([answered, raw.closed]);
        } else if ('awaitAck' in f) {
          const acked = raw.next(
            (m) => typeof m === 'string' && m.startsWith(`43/chat,${f.awaitAck}[`),
            5000,
          );
          acked.catch(() => undefined);
          await Promise.race([acked, raw.closed]);
        } else if ('text' in f) raw.send(f.text);
        else raw.send(Buffer.from(f.binary));
      }
      // Whatever came before, the connection answers a probe or has been closed.
      const probe = raw.next((f) => typeof f === 'string' && f.startsWith('44/__probe,'), 5000);
      raw.send('40/__probe,');
      await Promise.race([probe, raw.closed]);
      // A socket still on /chat answers one more event once the handlers before it ran.
      if (raw.isOpen && raw.frames.some((f) => typeof f === 'string' && f.startsWith('40/chat,'))) {
        await Promise.race([raw.ack(DRAIN, 'presence:list', { roomId: 'general' }), raw.closed]);
      }
    } finally {
      raw.close();
    }
  }

  it('keeps the process serving, the bystander answered and the data intact', async () => {
    const errors = vi.spyOn(Logger.prototype, 'error');
    const latencies: number[] = [];
    const bystanderAcks: Promise<unknown>[] = [];
    let sent = 0;
    const result = await fc.check(
      // Two clients at once, so their packets interleave on the server.
      fc.asyncProperty(sequence, sequence, async (one, two) => {
        const started = performance.now();
        const clientMsgId = `b${sent++}`;
        const bystanderAck = ack(bystander, 'message:send', {
          roomId: privateRoom,
          text: clientMsgId,
          clientMsgId,
        });
        const settled = bystanderAck.then((res) => {
          latencies.push(performance.now() - started);
          return res;
        });
        // Awaited below, and at the end whatever happens to this run.
        bystanderAcks.push(settled.catch((error: unknown) => error));
        await Promise.all([play(one), play(two)]);
        expect(await settled).toMatchObject({ ok: true });
        expect(faults).toEqual([]);
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, seed: SEED, endOnFailure: true },
    );
    await Promise.all(bystanderAcks);
    errors.mockRestore();
    if (result.failed) {
      throw new Error(`${fc.defaultReportMessage(result)}\n${String(result.errorInstance)}`, {
        cause: result.errorInstance,
      });
    }
    expect(result.numRuns, 'pairs of sequences run within the time limit').toBeGreaterThanOrEqual(
      Math.min(RUNS, 500),
    );
    expect(errors).not.toHaveBeenCalled();

    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99)];
    expect(p99, `bystander ack p99 over ${latencies.length} acks`).toBeLessThan(100);

    // The process serves, and holds nothing for the clients that are gone.
    await request(t.url).get('/health').expect(200);
    const namespace = t.app.get(NamespaceLifecycle).namespace!;
    await vi.waitFor(() => expect(namespace.server.engine.clientsCount).toBe(1), { timeout: 10_000 });
    expect([...namespace.sockets.keys()]).toEqual([bystander.id]);

    // Stored data: the bystander's room holds exactly its acknowledged messages, in order, and
    // every message anyone stored is well formed.
    const db = new Database(join(t.dataDir, 'tether.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const mine = db
        .prepare('SELECT client_msg_id AS id FROM messages WHERE room_id = ? ORDER BY seq')
        .all(privateRoom) as { id: string }[];
      expect(mine.map((m) => m.id)).toEqual(Array.from({ length: sent }, (_, i) => `b${i}`));
      const others = db
        .prepare('SELECT room_id AS room, author_id AS author, text FROM messages WHERE room_id <> ?')
        .all(privateRoom) as { room: string; author: string; text: string }[];
      for (const m of others) {
        expect(m).toMatchObject({ room: 'general', author: fuzzer.user.id });
        expect(m.text.length).toBeGreaterThan(0);
        expect(m.text.length).toBeLessThanOrEqual(LIMITS.messageTextMax);
        expect(m.text).toBe(m.text.trim());
      }
    } finally {
      db.close();
    }
  }, 180_000);
});
