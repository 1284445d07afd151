import type { IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { NamespaceLifecycle } from '../src/realtime/namespace-lifecycle.js';
import { loggedInAgent, startApp, type TestApp } from './helpers/app.js';
import type { Socket as ServerSocket } from 'socket.io';
import { ack, chatClient, connected, type ChatClient } from './helpers/sockets.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * What an idle socket keeps for its life is what thousands of them cost (issue 15's heap per idle
 * socket). Its handshake request carries its headers, its cookie and express-session's state:
 * once the socket is connected nothing needs it (a few KB a socket). And Nest binds each gateway
 * to each socket on its own: Tether's adapter gives a socket one listener for all of them.
 */
describe('An idle socket', () => {
  let t: TestApp;
  const sockets: ChatClient[] = [];

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.close();
  });

  for (const transport of ['websocket', 'polling'] as const) {
    it(`lets go of its handshake request once connected over ${transport}`, async () => {
      const { cookie } = await loggedInAgent(t.url);
      const engine = t.app.get(NamespaceLifecycle).namespace!.server.engine;
      let request: WeakRef<IncomingMessage> | undefined;
      engine.once(
        'connection',
        (conn: { request: IncomingMessage }) => (request = new WeakRef(conn.request)),
      );
      const socket = chatClient(t.url, { cookie, transport });
      sockets.push(socket);
      await connected(socket);
      expect(request).toBeDefined();
      // Collected once nothing holds it; a full GC can need a turn or two of the event loop.
      await vi.waitFor(
        () => {
          gc();
          expect(request!.deref()).toBeUndefined();
        },
        { timeout: 5000, interval: 50 },
      );
    });
  }

  it('has one event listener and one Nest disconnect listener, however many gateways serve it', async () => {
    const { cookie } = await loggedInAgent(t.url);
    const socket = chatClient(t.url, { cookie });
    sockets.push(socket);
    await connected(socket);
    const server = await t.app.get(NamespaceLifecycle).namespace!.fetchSockets();
    const own = server.find((s) => s.id === socket.id)! as unknown as ServerSocket;
    expect(own.listenersAny()).toHaveLength(1);
    // Tether's own two (presence, the lifecycle) and the one that runs every gateway's.
    expect(own.listeners('disconnect')).toHaveLength(3);
    await expect(ack(socket, 'room:join', { roomId: 'general' })).resolves.toMatchObject({ ok: true });
  });
});
