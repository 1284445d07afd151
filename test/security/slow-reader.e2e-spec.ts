import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LIMITS } from '../../src/protocol/limits.js';
import type { Message } from '../../src/protocol/models.js';
import { NamespaceLifecycle } from '../../src/realtime/namespace-lifecycle.js';
import { loggedInAgent, startApp, type TestApp } from '../helpers/app.js';
import { RawEngineClient } from '../helpers/raw-engine.js';
import { ack, chatClient, connected, type ChatClient } from '../helpers/sockets.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MAX_BUFFERED = LIMITS.eventsInFlightMax * 2 * LIMITS.historyMaxBytes;
const HISTORY = 500;
const TEXT = 'x'.repeat(LIMITS.messageTextMax);

/** This process's memory: the test app runs in it. */
const used = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external };
};

/**
 * Class 8 of issue 10: a socket that stops reading while asking for large acks (`room:join`s,
 * each about 2 MB of history) grew the server by 600 MB and was never cut. Each ack now fits
 * `LIMITS.historyMaxBytes`, each socket runs at most `LIMITS.eventsInFlightMax` events at once, and
 * a connection leaving more than `SOCKET_MAX_BUFFERED` bytes unread is cut.
 */
describe('a client that stops reading while asking for large acks', () => {
  let t: TestApp;
  let roomId: string;
  let cookie: string;
  let bystander: ChatClient;

  beforeAll(async () => {
    t = await startApp({ SOCKET_MAX_BUFFERED: String(MAX_BUFFERED), MESSAGE_RATE_LIMIT: '100000' });
    const author = await loggedInAgent(t.url);
    const { body } = await author.agent
      .post('/rooms')
      .send({ name: 'long', visibility: 'public' })
      .expect(201);
    roomId = body.room.id as string;
    const writer = await connected(chatClient(t.url, { cookie: author.cookie }));
    await ack(writer, 'room:join', { roomId });
    for (let i = 0; i < HISTORY; i++) {
      await ack(writer, 'message:send', { roomId, text: TEXT, clientMsgId: `m${i}` });
    }
    writer.close();
    cookie = (await loggedInAgent(t.url)).cookie;
    bystander = await connected(chatClient(t.url, { cookie: (await loggedInAgent(t.url)).cookie }));
  }, 120_000);
  afterAll(async () => {
    bystander?.close();
    await t?.close();
  });

  it('caps one history ack in bytes and says it was cut', async () => {
    const reader = await connected(chatClient(t.url, { cookie }));
    try {
      const joined = await ack(reader, 'room:join', { roomId, after: '0'.repeat(16) });
      const messages = joined.messages as Message[];
      expect(joined.truncated).toBe(true);
      expect(Buffer.byteLength(JSON.stringify(messages))).toBeLessThanOrEqual(LIMITS.historyMaxBytes);
      // The first ones after the cursor, so the rest is one fetch from the last of them.
      expect(messages[0].clientMsgId).toBe('m0');
      const rest = await ack(reader, 'messages:fetch', { roomId, after: messages.at(-1)!.id, limit: 100 });
      expect((rest.messages as Message[])[0].clientMsgId).toBe(`m${messages.length}`);
      expect(rest.truncated).toBe(true);
      const latest = await ack(reader, 'room:join', { roomId });
      expect((latest.messages as Message[]).at(-1)!.clientMsgId).toBe(`m${HISTORY - 1}`);
    } finally {
      reader.close();
    }
  });

  it('answers events past LIMITS.eventsInFlightMax unanswered ones with RATE_LIMITED, without running them', async () => {
    // Polling carries every queued packet in one request, so the server reads them all at once.
    const reader = await connected(chatClient(t.url, { cookie, transport: 'polling' }));
    try {
      const count = LIMITS.eventsInFlightMax + 8;
      const acks = await Promise.all(
        Array.from({ length: count }, () => ack(reader, 'room:join', { roomId, after: '0'.repeat(16) })),
      );
      const refused = acks.filter((a) => !a.ok);
      // Every event past the limit while the others run; one may finish before the last arrives.
      expect(refused.length).toBeGreaterThan(0);
      expect(count - refused.length).toBeGreaterThanOrEqual(LIMITS.eventsInFlightMax);
      expect(refused[0]).toMatchObject({ error: { code: 'RATE_LIMITED', details: { retryAfterSec: 1 } } });
      expect(await ack(reader, 'room:join', { roomId })).toMatchObject({ ok: true });
      // All of it waited for the next poll, and a client that reads is never cut for that.
      expect(reader.connected).toBe(true);
    } finally {
      reader.close();
    }
  });

  it('is cut once it leaves SOCKET_MAX_BUFFERED unread, and the server stays within bounds', async () => {
    const raw = await RawEngineClient.open(t.url, { cookie });
    try {
      const sid = JSON.parse((await raw.connectNamespace('/chat')).slice('40/chat,'.length)).sid as string;
      const server = t.app.get(NamespaceLifecycle).namespace!.sockets.get(sid)!;
      const cut = new Promise<string>((resolve) => server.once('disconnect', resolve));
      gc();
      const before = used();
      const peak = { ...before };
      const sampler = setInterval(() => {
        const now = used();
        peak.rss = Math.max(peak.rss, now.rss);
        peak.heap = Math.max(peak.heap, now.heap);
      }, 5);

      raw.ws.pause();
      // The attacker keeps asking, a burst of as many as may run at once every few milliseconds,
      // and reads nothing.
      let id = 0;
      const request = JSON.stringify(['room:join', { roomId, after: '0'.repeat(16) }]);
      const flood = setInterval(() => {
        for (let i = 0; i < LIMITS.eventsInFlightMax; i++) raw.send(`42/chat,${id++}${request}`);
      }, 5);
      const reason = await Promise.race([
        cut,
        new Promise((_, reject) => setTimeout(() => reject(new Error('never cut')), 20_000)),
      ]).finally(() => clearInterval(flood));
      expect(reason).toMatch(/^transport (close|error)$/);
      // Someone else is still served while the attack's last handlers finish.
      const started = Date.now();
      expect(await ack(bystander, 'room:join', { roomId: 'general' })).toMatchObject({ ok: true });
      expect(Date.now() - started).toBeLessThan(2000);
      clearInterval(sampler);

      // Kernel socket buffers hold a few MB more, outside the process; the rest is transient.
      const bound = 8 * MAX_BUFFERED + 64 * 1024 * 1024;
      expect(peak.rss - before.rss, 'peak RSS growth').toBeLessThan(bound);
      expect(peak.heap - before.heap, 'peak heap + external growth').toBeLessThan(bound);
      gc();
      expect(used().heap - before.heap, 'retained after the cut').toBeLessThan(16 * 1024 * 1024);
    } finally {
      raw.close();
    }
  });
});
