import { request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { listenEarly, type EarlyListener } from '../src/http/early-listener.js';

const listeners: EarlyListener[] = [];
afterEach(async () => {
  for (const early of listeners.splice(0)) {
    early.abort();
    early.server.closeAllConnections();
  }
});

const portOf = (server: Server) => (server.address() as AddressInfo).port;

function get(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ port, path: '/ready', agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `promise`, or a failure saying `what` did not happen within `ms`. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('listening before the app is ready', () => {
  it('holds a request that arrives while booting and answers it once the app is ready', async () => {
    const early = await listenEarly(0);
    listeners.push(early);
    const connectedBeforeReady = new Promise<void>((resolve) =>
      early.server.once('connection', () => resolve()),
    );
    const answer = get(portOf(early.server));
    await connectedBeforeReady;
    // The app arrives: only now is there anything to answer with.
    early.server.on('request', (req, res) => res.end(`served ${req.url}`));
    early.release();
    expect(await answer).toEqual({ status: 200, body: 'served /ready' });
    // Later connections go straight to HTTP handling.
    expect(await get(portOf(early.server))).toEqual({ status: 200, body: 'served /ready' });
  });

  it('lets go of a client that leaves before the app is ready, so the server can close', async () => {
    const early = await listenEarly(0);
    listeners.push(early);
    const accepted = new Promise<Socket>((resolve) => early.server.once('connection', resolve));
    // A port probe (a load balancer's, a test helper's): it connects, sends nothing and leaves.
    const probe = connect(portOf(early.server));
    const held = await accepted;
    probe.destroy();
    await within(
      5000,
      'no close of the connection its client left',
      new Promise((r) => held.once('close', r)),
    );
    early.release();
    await within(5000, 'no close of the server', new Promise((r) => early.server.close(r)));
  });

  it('closes connections past its bound at once instead of holding them', async () => {
    const early = await listenEarly(0, undefined, 2);
    listeners.push(early);
    const port = portOf(early.server);
    const accepted = () => new Promise<void>((resolve) => early.server.once('connection', () => resolve()));
    const open = [];
    for (let i = 0; i < 2; i++) {
      const next = accepted();
      open.push(connect(port));
      await next;
    }
    const third = connect(port);
    open.push(third);
    await new Promise<void>((resolve) => third.once('close', () => resolve()));
    expect(open.map((socket) => socket.destroyed)).toEqual([false, false, true]);
    for (const socket of open) socket.destroy();
  });
});
