import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

  it('queues a restart storm of connections in the kernel while the boot keeps the event loop busy', async () => {
    const early = await listenEarly(0, '127.0.0.1');
    listeners.push(early);
    // The kernel caps every backlog at net.core.somaxconn (4096 by default).
    const clients = Math.min(1500, Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8')));
    expect(clients, 'net.core.somaxconn leaves no room above the default backlog').toBeGreaterThan(600);
    // spawnSync blocks this process's event loop, as compiling the app's modules does, so
    // nothing is accepted meanwhile: the client process opens its connections and reads the
    // listening socket's accept queue (`rx_queue` of a LISTEN row in /proc/net/tcp) until they
    // are all in it, or 10 s pass. Node's default backlog (511) stops it at 512.
    const result = spawnSync(
      process.execPath,
      ['-e', QUEUE_PROBE, String(portOf(early.server)), String(clients)],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(result.stderr).toBe('');
    expect(Number(result.stdout)).toBe(clients);
  });
});

/** argv: port, connections. Prints the longest accept queue seen for the port's listening socket. */
const QUEUE_PROBE = `
const { connect } = require('node:net');
const { readFileSync } = require('node:fs');
const [port, count] = process.argv.slice(1).map(Number);
const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
const queued = () => {
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\\n').slice(1)) {
    const f = line.trim().split(/\\s+/);
    if (f[1]?.endsWith(':' + hexPort) && f[3] === '0A') return parseInt(f[4].split(':')[1], 16);
  }
  return -1;
};
const sockets = [];
for (let i = 0; i < count; i++) sockets.push(connect(port, '127.0.0.1').on('error', () => undefined));
const deadline = Date.now() + 10000;
let most = 0;
const look = () => {
  most = Math.max(most, queued());
  if (most >= count || Date.now() > deadline) {
    process.stdout.write(String(most));
    process.exit(0);
  }
  setTimeout(look, 20);
};
look();
`;
