import { request as httpRequest } from 'node:http';
import type { SharedSession } from '../../src/session/session-middleware.js';
import { SHARED_SESSION } from '../../src/session/session.module.js';
import { loggedInAgent, startApp, type TestApp } from '../helpers/app.js';
import { chatClient, connected, refusal, TRANSPORTS, type Transport } from '../helpers/sockets.js';

/**
 * A page on another site opens a socket to us: the browser attaches the victim's cookie, and
 * WebSockets are not subject to CORS. The origin gate answers 403 before the session store is read
 * (engine middlewares run before `allowRequest`), on both transports.
 */
describe('cross-site WebSocket hijacking', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startApp({ ALLOWED_ORIGINS: 'https://app.example' });
    cookie = (await loggedInAgent(t.url)).cookie;
  });
  afterAll(async () => {
    await t.close();
  });

  describe.each(TRANSPORTS)('over %s', (transport) => {
    it.each(['https://evil.example', 'null', 'https://app.example.evil.example', 'http://app.example'])(
      'refuses Origin %s with 403 before reading any session',
      async (origin) => {
        const reads = vi.spyOn(t.app.get<SharedSession>(SHARED_SESSION).store, 'get');
        try {
          expect(await handshakeStatus(t.url, transport, { Cookie: cookie, Origin: origin })).toBe(403);
          const err = await refusal(chatClient(t.url, { cookie, transport, origin }));
          expect(err.data).toBeUndefined();
          expect(reads).not.toHaveBeenCalled();
        } finally {
          reads.mockRestore();
        }
      },
    );

    it('accepts a listed Origin, and a client that sends none', async () => {
      for (const origin of ['https://app.example', undefined]) {
        const socket = await connected(chatClient(t.url, { cookie, transport, origin }));
        socket.close();
      }
    });
  });
});

/** The HTTP status of a bare Engine.IO handshake: a polling GET, or a websocket upgrade. */
function handshakeStatus(
  url: string,
  transport: Transport,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const upgrade =
      transport === 'websocket'
        ? {
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
          }
        : {};
    const req = httpRequest(`${url}/socket.io/?EIO=4&transport=${transport}`, {
      headers: { ...headers, ...upgrade },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('error', reject);
    req.end();
  });
}
