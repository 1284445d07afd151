import { performance } from 'node:perf_hooks';
import { LIMITS } from '../src/protocol/limits.js';
import type { RoomSummary } from '../src/protocol/models.js';
import { MESSAGE_STORE, type MessageStore } from '../src/rooms/message-store.js';
import { SQLITE, type Sqlite } from '../src/storage/sqlite.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from './helpers/app.js';

const MESSAGES = 10_000;

/** SQLite's plan for a statement, one line per step. */
const plan = (db: Sqlite, sql: string, ...args: unknown[]) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail);

describe('unread counts in a room of 10,000 messages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('are counted from the marker through indexes, capped, without scanning the room', async () => {
    const [author, reader] = [
      await loggedInAgent(t.url, uniqueName('a')),
      await loggedInAgent(t.url, uniqueName('r')),
    ];
    const room = (await author.agent.post('/rooms').send({ name: 'big', visibility: 'public' }).expect(201))
      .body.room;
    const store = t.app.get<MessageStore>(MESSAGE_STORE);
    const ids: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const text = i % 100 === 0 ? `@${reader.user.username} look` : `message ${i}`;
      const { message } = await store.append({
        roomId: room.id,
        author: author.user,
        text,
        clientMsgId: `c${i}`,
      });
      ids.push(message.id);
    }
    const listed = async () =>
      ((await reader.agent.get('/rooms?limit=100').expect(200)).body.rooms as RoomSummary[]).find(
        (r) => r.id === room.id,
      )!;
    // Mentions were recorded by the gateway only; stored directly, these count as unread only.
    expect(await listed()).toMatchObject({ lastReadId: null, unreadCount: LIMITS.unreadCountMax });

    await reader.agent
      .post(`/rooms/${room.id}/read`)
      .send({ messageId: ids[MESSAGES - 11] })
      .expect(200);
    const timings: number[] = [];
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      expect(await listed()).toMatchObject({ lastReadId: ids[MESSAGES - 11], unreadCount: 10 });
      timings.push(performance.now() - start);
    }
    timings.sort((a, b) => a - b);
    console.info(`GET /rooms with ${MESSAGES} messages in a room: median ${timings[3].toFixed(1)} ms`);

    const db = t.app.get<Sqlite>(SQLITE);
    const unread = plan(
      db,
      `SELECT count(*) FROM (SELECT 1 FROM messages WHERE room_id = ? AND seq > ? AND author_id <> ? LIMIT ?)`,
      room.id,
      0,
      reader.user.id,
      LIMITS.unreadCountMax,
    );
    expect(unread.join('\n')).toMatch(
      /SEARCH messages USING INDEX messages_by_room \(room_id=\? AND seq>\?\)/,
    );
    expect(unread.join('\n')).not.toMatch(/SCAN messages/);
    const mentions = plan(
      db,
      `SELECT count(*) FROM (SELECT 1 FROM mentions WHERE user_id = ? AND room_id = ? AND seq > ? LIMIT ?)`,
      reader.user.id,
      room.id,
      0,
      LIMITS.unreadCountMax,
    );
    expect(mentions.join('\n')).toMatch(
      /SEARCH mentions USING PRIMARY KEY \(user_id=\? AND room_id=\? AND seq>\?\)/,
    );
  }, 120_000);
});
