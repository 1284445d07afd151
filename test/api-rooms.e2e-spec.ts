import { GENERAL_ROOM_ID, SYSTEM_AUTHOR } from '../src/protocol/limits.js';
import type { Message, RoomSummary } from '../src/protocol/models.js';
import { apiClient, newApiKey } from './helpers/api.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from './helpers/app.js';
import { ack, chatClient, collect, connected, nextEvent, type ChatClient } from './helpers/sockets.js';

const KEY = newApiKey();

describe('the server API on rooms and the cluster', () => {
  let t: TestApp;
  let api: ReturnType<typeof apiClient>;
  const sockets: ChatClient[] = [];
  beforeAll(async () => {
    t = await startApp({ API_KEY: KEY, INSTANCE_ID: 'api-rooms-1' });
    api = apiClient(t.url, KEY);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A logged-in user with a socket in `roomId`. */
  async function member(roomId = GENERAL_ROOM_ID) {
    const session = await loggedInAgent(t.url);
    const socket = chatClient(t.url, { cookie: session.cookie });
    sockets.push(socket);
    await connected(socket);
    expect((await ack(socket, 'room:join', { roomId })).ok).toBe(true);
    return { ...session, socket };
  }

  async function privateRoom(owner: Awaited<ReturnType<typeof loggedInAgent>>): Promise<string> {
    const res = await owner.agent.post('/rooms').send({ name: uniqueName('room'), visibility: 'private' });
    return res.body.room.id as string;
  }

  describe('POST /api/rooms/:roomId/messages', () => {
    it('stores a system message and delivers it to the room like a user message, in history and catch-up', async () => {
      const reader = await member();
      const before = (await ack(reader.socket, 'messages:fetch', { roomId: GENERAL_ROOM_ID }))
        .messages as Message[];
      const delivered = nextEvent(reader.socket, 'message:new');

      const res = await api
        .post(`/api/rooms/${GENERAL_ROOM_ID}/messages`, { text: '  deploy finished  ' })
        .expect(201);
      const message = res.body.message as Message;
      expect(message).toMatchObject({
        roomId: GENERAL_ROOM_ID,
        text: 'deploy finished',
        author: SYSTEM_AUTHOR,
      });
      expect(await delivered).toEqual(message);
      if (before.length > 0) expect(message.id > before[before.length - 1].id).toBe(true);

      const history = await reader.agent.get(`/rooms/${GENERAL_ROOM_ID}/messages`).expect(200);
      expect(history.body.messages.at(-1)).toEqual(message);
      const after = before.at(-1)?.id;
      const rejoin = await ack(reader.socket, 'room:join', {
        roomId: GENERAL_ROOM_ID,
        ...(after ? { after } : {}),
      });
      expect((rejoin.messages as Message[]).map((m) => m.id)).toContain(message.id);
    });

    it('notifies and counts a mention for each user its @usernames name, as a user message does', async () => {
      const [named, bystander] = [await member(), await member()];
      const bystanderHears = collect(bystander.socket, 'mention');
      const namedHears = nextEvent(named.socket, 'mention');

      const res = await api
        .post(`/api/rooms/${GENERAL_ROOM_ID}/messages`, {
          text: `@${named.user.username} the deploy needs you`,
        })
        .expect(201);
      expect(await namedHears).toEqual({ roomId: GENERAL_ROOM_ID, message: res.body.message });
      const rooms = (await named.agent.get('/rooms?limit=100').expect(200)).body.rooms as RoomSummary[];
      expect(rooms.find((r) => r.id === GENERAL_ROOM_ID)).toMatchObject({ mentionCount: 1 });
      // Only the named user's sockets: an emit to the whole room would have reached both by now.
      expect(bystanderHears).toEqual([]);
    });

    it('is idempotent on clientMsgId: the same id returns the stored message and broadcasts nothing', async () => {
      const reader = await member();
      const seen = collect<Message>(reader.socket, 'message:new');
      const clientMsgId = uniqueName('cmid');
      const first = await api
        .post(`/api/rooms/${GENERAL_ROOM_ID}/messages`, { text: 'once', clientMsgId })
        .expect(201);
      const again = await api
        .post(`/api/rooms/${GENERAL_ROOM_ID}/messages`, { text: 'twice?', clientMsgId })
        .expect(201);
      expect(again.body.message).toEqual(first.body.message);
      // A later message arrives after anything the first two sent: only the first was broadcast.
      const marker = await api.post(`/api/rooms/${GENERAL_ROOM_ID}/messages`, { text: 'marker' }).expect(201);
      await expect.poll(() => seen.map((m) => m.id)).toContain(marker.body.message.id);
      expect(seen.map((m) => m.text)).toEqual(['once', 'marker']);
    });

    it('answers 409 CONFLICT for a clientMsgId already used in another room', async () => {
      const owner = await loggedInAgent(t.url);
      const roomId = await privateRoom(owner);
      const clientMsgId = uniqueName('cmid');
      await api.post(`/api/rooms/${GENERAL_ROOM_ID}/messages`, { text: 'here', clientMsgId }).expect(201);
      const res = await api.post(`/api/rooms/${roomId}/messages`, { text: 'there', clientMsgId });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('CONFLICT');
    });

    it('posts as a named user who may post there, and not as anyone else', async () => {
      const owner = await member();
      const roomId = await privateRoom(owner);
      const outsider = await loggedInAgent(t.url);
      const asOwner = await api
        .post(`/api/rooms/${roomId}/messages`, { text: 'hi', author: owner.user.username })
        .expect(201);
      expect(asOwner.body.message.author).toEqual(owner.user);

      const forbidden = await api.post(`/api/rooms/${roomId}/messages`, {
        text: 'hi',
        author: outsider.user.username,
      });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.code).toBe('FORBIDDEN');
      const unknown = await api.post(`/api/rooms/${roomId}/messages`, {
        text: 'hi',
        author: uniqueName('ghost'),
      });
      expect(unknown.status).toBe(404);
      await api.post(`/api/users/${outsider.user.username}/disable`).expect(204);
      const disabled = await api.post(`/api/rooms/${GENERAL_ROOM_ID}/messages`, {
        text: 'hi',
        author: outsider.user.username,
      });
      expect(disabled.status).toBe(403);
      expect(disabled.body.code).toBe('ACCOUNT_DISABLED');
    });

    it('answers 404 for an unknown room and 400 VALIDATION for a bad room id or body', async () => {
      const missing = await api.post(`/api/rooms/${uniqueName('nowhere')}/messages`, { text: 'hi' });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('NOT_FOUND');
      const bodies = [
        {},
        { text: '   ' },
        { text: 'x'.repeat(4001) },
        { text: 'hi', clientMsgId: '' },
        { text: 'hi', clientMsgId: 'x'.repeat(65) },
        { text: 'hi', author: '' },
        { text: 'hi', author: { $ne: null } },
        { text: 'hi', roomId: 'other' },
        { text: ['hi'] },
      ];
      for (const body of bodies) {
        const res = await api.post(`/api/rooms/${GENERAL_ROOM_ID}/messages`, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('VALIDATION');
      }
      const longId = await api.post(`/api/rooms/${'r'.repeat(65)}/messages`, { text: 'hi' });
      expect(longId.status).toBe(400);
    });
  });

  describe('GET /api/rooms/:roomId/presence', () => {
    it('lists who has a socket in the room, once per user, and nobody else', async () => {
      const owner = await member();
      const roomId = await privateRoom(owner);
      const inside = chatClient(t.url, { cookie: owner.cookie });
      sockets.push(inside);
      await connected(inside);
      await ack(inside, 'room:join', { roomId });
      const second = chatClient(t.url, { cookie: owner.cookie });
      sockets.push(second);
      await connected(second);
      await ack(second, 'room:join', { roomId });

      const res = await api.get(`/api/rooms/${roomId}/presence`).expect(200);
      expect(res.body).toEqual({ online: [owner.user], missing: 0 });
      inside.close();
      second.close();
      await expect.poll(async () => (await api.get(`/api/rooms/${roomId}/presence`)).body.online).toEqual([]);
    });

    it('answers 404 for an unknown room and 400 for a malformed id', async () => {
      const res = await api.get(`/api/rooms/${uniqueName('nowhere')}/presence`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
      expect((await api.get(`/api/rooms/${'r'.repeat(65)}/presence`)).status).toBe(400);
    });
  });

  describe('GET /api/info', () => {
    it('reports this instance with its sockets and start time', async () => {
      const started = Date.now();
      const baseline = (await api.get('/api/info').expect(200)).body;
      await member();
      await member();
      const res = await api.get('/api/info').expect(200);
      expect(res.body).toEqual({
        instances: [{ id: 'api-rooms-1', sockets: baseline.sockets + 2, startedAt: expect.any(String) }],
        sockets: baseline.sockets + 2,
        missing: 0,
      });
      expect(Date.parse(res.body.instances[0].startedAt)).toBeLessThanOrEqual(started);
    });
  });
});
