import request from 'supertest';
import type { Room } from '../../src/protocol/models.js';
import { loggedInAgent, startApp, type TestApp } from '../helpers/app.js';

type Session = Awaited<ReturnType<typeof loggedInAgent>>;

const create = (session: Session, name: string, visibility: 'public' | 'private' = 'public') =>
  session.agent
    .post('/rooms')
    .send({ name, visibility })
    .then((res) => res);

/** The ids of every room `session` sees, following every page. */
async function allRoomIds(session: Session): Promise<string[]> {
  const ids: string[] = [];
  for (let cursor: string | null | undefined; cursor !== null;) {
    const res = await session.agent
      .get('/rooms')
      .query(cursor ? { cursor, limit: 100 } : { limit: 100 })
      .expect(200);
    ids.push(...(res.body.rooms as Room[]).map((r) => r.id));
    cursor = res.body.nextCursor as string | null;
  }
  return ids;
}

/** Attack: create public rooms in a loop, so every user's room list grows without bound. */
describe('a room creation flood by one user', () => {
  describe('the rate per user', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({
        ROOM_CREATE_RATE_LIMIT: '5',
        ROOM_CREATE_RATE_WINDOW: '600',
        MAX_OWNED_ROOMS: '1000',
      });
    });
    afterAll(async () => {
      await t.close();
    });

    it('creates 5 of 20 simultaneous rooms; the rest are 429 with Retry-After, and nothing of them is stored', async () => {
      const flooder = await loggedInAgent(t.url);
      const bystander = await loggedInAgent(t.url);
      const before = await allRoomIds(bystander);

      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => create(flooder, `spam ${i}`)));

      expect(answers.filter((a) => a.status === 201)).toHaveLength(5);
      const refused = answers.filter((a) => a.status === 429);
      expect(refused).toHaveLength(15);
      for (const res of refused) {
        expect(res.body).toMatchObject({
          code: 'RATE_LIMITED',
          details: { retryAfterSec: expect.any(Number) },
        });
        expect(Number(res.headers['retry-after'])).toBe(res.body.details.retryAfterSec);
      }
      expect((await allRoomIds(bystander)).length).toBe(before.length + 5);
      // Someone else still creates rooms.
      expect((await create(bystander, 'mine')).status).toBe(201);
    });

    it('counts a bearer token of the same user against the same limit', async () => {
      const flooder = await loggedInAgent(t.url);
      const { accessToken } = (await flooder.agent.post('/auth/token').expect(201)).body as {
        accessToken: string;
      };
      for (let i = 0; i < 5; i++) expect((await create(flooder, `cookie ${i}`)).status).toBe(201);
      const viaToken = await request(t.url)
        .post('/rooms')
        .set('Authorization', `Bearer ${accessToken}`)
        .send({ name: 'token', visibility: 'public' });
      expect(viaToken.status).toBe(429);
    });
  });

  describe('the cap on rooms owned', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({ ROOM_CREATE_RATE_LIMIT: '1000', MAX_OWNED_ROOMS: '3' });
    });
    afterAll(async () => {
      await t.close();
    });

    it('refuses the room past the cap with 403 LIMIT_REACHED and the limit, however the creations race', async () => {
      const owner = await loggedInAgent(t.url);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => create(owner, `race ${i}`, 'private')),
      );

      expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
      for (const res of answers.filter((a) => a.status !== 201)) {
        expect(res.status).toBe(403);
        expect(res.body).toEqual({
          code: 'LIMIT_REACHED',
          message: expect.any(String),
          details: { limit: 3 },
        });
      }
      const owned = (await owner.agent.get('/rooms').query({ limit: 100 }).expect(200)).body.rooms.filter(
        (r: Room) => r.ownerId === owner.user.id,
      );
      expect(owned).toHaveLength(3);
      expect((await create(await loggedInAgent(t.url), 'another owner')).status).toBe(201);
    });
  });
});
