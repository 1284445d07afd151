import request from 'supertest';
import { startRedis } from '../tools/processes.js';
import type { SharedSession } from '../src/session/session-middleware.js';
import { SHARED_SESSION } from '../src/session/session.module.js';
import { loggedInAgent, startApp, tempDir, type TestApp } from './helpers/app.js';
import { describeWithBinary, requireBinary } from './helpers/binaries.js';
import { chatClient, collect, connected, nextEvent, type ChatClient } from './helpers/sockets.js';

const sockets: ChatClient[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

function open(t: TestApp, cookie: string): Promise<ChatClient> {
  const socket = chatClient(t.url, { cookie, transport: 'websocket' });
  sockets.push(socket);
  return connected(socket);
}

/** Counts the store's touches and writes (the store every session variant delegates to). */
function countWrites(t: TestApp): { writes: number } {
  const store = t.app.get<SharedSession>(SHARED_SESSION).store as unknown as Record<
    string,
    (...a: unknown[]) => unknown
  >;
  const counts = { writes: 0 };
  for (const name of ['set', 'touch']) {
    const original = store[name].bind(store);
    store[name] = (...args: unknown[]) => {
      counts.writes += 1;
      return original(...args);
    };
  }
  return counts;
}

describe('socket renewal per session', () => {
  it('renews a session once for all the sockets that open on it within a touch interval', async () => {
    const t = await startApp({ SESSION_TOUCH_INTERVAL: '60' });
    try {
      const { cookie } = await loggedInAgent(t.url);
      const counts = countWrites(t);
      const first = await open(t, cookie);
      await vi.waitFor(() => expect(counts.writes).toBe(1));
      const more = await Promise.all(Array.from({ length: 9 }, () => open(t, cookie)));
      // Every socket shares the renewed expiry, and none wrote the session again.
      for (const socket of [first, ...more]) expect(socket.connected).toBe(true);
      await request(t.url).get('/auth/me').set('Cookie', cookie).expect(200);
      expect(counts.writes).toBe(2);
    } finally {
      await t.close();
    }
  });
});

describeWithBinary(requireBinary('redis-server'), 'socket expiry on the Redis session store', ([binary]) => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    redis = await startRedis(binary);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  // connect-redis's touch moves the key's TTL and leaves the stored `cookie.expires` as it was, so
  // reading that value alone would end a socket whose session another tab keeps alive.
  it('keeps an idle socket while an HTTP-only tab keeps the session alive, and ends it once none does', async () => {
    const t = await startApp({
      DATA_DIR: tempDir(),
      REDIS_URL: redis.url,
      SESSION_STORE: 'redis',
      IO_ADAPTER: 'memory',
      SESSION_IDLE_TIMEOUT: '2',
      SESSION_TOUCH_INTERVAL: '60',
    });
    try {
      const { cookie } = await loggedInAgent(t.url);
      const socket = await open(t, cookie);
      const ended = collect(socket, 'session:ended');
      // The other tab: HTTP requests only, well inside the idle timeout, past three of them.
      const until = Date.now() + 6500;
      while (Date.now() < until) {
        await request(t.url).get('/auth/me').set('Cookie', cookie).expect(200);
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      expect(ended).toEqual([]);
      expect(socket.connected).toBe(true);
      // Once nothing renews it, the session idles out in the store and the socket ends.
      expect(await nextEvent(socket, 'session:ended', 8000)).toEqual({ reason: 'expired' });
    } finally {
      await t.close();
    }
  });
});
