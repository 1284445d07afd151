import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LIMITS } from '../src/protocol/limits.js';
import type { Message } from '../src/protocol/models.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from './helpers/app.js';
import { ack, chatClient, connected, type ChatClient } from './helpers/sockets.js';

type Agent = Awaited<ReturnType<typeof loggedInAgent>>;

describe('GET /search', () => {
  let t: TestApp;
  let alice: Agent;
  let socket: ChatClient;
  let roomId: string;
  const key = `k${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    t = await startApp({ MESSAGE_RATE_LIMIT: '100000' });
    alice = await loggedInAgent(t.url, uniqueName('alice'));
    roomId = (await alice.agent.post('/rooms').send({ name: 'search', visibility: 'public' }).expect(201))
      .body.room.id;
    socket = chatClient(t.url, { cookie: alice.cookie });
    await connected(socket);
    await ack(socket, 'room:join', { roomId });
  });
  afterAll(async () => {
    socket.close();
    await t.close();
  });

  const send = async (text: string) =>
    (await ack(socket, 'message:send', { roomId, text, clientMsgId: randomUUID() })).message as Message;

  it('finds messages by every word, best match first, and pages with nextCursor', async () => {
    const weak = await send(`${key} buried among a long line of many other unrelated words here`);
    const strong = await send(`${key} ${key}`);
    await send('nothing to see');
    const first = await alice.agent.get('/search').query({ q: key, limit: 1 }).expect(200);
    expect(first.body.results.map((m: Message) => m.id)).toEqual([strong.id]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await alice.agent
      .get('/search')
      .query({ q: key, limit: 1, cursor: first.body.nextCursor })
      .expect(200);
    expect(second.body).toEqual({ results: [weak], nextCursor: null });
  });

  it('narrows to a room and to messages before an id', async () => {
    const older = await send(`${key}-narrow old`);
    const newer = await send(`${key}-narrow new`);
    const res = await alice.agent
      .get('/search')
      .query({ q: `${key}-narrow`, roomId, before: newer.id })
      .expect(200);
    expect(res.body.results.map((m: Message) => m.id)).toEqual([older.id]);
    const elsewhere = await alice.agent
      .get('/search')
      .query({ q: `${key}-narrow`, roomId: 'general' })
      .expect(200);
    expect(elsewhere.body.results).toEqual([]);
  });

  it('accepts a bearer token', async () => {
    const { accessToken } = (await alice.agent.post('/auth/token').expect(201)).body;
    await request(t.url)
      .get('/search')
      .query({ q: key })
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(200);
    await request(t.url).get('/search').query({ q: key }).expect(401);
  });

  it.each([
    ['no q', {}],
    ['an empty q', { q: '  ' }],
    ['a q of punctuation only', { q: '"*()-' }],
    ['a q over the limit', { q: 'a'.repeat(LIMITS.searchQueryMax + 1) }],
    ['a limit over the maximum', { q: key, limit: LIMITS.searchPageMax + 1 }],
    ['a cursor the server did not hand out', { q: key, cursor: 'abc' }],
    ['a cursor past the depth', { q: key, cursor: LIMITS.searchDepthMax + 1 }],
    ['a malformed before', { q: key, before: '12' }],
    ['an unknown parameter', { q: key, sort: 'asc' }],
  ])('refuses %s as VALIDATION', async (_, query) => {
    const res = await alice.agent.get('/search').query(query).expect(400);
    expect(res.body.code).toBe('VALIDATION');
  });
});
