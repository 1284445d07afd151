import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Message } from '../src/protocol/models.js';
import { startLocalCluster, type LocalCluster } from '../tools/local-cluster.js';
import { describeWithBinary, requireBinary } from './helpers/binaries.js';
import {
  ack,
  chatClient,
  connected,
  nextEvent,
  TRANSPORTS,
  type ChatClient,
  type Transport,
} from './helpers/sockets.js';
import { sessionCookie, STRONG_PASSWORD, UNCAPPED, uniqueName } from './helpers/app.js';

interface Session {
  username: string;
  cookie: string;
  /** The instance nginx routes this session's requests to. */
  instance: string;
}

describeWithBinary(
  [requireBinary('redis-server'), requireBinary('nginx', '/usr/sbin/nginx')],
  'a cluster of three instances behind nginx with Redis',
  ([redisBinary, nginxBinary]) => {
    let cluster: LocalCluster;
    let dataDir: string;
    const sockets: ChatClient[] = [];

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'tether-cluster-'));
      cluster = await startLocalCluster({
        instances: 3,
        dataDir,
        redisBinary,
        nginxBinary,
        env: { SHUTDOWN_TIMEOUT: '5', MESSAGE_RATE_LIMIT: '1000', ...UNCAPPED },
      });
    }, 120_000);

    afterAll(async () => {
      for (const s of sockets) s.close();
      await cluster?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** Which instance nginx sends this cookie's requests to. */
    const instanceOf = async (cookie: string) =>
      (await request(cluster.url).get('/health').set('Cookie', cookie).expect(200)).body.instance as string;

    async function login(username: string): Promise<Session> {
      const res = await request(cluster.url)
        .post('/auth/login')
        .send({ username, password: STRONG_PASSWORD })
        .expect(200);
      const cookie = String(res.headers['set-cookie']).split(';')[0];
      return { username, cookie, instance: await instanceOf(cookie) };
    }

    async function register(): Promise<string> {
      const username = uniqueName('cl');
      await request(cluster.url)
        .post('/auth/register')
        .send({ username, password: STRONG_PASSWORD })
        .expect(201);
      return username;
    }

    /** Sessions (new users, or new logins of `username`) until every instance has one. */
    async function sessionsOnEveryInstance(username?: string): Promise<Session[]> {
      const byInstance = new Map<string, Session>();
      for (let i = 0; i < 40 && byInstance.size < cluster.instances.length; i++) {
        const session = await login(username ?? (await register()));
        if (!byInstance.has(session.instance)) byInstance.set(session.instance, session);
      }
      expect(byInstance.size).toBe(cluster.instances.length);
      return [...byInstance.values()];
    }

    async function connect(
      session: Session,
      transport: Transport,
      reconnection = false,
    ): Promise<ChatClient> {
      const socket = chatClient(cluster.url, { cookie: session.cookie, transport, reconnection });
      sockets.push(socket);
      return connected(socket, 10_000);
    }

    it('logs in through the load balancer and shares the session with every instance', async () => {
      const [session] = await sessionsOnEveryInstance();
      for (const instance of cluster.instances) {
        await request(instance.url).get('/auth/me').set('Cookie', session.cookie).expect(200);
      }
    });

    describe.each(TRANSPORTS)('over %s', (transport) => {
      it('delivers messages and presence across instances', async () => {
        const sessions = await sessionsOnEveryInstance();
        const clients = await Promise.all(sessions.map((s) => connect(s, transport)));
        for (const client of clients)
          expect(await ack(client, 'room:join', { roomId: 'general' })).toMatchObject({ ok: true });

        const listed = await ack(clients[2], 'presence:list', { roomId: 'general' });
        const names = (listed.online as { username: string }[]).map((u) => u.username);
        expect(names).toEqual(expect.arrayContaining(sessions.map((s) => s.username)));

        const incoming = clients.slice(1).map((c) => nextEvent(c, 'message:new', 10_000));
        const sent = await ack(clients[0], 'message:send', {
          roomId: 'general',
          text: `from ${sessions[0].instance}`,
          clientMsgId: uniqueName('x'),
        });
        expect(sent.ok).toBe(true);
        for (const message of await Promise.all(incoming)) expect(message).toEqual(sent.message);
      });

      it('ends a session’s sockets on another instance at logout', async () => {
        const [session] = await sessionsOnEveryInstance();
        const socket = await connect(session, transport);
        const elsewhere = cluster.instances.find((i) => i.id !== session.instance)!;
        const ended = nextEvent(socket, 'session:ended', 10_000);
        const disconnected = nextEvent(socket, 'disconnect', 10_000);
        await request(elsewhere.url).post('/auth/logout').set('Cookie', session.cookie).expect(204);
        expect(await ended).toEqual({ reason: 'logout' });
        expect(await disconnected).toBe('io server disconnect');
      });

      it('ends the other sessions’ sockets on other instances at a password change', async () => {
        const username = await register();
        const [first, second] = await sessionsOnEveryInstance(username);
        const socket = await connect(second, transport);
        const ended = nextEvent(socket, 'session:ended', 10_000);
        const direct = cluster.instances.find((i) => i.id === first.instance)!;
        const changed = await request(direct.url)
          .post('/auth/password')
          .set('Cookie', first.cookie)
          .send({ currentPassword: STRONG_PASSWORD, newPassword: 'a different passphrase' })
          .expect(204);
        expect(await ended).toEqual({ reason: 'password_changed' });
        // Restore the password so the helper can still log this user in (the session has a new id now).
        await request(direct.url)
          .post('/auth/password')
          .set('Cookie', sessionCookie(changed))
          .send({ currentPassword: 'a different passphrase', newPassword: STRONG_PASSWORD })
          .expect(204);
      });
    });

    it('loses no acknowledged message and stores none twice when an instance is killed, then drains on SIGTERM', async () => {
      const { body } = await request(cluster.url)
        .post('/rooms')
        .set('Cookie', (await sessionsOnEveryInstance())[0].cookie)
        .send({ name: 'failover', visibility: 'public' })
        .expect(201);
      const roomId = body.room.id as string;
      const sessions = await sessionsOnEveryInstance();
      const senders = await Promise.all(
        sessions.map((s, i) =>
          ResilientSender.start(s, i % 2 === 0 ? 'websocket' : 'polling', roomId, connect),
        ),
      );

      const victim = cluster.instances.find((i) => i.id === sessions[0].instance)!;
      const sending = senders.map((s) => s.send(30));
      await senders[0].acked(5);
      // Live delivery is at most once (a message stored on the victim may die before its broadcast):
      // each client catches up from where it stood when the instance died.
      const cursors = senders.map((sender) => sender.cursor());
      victim.process.kill('SIGKILL');
      await Promise.all(sending);

      expect(senders[0].reconnects).toBeGreaterThan(0);
      await Promise.all(senders.map((sender, i) => sender.catchUp(cursors[i])));

      const stored = await allMessages(cluster.url, sessions[1].cookie, roomId);
      const storedIds = stored.map((m) => m.clientMsgId);
      expect(new Set(storedIds).size).toBe(storedIds.length);
      for (const sender of senders) {
        for (const id of sender.ackedIds) expect(storedIds).toContain(id);
        // What a client saw live plus what it caught up with covers every stored message.
        expect(sender.seenIds).toEqual(new Set(stored.map((m) => m.id)));
      }

      // SIGTERM a survivor: it exits in bounded time and its clients move to the last one.
      const survivors = cluster.instances.filter((i) => i !== victim);
      const drained = survivors[0];
      const onDrained = senders.filter((s) => s.session.instance === drained.id);
      const moved = onDrained.map((s) => nextEvent(s.socket, 'disconnect', 15_000));
      const started = Date.now();
      drained.process.kill('SIGTERM');
      await drained.exited;
      expect(Date.now() - started).toBeLessThan(10_000);
      for (const reason of await Promise.all(moved)) expect(reason).toBe('transport close');
      for (const sender of onDrained) {
        await vi.waitFor(() => expect(sender.socket.connected).toBe(true), { timeout: 15_000 });
        expect(await ack(sender.socket, 'presence:list', { roomId: 'general' })).toBeDefined();
      }
    }, 120_000);
  },
);

describeWithBinary(
  [requireBinary('redis-server'), requireBinary('nginx', '/usr/sbin/nginx')],
  'npm run cluster',
  ([redisBinary, nginxBinary]) => {
    /** `tools/cluster.ts` with two instances; `waitFor` resolves on the first match in its output. */
    function startCli(dataDir: string) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'tools/cluster.ts', '--instances', '2', '--data-dir', dataDir],
        {
          env: { ...process.env, REDIS_SERVER: redisBinary, NGINX: nginxBinary },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const waitFor = (pattern: RegExp) =>
        new Promise<RegExpExecArray>((resolve, reject) => {
          const check = () => {
            const match = pattern.exec(output);
            if (match) {
              child.stdout.off('data', check);
              resolve(match);
            }
          };
          child.stdout.on('data', check);
          check();
          void exited.then(() => reject(new Error(`exited before ${pattern}:\n${output}`)));
        });
      return { child, exited, waitFor, output: () => output };
    }

    it('starts instances, Redis and nginx, prints the URL to open, and stops everything on Ctrl-C', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'tether-cluster-cli-'));
      const cli = startCli(dataDir);
      try {
        const [, url] = await cli.waitFor(/Open (http:\/\/127\.0\.0\.1:\d+)/);
        expect(cli.output()).toMatch(/tether-1: http:\/\/127\.0\.0\.1:\d+/);
        expect(cli.output()).toMatch(/tether-2: http:\/\/127\.0\.0\.1:\d+/);
        await request(url).get('/health').expect(200);
        cli.child.kill('SIGINT');
        expect(await cli.exited).toBe(0);
        expect(await refuses(url)).toBe(true);
      } finally {
        cli.child.kill('SIGKILL');
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 60_000);

    it('stops what it started when Ctrl-C comes while it is still starting', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'tether-cluster-cli-'));
      const cli = startCli(dataDir);
      try {
        // The first instance is listening; the second is not started yet.
        const [, port] = await cli.waitFor(/\[tether-1\] .*listening on http:\/\/\[::\]:(\d+)/);
        cli.child.kill('SIGINT');
        expect(await cli.exited).toBe(0);
        expect(await refuses(`http://127.0.0.1:${port}`)).toBe(true);
        expect(cli.output()).not.toMatch(/Open http/);
      } finally {
        cli.child.kill('SIGKILL');
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 60_000);
  },
);

/** Whether nothing listens at `url`'s port any more. */
function refuses(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

async function allMessages(url: string, cookie: string, roomId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (let after: string | undefined; ;) {
    const query = after ? `?after=${after}&limit=100` : '?limit=100';
    const page = (
      await request(url).get(`/rooms/${roomId}/messages${query}`).set('Cookie', cookie).expect(200)
    ).body.messages as Message[];
    if (after === undefined && page.length === 100) throw new Error('more than one page without a cursor');
    all.push(...page);
    if (page.length < 100) return all;
    after = page.at(-1)!.id;
  }
}

/**
 * A client as the web app behaves: every message has a clientMsgId, unacknowledged ones are resent
 * after a reconnect, and a reconnect re-joins the room from what it has seen.
 *
 * Live events from different instances can arrive out of id order (a local broadcast overtakes one
 * relayed through Redis), so the catch-up cursor stays a window behind the newest id seen, and
 * everything is deduplicated by id.
 */
class ResilientSender {
  static readonly OVERLAP = 20;
  readonly ackedIds = new Set<string>();
  readonly seenIds = new Set<string>();
  reconnects = 0;
  private readonly waiters: (() => void)[] = [];

  private constructor(
    readonly session: Session,
    readonly socket: ChatClient,
    private readonly roomId: string,
  ) {}

  static async start(
    session: Session,
    transport: Transport,
    roomId: string,
    connect: (s: Session, t: Transport, reconnection: boolean) => Promise<ChatClient>,
  ): Promise<ResilientSender> {
    const socket = await connect(session, transport, true);
    const sender = new ResilientSender(session, socket, roomId);
    socket.on('message:new', (m) => {
      if (m.roomId === roomId) sender.seenIds.add(m.id);
    });
    socket.io.on('reconnect', () => {
      sender.reconnects += 1;
    });
    await sender.catchUp();
    return sender;
  }

  cursor(): string {
    const seen = [...this.seenIds].sort();
    return seen[seen.length - 1 - ResilientSender.OVERLAP] ?? '0'.repeat(16);
  }

  /** (Re-)joins from `after` (by default the cursor) and records what it gets. */
  async catchUp(after = this.cursor()): Promise<void> {
    for (;;) {
      await this.whenConnected();
      const res = await ack(this.socket, 'room:join', { roomId: this.roomId, after }, 5000).catch(() => null);
      if (!res?.ok) continue;
      for (const m of res.messages as Message[]) this.seenIds.add(m.id);
      if ((res.messages as Message[]).length < 500) return;
    }
  }

  async send(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const clientMsgId = `${this.session.username}-${i}`;
      for (;;) {
        await this.whenConnected();
        const res = await ack(
          this.socket,
          'message:send',
          { roomId: this.roomId, text: `message ${i}`, clientMsgId },
          3000,
        ).catch(() => null);
        if (res?.ok) {
          this.ackedIds.add(clientMsgId);
          this.seenIds.add((res.message as Message).id);
          this.waiters.splice(0).forEach((wake) => wake());
          break;
        }
        // No ack (the instance died) or a refusal (a new connection has not joined yet): re-join,
        // then resend the same clientMsgId.
        await this.catchUp();
      }
    }
  }

  acked(count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => (this.ackedIds.size >= count ? resolve() : this.waiters.push(check));
      check();
    });
  }

  private whenConnected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }
}
