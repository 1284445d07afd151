import request from 'supertest';
import type { Message, Room } from '../src/protocol/models.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from './helpers/app.js';
import { ack, chatClient, connected } from './helpers/sockets.js';

describe('rooms and messages over HTTP', () => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof loggedInAgent>>;
  let other: Awaited<ReturnType<typeof loggedInAgent>>;

  beforeAll(async () => {
    t = await startApp();
    owner = await loggedInAgent(t.url, uniqueName('owner'));
    other = await loggedInAgent(t.url, uniqueName('other'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('requires a session', async () => {
    for (const res of [
      await request(t.url).get('/rooms'),
      await request(t.url).post('/rooms').send({ name: 'x', visibility: 'public' }),
      await request(t.url).get('/rooms/general'),
      await request(t.url).get('/rooms/general/messages'),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
  });

  it('starts with the public general room', async () => {
    const res = await other.agent.get('/rooms').expect(200);
    expect(res.body.rooms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'general', name: 'general', visibility: 'public' }),
      ]),
    );
  });

  it('creates rooms owned by their creator and hides private ones from non-members', async () => {
    const created = await owner.agent
      .post('/rooms')
      .send({ name: '  Team  ', visibility: 'private' })
      .expect(201);
    const room = created.body.room as Room;
    expect(room).toEqual({
      id: expect.any(String),
      name: 'Team',
      visibility: 'private',
      ownerId: owner.user.id,
      createdAt: expect.any(String),
    });
    expect((await owner.agent.get('/rooms').expect(200)).body.rooms.map((r: Room) => r.id)).toContain(
      room.id,
    );
    expect((await other.agent.get('/rooms').expect(200)).body.rooms.map((r: Room) => r.id)).not.toContain(
      room.id,
    );
    expect((await owner.agent.get(`/rooms/${room.id}`).expect(200)).body.room).toEqual(room);

    const hidden = await other.agent.get(`/rooms/${room.id}`);
    const missing = await other.agent.get('/rooms/no-such-room');
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    await other.agent.get(`/rooms/${room.id}/messages`).expect(404);
  });

  it('lets only the owner add members, by username', async () => {
    const { body } = await owner.agent
      .post('/rooms')
      .send({ name: 'club', visibility: 'private' })
      .expect(201);
    const id = body.room.id as string;
    await other.agent.post(`/rooms/${id}/members`).send({ username: other.user.username }).expect(404);
    await owner.agent
      .post(`/rooms/${id}/members`)
      .send({ username: uniqueName('ghost') })
      .expect(404);
    await owner.agent
      .post(`/rooms/${id}/members`)
      .send({ username: other.user.username.toUpperCase() })
      .expect(204);
    await owner.agent.post(`/rooms/${id}/members`).send({ username: other.user.username }).expect(204);
    await other.agent.get(`/rooms/${id}`).expect(200);

    const publicRoom = await owner.agent
      .post('/rooms')
      .send({ name: 'open', visibility: 'public' })
      .expect(201);
    const forbidden = await other.agent
      .post(`/rooms/${publicRoom.body.room.id}/members`)
      .send({ username: owner.user.username });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');
  });

  it.each([
    ['no name', { visibility: 'public' }],
    ['a blank name', { name: '   ', visibility: 'public' }],
    ['a long name', { name: 'n'.repeat(65), visibility: 'public' }],
    ['a bad visibility', { name: 'x', visibility: 'secret' }],
    ['an object name', { name: { $gt: '' }, visibility: 'public' }],
  ])('refuses a room with %s', async (_, body) => {
    const res = await owner.agent.post('/rooms').send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION');
  });

  it('pages history with after, before and limit, oldest first', async () => {
    const { body } = await owner.agent
      .post('/rooms')
      .send({ name: 'history', visibility: 'public' })
      .expect(201);
    const roomId = body.room.id as string;
    const socket = chatClient(t.url, { cookie: owner.cookie });
    try {
      await connected(socket);
      await ack(socket, 'room:join', { roomId });
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        ids.push(
          (
            (await ack(socket, 'message:send', { roomId, text: `m${i}`, clientMsgId: uniqueName('h') }))
              .message as Message
          ).id,
        );
      }
      const page = async (query: string) =>
        (
          (await other.agent.get(`/rooms/${roomId}/messages${query}`).expect(200)).body.messages as Message[]
        ).map((m) => m.id);
      expect(await page('')).toEqual(ids);
      expect(await page('?limit=3')).toEqual(ids.slice(4));
      expect(await page(`?before=${ids[4]}&limit=2`)).toEqual(ids.slice(2, 4));
      expect(await page(`?after=${ids[4]}`)).toEqual(ids.slice(5));
    } finally {
      socket.close();
    }
  });

  it.each([
    '?limit=0',
    '?limit=101',
    '?limit=ten',
    '?after=abc',
    "?before=1'%20OR%201=1",
    '?after=1&after=2',
    '?sort=desc',
  ])('refuses the history query %s with 400 VALIDATION', async (query) => {
    const res = await other.agent.get(`/rooms/general/messages${query}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION');
  });
});
