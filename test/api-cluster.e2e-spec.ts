import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { GENERAL_ROOM_ID, SYSTEM_AUTHOR } from '../src/protocol/limits.js';
import { startLocalCluster, type Instance, type LocalCluster } from '../tools/local-cluster.js';
import { apiClient, newApiKey } from './helpers/api.js';
import { sessionCookie, STRONG_PASSWORD, UNCAPPED, uniqueName } from './helpers/app.js';
import { describeWithBinary, requireBinary } from './helpers/binaries.js';
import { ack, chatClient, connected, nextEvent, type ChatClient } from './helpers/sockets.js';

const KEY = newApiKey();

describeWithBinary(
  [requireBinary('redis-server'), requireBinary('nginx', '/usr/sbin/nginx')],
  'the server API on a cluster of two instances with Redis',
  ([redisBinary, nginxBinary]) => {
    let cluster: LocalCluster;
    let dataDir: string;
    let near: Instance;
    let far: Instance;
    const sockets: ChatClient[] = [];

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'tether-api-cluster-'));
      cluster = await startLocalCluster({
        instances: 2,
        dataDir,
        redisBinary,
        nginxBinary,
        env: { API_KEY: KEY, ...UNCAPPED },
      });
      [near, far] = cluster.instances;
    }, 120_000);
    afterEach(() => {
      for (const s of sockets.splice(0)) s.close();
    });
    afterAll(async () => {
      await cluster?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** A new user logged in on `far`, with a socket there that joined `general`. */
    async function userOnFar() {
      const username = uniqueName('far');
      await apiClient(near.url, KEY).post('/api/users', { username, password: STRONG_PASSWORD }).expect(201);
      const login = await request(far.url)
        .post('/auth/login')
        .send({ username, password: STRONG_PASSWORD })
        .expect(200);
      const cookie = sessionCookie(login);
      const socket = chatClient(far.url, { cookie });
      sockets.push(socket);
      await connected(socket, 10_000);
      expect((await ack(socket, 'room:join', { roomId: GENERAL_ROOM_ID })).ok).toBe(true);
      return { username, cookie, socket, user: login.body.user as { id: string } };
    }

    const ending = (socket: ChatClient) =>
      Promise.all([nextEvent(socket, 'session:ended', 10_000), nextEvent(socket, 'disconnect', 10_000)]);

    it('delivers a message published through one instance to sockets on another', async () => {
      const { socket } = await userOnFar();
      const incoming = nextEvent(socket, 'message:new', 10_000);
      const res = await apiClient(near.url, KEY)
        .post(`/api/rooms/${GENERAL_ROOM_ID}/messages`, {
          text: 'published on near',
          clientMsgId: uniqueName('c'),
        })
        .expect(201);
      expect(res.body.message.author).toEqual(SYSTEM_AUTHOR);
      expect(await incoming).toEqual(res.body.message);
    });

    it('ends the sockets on another instance of a user whose sessions are revoked, and their next request is 401', async () => {
      const { username, cookie, socket } = await userOnFar();
      const ended = ending(socket);
      await apiClient(near.url, KEY).post(`/api/users/${username}/sessions/revoke`).expect(204);
      expect(await ended).toEqual([{ reason: 'revoked' }, 'io server disconnect']);
      await request(far.url).get('/auth/me').set('Cookie', cookie).expect(401);
    });

    it('ends the sockets on another instance of a disabled user', async () => {
      const { username, cookie, socket } = await userOnFar();
      const ended = ending(socket);
      await apiClient(near.url, KEY).post(`/api/users/${username}/disable`).expect(204);
      expect(await ended).toEqual([{ reason: 'disabled' }, 'io server disconnect']);
      await request(far.url).get('/auth/me').set('Cookie', cookie).expect(401);
      const refused = await request(far.url)
        .post('/auth/login')
        .send({ username, password: STRONG_PASSWORD });
      expect(refused.body.code).toBe('ACCOUNT_DISABLED');
    });

    it('counts presence and sockets over every instance', async () => {
      const { user } = await userOnFar();
      const api = apiClient(near.url, KEY);
      const presence = await api.get(`/api/rooms/${GENERAL_ROOM_ID}/presence`).expect(200);
      expect(presence.body.missing).toBe(0);
      expect(presence.body.online).toContainEqual(expect.objectContaining({ id: user.id }));
      const info = await api.get('/api/info').expect(200);
      expect(info.body.instances.map((i: { id: string }) => i.id).sort()).toEqual([near.id, far.id].sort());
      expect(info.body.missing).toBe(0);
      const farReport = info.body.instances.find((i: { id: string }) => i.id === far.id);
      expect(farReport.sockets).toBeGreaterThanOrEqual(1);
      expect(info.body.sockets).toBe(
        info.body.instances.reduce((n: number, i: { sockets: number }) => n + i.sockets, 0),
      );
    });

    it('reports an instance that does not answer as missing instead of waiting for it', async () => {
      far.process.kill('SIGSTOP');
      try {
        const started = Date.now();
        const info = await apiClient(near.url, KEY).get('/api/info').expect(200);
        expect(info.body.instances.map((i: { id: string }) => i.id)).toEqual([near.id]);
        expect(info.body.missing).toBe(1);
        expect(Date.now() - started).toBeLessThan(8_000);
      } finally {
        far.process.kill('SIGCONT');
      }
    });
  },
);
