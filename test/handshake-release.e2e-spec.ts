import type { IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { NamespaceLifecycle } from '../src/realtime/namespace-lifecycle.js';
import { loggedInAgent, startApp, type TestApp } from './helpers/app.js';
import { chatClient, connected, type ChatClient } from './helpers/sockets.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * A socket's handshake request carries its headers, its cookie and express-session's state; once
 * the socket is connected nothing needs it, so it must not stay reachable for the socket's life
 * (a few KB per idle socket, the largest part of what an idle Tether socket cost over bare Socket.IO).
 */
describe('The handshake request of a connected socket', () => {
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
    it(`is let go once a cookie socket connects over ${transport}`, async () => {
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
});
