import { LIMITS } from '../../src/protocol/limits.js';
import type { Room } from '../../src/protocol/models.js';
import { RoomsResponseSchema } from '../../src/protocol/http.js';
import { loggedInAgent, startApp, type TestApp } from '../helpers/app.js';

type Session = Awaited<ReturnType<typeof loggedInAgent>>;

/** Attack: make `GET /rooms` answer with every room ever created (and let the list grow forever). */
describe('GET /rooms, paginated', () => {
  let t: TestApp;
  let reader: Session;
  const created: Room[] = [];
  let owners: Session[];
  let hidden: Room;

  beforeAll(async () => {
    t = await startApp({ ROOM_CREATE_RATE_LIMIT: '1000', MAX_OWNED_ROOMS: '1000' });
    owners = [await loggedInAgent(t.url), await loggedInAgent(t.url)];
    reader = await loggedInAgent(t.url);
    for (let i = 0; i < LIMITS.roomsPageDefault + 15; i++) {
      if (i === 3) {
        const res = await owners[1].agent
          .post('/rooms')
          .send({ name: 'hidden', visibility: 'private' })
          .expect(201);
        hidden = res.body.room as Room;
      }
      const res = await owners[i % 2].agent
        .post('/rooms')
        .send({ name: `room ${i}`, visibility: 'public' })
        .expect(201);
      created.push(res.body.room as Room);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it(`answers at most ${LIMITS.roomsPageDefault} rooms without a limit, with a cursor to the rest (current clients keep {rooms})`, async () => {
    const res = await reader.agent.get('/rooms').expect(200);
    const body = RoomsResponseSchema.parse(res.body);
    expect(body.rooms).toHaveLength(LIMITS.roomsPageDefault);
    expect(body.rooms[0].id).toBe('general');
    expect(body.nextCursor).toEqual(expect.any(String));
  });

  it('walks every room exactly once, oldest first, and ends with a null cursor', async () => {
    const seen: Room[] = [];
    let pages = 0;
    for (let cursor: string | null | undefined; cursor !== null; pages++) {
      const res = await reader.agent
        .get('/rooms')
        .query({ limit: 7, ...(cursor ? { cursor } : {}) })
        .expect(200);
      const body = RoomsResponseSchema.parse(res.body);
      expect(body.rooms.length).toBeLessThanOrEqual(7);
      seen.push(...body.rooms);
      cursor = body.nextCursor;
    }
    expect(seen.map((r) => r.id)).toEqual(['general', ...created.map((r) => r.id)]);
    expect(pages).toBe(Math.ceil(seen.length / 7));
  });

  it.each([
    ['a limit above the largest page', { limit: String(LIMITS.roomsPageMax + 1) }, 'limit'],
    ['a zero limit', { limit: '0' }, 'limit'],
    ['a limit that is no number', { limit: '1e3' }, 'limit'],
    ['a cursor that is no cursor', { cursor: 'bm90IGEgY3Vyc29y' }, 'cursor'],
    ['a cursor with foreign characters', { cursor: '../../etc' }, 'cursor'],
    ['an overlong cursor', { cursor: 'A'.repeat(LIMITS.roomsCursorMax + 1) }, 'cursor'],
    [
      'a forged cursor naming a huge id',
      {
        cursor: Buffer.from(JSON.stringify(['2020-01-01T00:00:00.000Z', 'x'.repeat(500)])).toString(
          'base64url',
        ),
      },
      'cursor',
    ],
    ['an unknown parameter', { offset: '10' }, 'offset'],
  ])('refuses %s with 400 VALIDATION naming the field', async (_, query, field) => {
    const res = await reader.agent.get('/rooms').query(query);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION');
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('neither repeats nor skips a room when an older one becomes visible while a client walks the list', async () => {
    const first = RoomsResponseSchema.parse(
      (await reader.agent.get('/rooms').query({ limit: 10 }).expect(200)).body,
    );
    // The reader is added to a private room older than the whole first page: with offsets, every
    // later page would now start one room early.
    await owners[1].agent
      .post(`/rooms/${hidden.id}/members`)
      .send({ username: reader.user.username })
      .expect(204);
    const second = RoomsResponseSchema.parse(
      (await reader.agent.get('/rooms').query({ limit: 10, cursor: first.nextCursor! }).expect(200)).body,
    );
    expect(first.rooms.map((r) => r.id)).toEqual(['general', ...created.slice(0, 9).map((r) => r.id)]);
    expect(second.rooms.map((r) => r.id)).toEqual(created.slice(9, 19).map((r) => r.id));
  });
});
