import type { Message, Room, RoomSummary } from '../../src/protocol/models.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from '../helpers/app.js';
import { ack, chatClient, connected, nextEvent, type ChatClient } from '../helpers/sockets.js';
import { FakeMongoServer } from './fake-mongo-server.js';

/**
 * Conversations on the MongoDB profile, through the real driver against the scripted replica set:
 * direct rooms, read markers and counts work, and an outage is a typed UNAVAILABLE, not a crash.
 */
describe('conversations on the MongoDB profile', () => {
  let fake: FakeMongoServer;
  let app: TestApp;
  const sockets: ChatClient[] = [];

  beforeAll(async () => {
    fake = await FakeMongoServer.start();
    app = await startApp({ MONGO_URL: fake.url('tether', 'serverSelectionTimeoutMS=1000') });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.close();
    await fake?.close();
  });

  async function socketOf(cookie: string): Promise<ChatClient> {
    const socket = chatClient(app.url, { cookie });
    sockets.push(socket);
    return connected(socket);
  }

  it('opens a direct room, counts unread from the marker, and answers UNAVAILABLE during an outage', async () => {
    const [alice, bob] = [
      await loggedInAgent(app.url, uniqueName('ma')),
      await loggedInAgent(app.url, uniqueName('mb')),
    ];
    const [aliceSocket, bobSocket] = [await socketOf(alice.cookie), await socketOf(bob.cookie)];
    const added = nextEvent(bobSocket, 'room:added');
    const opened = await ack(aliceSocket, 'dm:open', { username: bob.user.username });
    expect(opened).toMatchObject({ ok: true, room: { visibility: 'direct', peer: bob.user } });
    const room = opened.room as Room;
    expect(((await added) as { room: Room }).room.id).toBe(room.id);
    const again = await bob.agent.post('/rooms/direct').send({ username: alice.user.username }).expect(200);
    expect(again.body.room.id).toBe(room.id);

    await ack(aliceSocket, 'room:join', { roomId: room.id });
    const sent: Message[] = [];
    for (const text of ['one', `two @${bob.user.username}`]) {
      sent.push(
        (await ack(aliceSocket, 'message:send', { roomId: room.id, text, clientMsgId: uniqueName('c') }))
          .message as Message,
      );
    }
    const summary = async () =>
      ((await bob.agent.get('/rooms').expect(200)).body.rooms as RoomSummary[]).find((r) => r.id === room.id);
    expect(await summary()).toMatchObject({ lastReadId: null, unreadCount: 2, mentionCount: 1 });

    fake.stepDown();
    const refused = await ack(bobSocket, 'room:read', { roomId: room.id, messageId: sent[1].id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect((await bob.agent.post('/rooms/direct').send({ username: alice.user.username })).status).toBe(503);
    fake.stepUp();

    const marked = await ack(bobSocket, 'room:read', { roomId: room.id, messageId: sent[0].id });
    expect(marked).toEqual({ ok: true, lastReadId: sent[0].id });
    expect(await summary()).toMatchObject({ lastReadId: sent[0].id, unreadCount: 1, mentionCount: 1 });
  });
});
