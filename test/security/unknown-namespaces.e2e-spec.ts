import { io } from 'socket.io-client';
import { NamespaceLifecycle } from '../../src/realtime/namespace-lifecycle.js';
import { loggedInAgent, startApp, type TestApp } from '../helpers/app.js';
import { RawEngineClient } from '../helpers/raw-engine.js';
import { ack, chatClient, connected, refusal, TRANSPORTS, type ChatClient } from '../helpers/sockets.js';

/**
 * CONNECTs to namespaces that serve nobody: the main namespace is refused with NOT_FOUND and its
 * connection closed; any other is answered Socket.IO's own "Invalid namespace" and creates
 * nothing, however many names a client tries.
 */
describe('unknown namespaces', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startApp();
    cookie = (await loggedInAgent(t.url)).cookie;
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(TRANSPORTS)('refuses the main namespace with NOT_FOUND (%s)', async (transport) => {
    const socket = io(t.url, {
      autoConnect: false,
      forceNew: true,
      reconnection: false,
      transports: [transport],
      extraHeaders: { Cookie: cookie },
    });
    expect((await refusal(socket as unknown as ChatClient)).data?.code).toBe('NOT_FOUND');
  });

  it('creates no namespace for any name a client tries, and keeps serving /chat on the same connection', async () => {
    const server = t.app.get(NamespaceLifecycle).namespace!.server;
    const namespaces = (server as unknown as { _nsps: Map<string, unknown> })._nsps.size;
    const raw = await RawEngineClient.open(t.url, { cookie });
    try {
      for (const name of ['/admin', '/chat/', '/CHAT', '/chat#x', `/${'n'.repeat(500)}`, '/%00']) {
        const answer = await raw.connectNamespace(name);
        expect(answer, name).toMatch(/^44.*Invalid namespace/);
      }
      expect((server as unknown as { _nsps: Map<string, unknown> })._nsps.size).toBe(namespaces);
      expect(await raw.connectNamespace('/chat')).toMatch(/^40\/chat,/);
      expect(await raw.ack(1, 'room:join', { roomId: 'general' })).toMatchObject({ ok: true });
    } finally {
      raw.close();
    }
    const other = await connected(chatClient(t.url, { cookie }));
    expect(await ack(other, 'room:join', { roomId: 'general' })).toMatchObject({ ok: true });
    other.close();
  });
});
