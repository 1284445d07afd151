import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Message, Room } from '../src/protocol/models.js';
import { startLocalCluster, type Instance, type LocalCluster } from '../tools/local-cluster.js';
import { describeWithBinary, requireBinary } from './helpers/binaries.js';
import { STRONG_PASSWORD, UNCAPPED, uniqueName } from './helpers/app.js';
import { ack, chatClient, collect, connected, nextEvent, type ChatClient } from './helpers/sockets.js';

interface Member {
  username: string;
  id: string;
  cookie: string;
}

/**
 * Conversation events are addressed to users (`user:<id>` rooms): with the Redis adapter they
 * must reach a user's sockets on an instance other than the one that made the change.
 */
describeWithBinary(
  [requireBinary('redis-server'), requireBinary('nginx', '/usr/sbin/nginx')],
  'conversations across two instances with Redis',
  ([redisBinary, nginxBinary]) => {
    let cluster: LocalCluster;
    let dataDir: string;
    let one: Instance;
    let two: Instance;
    const sockets: ChatClient[] = [];

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'tether-cluster-conv-'));
      cluster = await startLocalCluster({ instances: 2, dataDir, redisBinary, nginxBinary, env: UNCAPPED });
      [one, two] = cluster.instances;
    }, 120_000);

    afterAll(async () => {
      for (const s of sockets) s.close();
      await cluster?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function member(): Promise<Member> {
      const username = uniqueName('cc');
      await request(one.url).post('/auth/register').send({ username, password: STRONG_PASSWORD }).expect(201);
      const res = await request(one.url)
        .post('/auth/login')
        .send({ username, password: STRONG_PASSWORD })
        .expect(200);
      return { username, id: res.body.user.id, cookie: String(res.headers['set-cookie']).split(';')[0] };
    }

    /** A socket on that very instance, bypassing the balancer. */
    async function socketOn(instance: Instance, m: Member): Promise<ChatClient> {
      const socket = chatClient(instance.url, { cookie: m.cookie });
      sockets.push(socket);
      return connected(socket, 10_000);
    }

    const on = (instance: Instance, m: Member) => ({
      post: (path: string) => request(instance.url).post(path).set('Cookie', m.cookie),
      del: (path: string) => request(instance.url).delete(path).set('Cookie', m.cookie),
    });

    it('delivers room:added and room:removed to a member\u2019s socket on the other instance, which is out at once', async () => {
      const [owner, bob] = [await member(), await member()];
      const bobThere = await socketOn(two, bob);
      const room = (
        await on(one, owner).post('/rooms').send({ name: 'x', visibility: 'private' }).expect(201)
      ).body.room as Room;

      const added = nextEvent(bobThere, 'room:added', 10_000);
      await on(one, owner).post(`/rooms/${room.id}/members`).send({ username: bob.username }).expect(204);
      expect(await added).toEqual({ room });

      expect((await ack(bobThere, 'room:join', { roomId: room.id })).ok).toBe(true);
      const removed = nextEvent(bobThere, 'room:removed', 10_000);
      await on(one, owner).del(`/rooms/${room.id}/members/${bob.username}`).expect(204);
      expect(await removed).toEqual({ roomId: room.id });
      // The socket left the room on its own instance before it was told.
      const send = await ack(bobThere, 'message:send', { roomId: room.id, text: 'hi', clientMsgId: 'c1' });
      expect(send.error?.code).toBe('FORBIDDEN');
      expect((await ack(bobThere, 'presence:list', { roomId: room.id })).error?.code).toBe('FORBIDDEN');
    });

    it('stops counting a removed member online on the instance that holds their socket', async () => {
      const [owner, bob] = [await member(), await member()];
      const room = (
        await on(one, owner).post('/rooms').send({ name: 'y', visibility: 'private' }).expect(201)
      ).body.room as Room;
      await on(one, owner).post(`/rooms/${room.id}/members`).send({ username: bob.username }).expect(204);
      const [ownerHere, bobThere] = [await socketOn(one, owner), await socketOn(two, bob)];
      for (const socket of [ownerHere, bobThere]) {
        expect((await ack(socket, 'room:join', { roomId: room.id })).ok).toBe(true);
      }
      const online = async () =>
        ((await ack(ownerHere, 'presence:list', { roomId: room.id })).online as { id: string }[])
          .map((u) => u.id)
          .sort();
      expect(await online()).toEqual([owner.id, bob.id].sort());

      const removed = nextEvent(bobThere, 'room:removed', 10_000);
      await on(one, owner).del(`/rooms/${room.id}/members/${bob.username}`).expect(204);
      await removed;
      // Instance two heard the removal before it told bob's socket, and answers without him.
      expect(await online()).toEqual([owner.id]);
    });

    it('tells a user\u2019s socket on the other instance that the read marker moved', async () => {
      const [author, reader] = [await member(), await member()];
      const writer = await socketOn(one, author);
      await ack(writer, 'room:join', { roomId: 'general' });
      const sent = await ack(writer, 'message:send', {
        roomId: 'general',
        text: 'read me',
        clientMsgId: 'r1',
      });
      const message = sent.message as Message;

      const [here, there] = [await socketOn(one, reader), await socketOn(two, reader)];
      const hereEvents = collect(here, 'room:read');
      const heard = nextEvent(there, 'room:read', 10_000);
      const marked = await ack(here, 'room:read', { roomId: 'general', messageId: message.id });
      expect(marked).toEqual({ ok: true, lastReadId: message.id });
      expect(await heard).toEqual({ roomId: 'general', lastReadId: message.id });
      expect(hereEvents).toEqual([]);
    });

    it('opens a direct room on one instance and announces it, and mentions in it, on the other', async () => {
      const [alice, bob] = [await member(), await member()];
      const [aliceHere, bobThere] = [await socketOn(one, alice), await socketOn(two, bob)];
      const added = nextEvent(bobThere, 'room:added', 10_000);
      const opened = await ack(aliceHere, 'dm:open', { username: bob.username });
      expect(opened.ok).toBe(true);
      const room = opened.room as Room;
      expect(((await added) as { room: Room }).room).toMatchObject({ id: room.id, visibility: 'direct' });

      await ack(aliceHere, 'room:join', { roomId: room.id });
      const mentioned = nextEvent(bobThere, 'mention', 10_000);
      const sent = await ack(aliceHere, 'message:send', {
        roomId: room.id,
        text: `@${bob.username} ping`,
        clientMsgId: 'd1',
      });
      expect(await mentioned).toEqual({ roomId: room.id, message: sent.message });
    });
  },
);
