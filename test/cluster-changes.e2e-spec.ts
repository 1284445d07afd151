import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Message } from '../src/protocol/models.js';
import { startLocalCluster, type LocalCluster } from '../tools/local-cluster.js';
import { describeWithBinary, requireBinary } from './helpers/binaries.js';
import { STRONG_PASSWORD, UNCAPPED, uniqueName } from './helpers/app.js';
import {
  ack,
  chatClient,
  connected,
  nextEvent,
  TRANSPORTS,
  type ChatClient,
  type Transport,
} from './helpers/sockets.js';

interface Session {
  username: string;
  cookie: string;
  instance: string;
}

describeWithBinary(
  [requireBinary('redis-server'), requireBinary('nginx', '/usr/sbin/nginx')],
  'messages that change, on a cluster of three instances behind nginx with Redis',
  ([redisBinary, nginxBinary]) => {
    let cluster: LocalCluster;
    let dataDir: string;
    const sockets: ChatClient[] = [];

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'tether-cluster-changes-'));
      cluster = await startLocalCluster({
        instances: 3,
        dataDir,
        redisBinary,
        nginxBinary,
        env: { MESSAGE_RATE_LIMIT: '1000', ...UNCAPPED },
      });
    }, 120_000);

    afterAll(async () => {
      for (const s of sockets) s.close();
      await cluster?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const instanceOf = async (cookie: string) =>
      (await request(cluster.url).get('/health').set('Cookie', cookie).expect(200)).body.instance as string;

    /** One new user per instance, each logged in through nginx to the instance it names. */
    async function usersOnEveryInstance(): Promise<Session[]> {
      const byInstance = new Map<string, Session>();
      for (let i = 0; i < 40 && byInstance.size < cluster.instances.length; i++) {
        const username = uniqueName('chg');
        await request(cluster.url)
          .post('/auth/register')
          .send({ username, password: STRONG_PASSWORD })
          .expect(201);
        const res = await request(cluster.url)
          .post('/auth/login')
          .send({ username, password: STRONG_PASSWORD })
          .expect(200);
        const cookie = String(res.headers['set-cookie']).split(';')[0];
        const instance = await instanceOf(cookie);
        if (!byInstance.has(instance)) byInstance.set(instance, { username, cookie, instance });
      }
      expect(byInstance.size).toBe(cluster.instances.length);
      return [...byInstance.values()];
    }

    async function joined(session: Session, roomId: string, transport: Transport): Promise<ChatClient> {
      const socket = chatClient(cluster.url, { cookie: session.cookie, transport });
      sockets.push(socket);
      await connected(socket, 10_000);
      expect((await ack(socket, 'room:join', { roomId })).ok).toBe(true);
      return socket;
    }

    const newRoom = async (owner: Session) =>
      (
        await request(cluster.url)
          .post('/rooms')
          .set('Cookie', owner.cookie)
          .send({ name: 'changes', visibility: 'public' })
          .expect(201)
      ).body.room.id as string;

    const send = async (socket: ChatClient, roomId: string, text: string) =>
      (await ack(socket, 'message:send', { roomId, text, clientMsgId: uniqueName('c') })).message as Message;

    describe.each(TRANSPORTS)('over %s', (transport) => {
      it('carries edits, reactions and deletions to the room on every other instance', async () => {
        const sessions = await usersOnEveryInstance();
        const roomId = await newRoom(sessions[0]);
        const [a, b, c] = await Promise.all(sessions.map((s) => joined(s, roomId, transport)));
        const sent = await send(b, roomId, 'across');

        const edits = [a, c].map((s) => nextEvent(s, 'message:updated', 10_000));
        const edit = await ack(b, 'message:edit', { roomId, messageId: sent.id, text: 'across, edited' });
        for (const event of await Promise.all(edits)) expect(event).toEqual({ message: edit.message });

        const reactions = [a, b].map((s) => nextEvent(s, 'message:updated', 10_000));
        const reacted = await ack(c, 'reaction:add', { roomId, messageId: sent.id, emoji: '👍' });
        expect((reacted.message as Message).reactions).toEqual([
          { emoji: '👍', count: 1, users: [expect.objectContaining({ username: sessions[2].username })] },
        ]);
        for (const event of await Promise.all(reactions)) expect(event).toEqual({ message: reacted.message });

        // Neither the author nor the owner: refused. The owner, on another instance: done, seen everywhere.
        expect((await ack(c, 'message:delete', { roomId, messageId: sent.id })).error?.code).toBe(
          'FORBIDDEN',
        );
        const deletions = [b, c].map((s) => nextEvent(s, 'message:deleted', 10_000));
        const byOwner = await ack(a, 'message:delete', { roomId, messageId: sent.id });
        for (const event of await Promise.all(deletions)) {
          expect(event).toEqual({ roomId, messageId: sent.id, rev: (byOwner.message as Message).rev });
        }
      });
    });

    it('catches a client up through another instance on everything changed after its instance was killed', async () => {
      const [author, watcherSession, reactor] = await usersOnEveryInstance();
      const roomId = await newRoom(author);
      const [a, r] = await Promise.all([
        joined(author, roomId, 'websocket'),
        joined(reactor, roomId, 'polling'),
      ]);
      const first = await send(a, roomId, 'first');
      const second = await send(r, roomId, 'second');
      const third = await send(a, roomId, 'third');

      const watcher = await joined(watcherSession, roomId, 'websocket');
      const position = (await ack(watcher, 'room:join', { roomId })).position as string;
      const victim = cluster.instances.find((i) => i.id === watcherSession.instance)!;
      const gone = nextEvent(watcher, 'disconnect', 10_000);
      victim.process.kill('SIGKILL');
      await victim.exited;
      await gone;

      await ack(a, 'message:edit', { roomId, messageId: first.id, text: 'first, edited' });
      await ack(r, 'reaction:add', { roomId, messageId: second.id, emoji: '🎉' });
      await ack(a, 'message:edit', { roomId, messageId: first.id, text: 'first, edited twice' });
      await ack(a, 'message:delete', { roomId, messageId: third.id });
      const fourth = await send(r, roomId, 'fourth');

      // The same cookie now reaches a survivor.
      const survivor = await instanceOf(watcherSession.cookie);
      expect(survivor).not.toBe(victim.id);
      const back = chatClient(cluster.url, { cookie: watcherSession.cookie, transport: 'polling' });
      sockets.push(back);
      await connected(back, 10_000);
      const caughtUp = await ack(back, 'room:join', { roomId, since: position });
      const messages = caughtUp.messages as Message[];
      expect(messages.map((m) => m.id)).toEqual([second.id, first.id, third.id, fourth.id]);
      expect(messages[0].reactions?.map((x) => x.emoji)).toEqual(['🎉']);
      expect(messages[1]).toMatchObject({ text: 'first, edited twice', editedAt: expect.any(String) });
      expect(messages[2]).toMatchObject({ deleted: true, text: '' });
      expect(caughtUp.position).toBe(fourth.rev);
      expect((await ack(back, 'messages:fetch', { roomId, since: caughtUp.position })).messages).toEqual([]);
    }, 120_000);
  },
);
