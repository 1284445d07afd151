import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SharedSession } from '../../src/session/session-middleware.js';
import { SHARED_SESSION } from '../../src/session/session.module.js';
import { loggedInAgent, startApp, type TestApp } from '../helpers/app.js';
import { chatClient, connected, nextEvent, serverSocket } from '../helpers/sockets.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Sockets that connect and leave at once, over and over: each starts renewing its session as it
 * connects, and a renewal that finished after its socket left re-armed the expiry timer, which then
 * held the socket (and its connection) for the idle timeout, a day by default.
 */
describe('a flood of sockets that connect and leave at once', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startApp();
    cookie = (await loggedInAgent(t.url)).cookie;
  });
  afterAll(async () => {
    await t.close();
  });

  it('holds nothing for a socket that left while its session was being renewed', async () => {
    const store = t.app.get<SharedSession>(SHARED_SESSION).store;
    const refs: WeakRef<object>[] = [];
    for (let i = 0; i < 5; i++) {
      const client = await connected(chatClient(t.url, { cookie }));
      refs.push(new WeakRef(serverSocket(t, client)));
      // Leave before the renewal that the connection started has written the session back.
      const touched = new Promise<void>((resolve) => {
        const touch = store.touch!.bind(store);
        store.touch = (sid, session, callback) => {
          store.touch = touch;
          const gone = nextEvent(client, 'disconnect');
          client.disconnect();
          void gone.then(() =>
            touch(sid, session, () => {
              callback?.();
              resolve();
            }),
          );
        };
      });
      await touched;
    }
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(refs.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
  });
});
