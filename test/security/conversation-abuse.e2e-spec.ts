import { LIMITS } from '../../src/protocol/limits.js';
import type { Message, Room } from '../../src/protocol/models.js';
import { SQLITE, type Sqlite } from '../../src/storage/sqlite.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from '../helpers/app.js';
import { ack, chatClient, collect, connected, nextEvent, type ChatClient } from '../helpers/sockets.js';

type Person = Awaited<ReturnType<typeof loggedInAgent>>;

/**
 * Attacks on conversations: reading into direct rooms, pushing read markers where they cannot be,
 * flooding mentions, and staying in a room after removal.
 */
describe('conversations under attack', () => {
  let t: TestApp;
  const sockets: ChatClient[] = [];
  beforeAll(async () => {
    t = await startApp({ MESSAGE_RATE_LIMIT: '1000' });
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  const person = () => loggedInAgent(t.url, uniqueName('atk'));
  async function socketOf(p: Person): Promise<ChatClient> {
    const socket = chatClient(t.url, { cookie: p.cookie });
    sockets.push(socket);
    return connected(socket);
  }

  it('notifies at most mentionsPerMessageMax users from one message, however many it names', async () => {
    const spammer = await person();
    const targets: Person[] = [];
    for (let i = 0; i <= LIMITS.mentionsPerMessageMax; i++) targets.push(await person());
    const targetSockets = await Promise.all(targets.map((p) => socketOf(p)));
    const heard = targetSockets.map((s) => collect(s, 'mention'));
    const socket = await socketOf(spammer);
    await ack(socket, 'room:join', { roomId: 'general' });
    const names = targets.map((p) => `@${p.user.username}`);
    const text = [...names, ...names, '@nobody_at_all', '@x'].join(' ');
    // One packet carries every notification: once the first ones are in, the last would be too.
    const notified = targetSockets.slice(0, LIMITS.mentionsPerMessageMax).map((s) => nextEvent(s, 'mention'));
    const sent = await ack(socket, 'message:send', { roomId: 'general', text, clientMsgId: uniqueName('s') });
    expect(sent.ok).toBe(true);
    await Promise.all(notified);
    const told = heard.map((events) => events.length);
    expect(told.slice(0, LIMITS.mentionsPerMessageMax).every((n) => n === 1)).toBe(true);
    expect(told[LIMITS.mentionsPerMessageMax]).toBe(0);
    const db = t.app.get<Sqlite>(SQLITE);
    const recorded = db
      .prepare(`SELECT count(*) AS n FROM mentions WHERE seq = ?`)
      .get(Number((sent.message as Message).id)) as { n: number };
    expect(recorded.n).toBe(LIMITS.mentionsPerMessageMax);
  });

  it('stores no read marker for a room one cannot see, nor one past the room\u2019s newest message', async () => {
    const [owner, attacker] = [await person(), await person()];
    const secret = (await owner.agent.post('/rooms').send({ name: 's', visibility: 'private' }).expect(201))
      .body.room as Room;
    const socket = await socketOf(attacker);
    for (const roomId of [secret.id, 'no-such-room']) {
      const res = await ack(socket, 'room:read', { roomId, messageId: '0000000000000001' });
      expect(res.error?.code).toBe('NOT_FOUND');
      expect(
        (await attacker.agent.post(`/rooms/${roomId}/read`).send({ messageId: '0000000000000001' })).status,
      ).toBe(404);
    }
    const db = t.app.get<Sqlite>(SQLITE);
    const markers = () =>
      (
        db.prepare(`SELECT count(*) AS n FROM read_markers WHERE user_id = ?`).get(attacker.user.id) as {
          n: number;
        }
      ).n;
    expect(markers()).toBe(0);
    // A room with no messages has nothing to mark: no row either.
    const empty = (await owner.agent.post('/rooms').send({ name: 'e', visibility: 'public' }).expect(201))
      .body.room as Room;
    expect(await ack(socket, 'room:read', { roomId: empty.id, messageId: '9999999999999999' })).toEqual({
      ok: true,
      lastReadId: null,
    });
    expect(markers()).toBe(0);
  });

  it('never lets a direct room\u2019s opener bring in a third user, or a member re-join after removal', async () => {
    const [alice, bob, eve] = [await person(), await person(), await person()];
    const direct = (await alice.agent.post('/rooms/direct').send({ username: bob.user.username }).expect(200))
      .body.room as Room;
    expect(
      (await alice.agent.post(`/rooms/${direct.id}/members`).send({ username: eve.user.username })).status,
    ).toBe(403);
    expect((await alice.agent.delete(`/rooms/${direct.id}/members/${bob.user.username}`)).status).toBe(403);
    await eve.agent.get(`/rooms/${direct.id}`).expect(404);

    const room = (await alice.agent.post('/rooms').send({ name: 'p', visibility: 'private' }).expect(201))
      .body.room as Room;
    await alice.agent.post(`/rooms/${room.id}/members`).send({ username: eve.user.username }).expect(204);
    const eveSocket = await socketOf(eve);
    await ack(eveSocket, 'room:join', { roomId: room.id });
    const gone = nextEvent(eveSocket, 'room:removed');
    await alice.agent.delete(`/rooms/${room.id}/members/${eve.user.username}`).expect(204);
    await gone;
    // Every way back in is closed: join, the read marker, the member list, renaming, leaving.
    expect((await ack(eveSocket, 'room:join', { roomId: room.id })).error?.code).toBe('NOT_FOUND');
    expect(
      (await ack(eveSocket, 'room:read', { roomId: room.id, messageId: '0000000000000001' })).error?.code,
    ).toBe('NOT_FOUND');
    for (const res of [
      await eve.agent.get(`/rooms/${room.id}/members`),
      await eve.agent.patch(`/rooms/${room.id}`).send({ name: 'mine' }),
      await eve.agent.post(`/rooms/${room.id}/leave`),
      await eve.agent.post(`/rooms/${room.id}/members`).send({ username: eve.user.username }),
    ]) {
      expect(res.status).toBe(404);
    }
  });

  it.each([
    ['a path-like username', '..%2F..%2Fetc'],
    ['an unknown username', 'nobody_here_at_all'],
  ])('answers removing %s with NOT_FOUND and changes nothing', async (_, username) => {
    const owner = await person();
    const room = (await owner.agent.post('/rooms').send({ name: 'r', visibility: 'private' }).expect(201))
      .body.room as Room;
    const res = await owner.agent.delete(`/rooms/${room.id}/members/${username}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    expect((await owner.agent.get(`/rooms/${room.id}/members`).expect(200)).body.members).toEqual([
      owner.user,
    ]);
  });
});
