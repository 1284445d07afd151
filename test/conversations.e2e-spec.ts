import { randomUUID } from 'node:crypto';
import type { Message, Room, RoomSummary } from '../src/protocol/models.js';
import { NamespaceLifecycle } from '../src/realtime/namespace-lifecycle.js';
import { chatRoom, PRESENCE_REMOVED_EVENT } from '../src/realtime/socket-types.js';
import { ROOM_STORE, type RoomStore } from '../src/rooms/room-store.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from './helpers/app.js';
import {
  ack,
  chatClient,
  collect,
  connected,
  nextEvent,
  serverSocket,
  TRANSPORTS,
  type ChatClient,
  type Transport,
} from './helpers/sockets.js';

type Person = Awaited<ReturnType<typeof loggedInAgent>>;

let t: TestApp;
const sockets: ChatClient[] = [];

beforeAll(async () => {
  t = await startApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

async function person(prefix = 'conv'): Promise<Person> {
  return loggedInAgent(t.url, uniqueName(prefix));
}

async function socketOf(p: Person, transport: Transport = 'websocket'): Promise<ChatClient> {
  const socket = chatClient(t.url, { cookie: p.cookie, transport });
  sockets.push(socket);
  return connected(socket);
}

async function privateRoom(owner: Person, ...members: Person[]): Promise<Room> {
  const room = (await owner.agent.post('/rooms').send({ name: 'team', visibility: 'private' }).expect(201))
    .body.room as Room;
  for (const m of members) {
    await owner.agent.post(`/rooms/${room.id}/members`).send({ username: m.user.username }).expect(204);
  }
  return room;
}

async function say(socket: ChatClient, roomId: string, text: string): Promise<Message> {
  const res = await ack(socket, 'message:send', { roomId, text, clientMsgId: uniqueName('m') });
  expect(res.ok).toBe(true);
  return res.message as Message;
}

async function summaryOf(p: Person, roomId: string): Promise<RoomSummary | undefined> {
  const rooms = (await p.agent.get('/rooms?limit=100').expect(200)).body.rooms as RoomSummary[];
  return rooms.find((r) => r.id === roomId);
}

describe.each(TRANSPORTS)('live room list over %s', (transport) => {
  it('tells every socket of an invitee about the room, and about its removal', async () => {
    const [owner, invitee] = [await person(), await person()];
    const [tab1, tab2] = [await socketOf(invitee, transport), await socketOf(invitee, transport)];
    const room = await privateRoom(owner);

    const added = [nextEvent(tab1, 'room:added'), nextEvent(tab2, 'room:added')];
    await owner.agent.post(`/rooms/${room.id}/members`).send({ username: invitee.user.username }).expect(204);
    for (const event of await Promise.all(added)) expect(event).toEqual({ room });

    const removed = [nextEvent(tab1, 'room:removed'), nextEvent(tab2, 'room:removed')];
    await owner.agent.delete(`/rooms/${room.id}/members/${invitee.user.username}`).expect(204);
    for (const event of await Promise.all(removed)) expect(event).toEqual({ roomId: room.id });
  });

  it('announces a new public room to everyone and a rename to those who see the room', async () => {
    const [owner, member, outsider] = [await person(), await person(), await person()];
    const seen = await socketOf(outsider, transport);
    const created = nextEvent(seen, 'room:added');
    const open = (await owner.agent.post('/rooms').send({ name: 'town', visibility: 'public' }).expect(201))
      .body.room as Room;
    expect(await created).toEqual({ room: open });

    const room = await privateRoom(owner, member);
    const memberSocket = await socketOf(member, transport);
    const outsiderUpdates = collect(seen, 'room:updated');
    const updated = nextEvent(memberSocket, 'room:updated');
    const res = await owner.agent.patch(`/rooms/${room.id}`).send({ name: 'Renamed', topic: ' plans ' });
    expect(res.status).toBe(200);
    expect(res.body.room).toEqual({ ...room, name: 'Renamed', topic: 'plans' });
    expect(await updated).toEqual({ room: res.body.room });
    // The outsider's socket sees the public rename but never the private one.
    const publicRename = nextEvent(seen, 'room:updated');
    await owner.agent.patch(`/rooms/${open.id}`).send({ topic: 'all welcome' }).expect(200);
    expect(await publicRename).toEqual({ room: { ...open, topic: 'all welcome' } });
    expect(outsiderUpdates.map((e) => (e as { room: Room }).room.id)).toEqual([open.id]);
  });
});

describe('direct rooms', () => {
  it('opens one room per pair whoever opens it first, even at once, on both transports', async () => {
    const [alice, bob] = [await person('alice'), await person('bob')];
    const aliceSocket = await socketOf(alice);
    const bobSocket = await socketOf(bob, 'polling');
    const bobHears = nextEvent(bobSocket, 'room:added');
    const [viaSocket, viaHttp] = await Promise.all([
      ack(aliceSocket, 'dm:open', { username: bob.user.username }),
      bob.agent.post('/rooms/direct').send({ username: alice.user.username.toUpperCase() }),
    ]);
    expect(viaSocket.ok).toBe(true);
    expect(viaHttp.status).toBe(200);
    const forAlice = viaSocket.room as Room;
    const forBob = viaHttp.body.room as Room;
    expect(forAlice.id).toBe(forBob.id);
    expect(forAlice).toMatchObject({ visibility: 'direct', peer: bob.user });
    expect(forBob).toMatchObject({ visibility: 'direct', peer: alice.user });
    // Whoever created it, the other one heard about it (and the creator's own other sockets).
    const heard = (await Promise.race([bobHears, nextEvent(aliceSocket, 'room:added')])) as { room: Room };
    expect(heard.room.id).toBe(forAlice.id);

    const again = await alice.agent.post('/rooms/direct').send({ username: bob.user.username }).expect(200);
    expect(again.body.room.id).toBe(forAlice.id);
    const listed = await summaryOf(alice, forAlice.id);
    expect(listed).toMatchObject({ visibility: 'direct', peer: bob.user, unreadCount: 0, mentionCount: 0 });

    await ack(aliceSocket, 'room:join', { roomId: forAlice.id });
    const join = await ack(bobSocket, 'room:join', { roomId: forAlice.id });
    expect(join.room).toEqual(forBob);
    expect((await alice.agent.get(`/rooms/${forAlice.id}`).expect(200)).body.room).toEqual(forAlice);
    const delivered = nextEvent(bobSocket, 'message:new');
    const message = await say(aliceSocket, forAlice.id, 'psst');
    expect(await delivered).toEqual(message);
  });

  it('is invisible to anyone else, and nobody can add a third member', async () => {
    const [alice, bob, eve] = [await person('alice'), await person('bob'), await person('eve')];
    const room = (await alice.agent.post('/rooms/direct').send({ username: bob.user.username }).expect(200))
      .body.room as Room;
    const missing = await eve.agent.get('/rooms/no-such-room');
    for (const path of [`/rooms/${room.id}`, `/rooms/${room.id}/messages`, `/rooms/${room.id}/members`]) {
      const res = await eve.agent.get(path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(missing.body);
    }
    expect(await summaryOf(eve, room.id)).toBeUndefined();
    const eveSocket = await socketOf(eve);
    expect((await ack(eveSocket, 'room:join', { roomId: room.id })).error?.code).toBe('NOT_FOUND');
    expect(
      (await ack(eveSocket, 'room:read', { roomId: room.id, messageId: '0000000000000001' })).error?.code,
    ).toBe('NOT_FOUND');

    const third = await alice.agent.post(`/rooms/${room.id}/members`).send({ username: eve.user.username });
    expect(third.status).toBe(403);
    expect((await alice.agent.patch(`/rooms/${room.id}`).send({ name: 'x' })).status).toBe(403);
    expect((await alice.agent.post(`/rooms/${room.id}/leave`)).status).toBe(403);
    await eve.agent.get(`/rooms/${room.id}`).expect(404);
  });

  it('answers NOT_FOUND for an unknown user and VALIDATION for a malformed name', async () => {
    const alice = await person('alice');
    const socket = await socketOf(alice);
    expect((await ack(socket, 'dm:open', { username: uniqueName('ghost') })).error?.code).toBe('NOT_FOUND');
    for (const payload of [
      {},
      { username: '' },
      { username: 'a b' },
      { username: 7 },
      { username: 'x', y: 1 },
    ]) {
      expect((await ack(socket, 'dm:open', payload)).error?.code).toBe('VALIDATION');
    }
    expect((await alice.agent.post('/rooms/direct').send({ username: { $ne: null } })).status).toBe(400);
  });
});

describe('unread state on the server', () => {
  it('counts others\u2019 messages after the marker, moves it only forward, and tells the other devices', async () => {
    const [alice, bob] = [await person(), await person()];
    const room = await privateRoom(alice, bob);
    const aliceSocket = await socketOf(alice);
    await ack(aliceSocket, 'room:join', { roomId: room.id });
    const messages: Message[] = [];
    for (let i = 0; i < 4; i++) messages.push(await say(aliceSocket, room.id, `m${i}`));

    expect(await summaryOf(bob, room.id)).toMatchObject({
      lastReadId: null,
      unreadCount: 4,
      mentionCount: 0,
    });
    // Her own messages are never unread for her.
    expect(await summaryOf(alice, room.id)).toMatchObject({ unreadCount: 0 });

    const [phone, laptop] = [await socketOf(bob), await socketOf(bob, 'polling')];
    const laptopHears = nextEvent(laptop, 'room:read');
    const phoneEvents = collect(phone, 'room:read');
    const read = await ack(phone, 'room:read', { roomId: room.id, messageId: messages[2].id });
    expect(read).toEqual({ ok: true, lastReadId: messages[2].id });
    expect(await laptopHears).toEqual({ roomId: room.id, lastReadId: messages[2].id });
    expect(await summaryOf(bob, room.id)).toMatchObject({ lastReadId: messages[2].id, unreadCount: 1 });

    const back = await bob.agent.post(`/rooms/${room.id}/read`).send({ messageId: messages[0].id });
    expect(back.status).toBe(200);
    expect(back.body).toEqual({ lastReadId: messages[2].id });

    // Past the newest message it stops at the newest: later messages are still unread.
    const phoneHears = nextEvent(phone, 'room:read');
    const far = await bob.agent.post(`/rooms/${room.id}/read`).send({ messageId: '9999999999999999' });
    expect(far.body).toEqual({ lastReadId: messages[3].id });
    expect(await phoneHears).toEqual({ roomId: room.id, lastReadId: messages[3].id });
    await say(aliceSocket, room.id, 'later');
    expect(await summaryOf(bob, room.id)).toMatchObject({ lastReadId: messages[3].id, unreadCount: 1 });
    // The socket that moved the marker is not told again about its own move.
    expect(phoneEvents).toEqual([{ roomId: room.id, lastReadId: messages[3].id }]);
  });

  it.each([
    ['no messageId', { roomId: 'general' }],
    ['a malformed messageId', { roomId: 'general', messageId: '12' }],
    ['an extra field', { roomId: 'general', messageId: '0000000000000001', x: 1 }],
    ['an object roomId', { roomId: { $gt: '' }, messageId: '0000000000000001' }],
  ])('refuses room:read with %s', async (_, payload) => {
    const socket = await socketOf(await person());
    expect((await ack(socket, 'room:read', payload)).error?.code).toBe('VALIDATION');
  });
});

describe('mentions', () => {
  it('notify and count for a member, and count nothing for someone who cannot see the room', async () => {
    const [alice, bob, carol] = [await person('alice'), await person('bob'), await person('carol')];
    const room = await privateRoom(alice, bob);
    const [aliceSocket, bobSocket, carolSocket] = [
      await socketOf(alice),
      await socketOf(bob),
      await socketOf(carol),
    ];
    const carolMentions = collect(carolSocket, 'mention');
    await ack(aliceSocket, 'room:join', { roomId: room.id });
    const bobHears = nextEvent(bobSocket, 'mention');
    const message = await say(
      aliceSocket,
      room.id,
      `hi @${bob.user.username.toUpperCase()} and @${carol.user.username}, mail me at x@${bob.user.username}`,
    );
    expect(await bobHears).toEqual({ roomId: room.id, message });
    expect(await summaryOf(bob, room.id)).toMatchObject({ mentionCount: 1, unreadCount: 1 });

    // Carol could not see the room: added afterwards, that message counts nothing for her.
    await alice.agent.post(`/rooms/${room.id}/members`).send({ username: carol.user.username }).expect(204);
    expect(await summaryOf(carol, room.id)).toMatchObject({ mentionCount: 0, unreadCount: 1 });
    expect(carolMentions).toEqual([]);

    await bob.agent.post(`/rooms/${room.id}/read`).send({ messageId: message.id }).expect(200);
    expect(await summaryOf(bob, room.id)).toMatchObject({ mentionCount: 0, unreadCount: 0 });
  });
});

describe('room management', () => {
  it('cuts a removed member off at once: no send, fetch, presence, join or history', async () => {
    const [owner, bob, carol] = [await person(), await person(), await person()];
    const room = await privateRoom(owner, bob, carol);
    const [bobSocket, carolSocket] = [await socketOf(bob), await socketOf(carol, 'polling')];
    await ack(bobSocket, 'room:join', { roomId: room.id });
    await ack(carolSocket, 'room:join', { roomId: room.id });
    const members = (await carol.agent.get(`/rooms/${room.id}/members`).expect(200)).body.members;
    expect(members).toHaveLength(3);
    expect(members).toEqual(expect.arrayContaining([owner.user, bob.user, carol.user]));

    const removed = nextEvent(bobSocket, 'room:removed');
    const carolSees = nextEvent(carolSocket, 'presence');
    const nonOwner = await carol.agent.delete(`/rooms/${room.id}/members/${bob.user.username}`);
    expect(nonOwner.status).toBe(403);
    await owner.agent.delete(`/rooms/${room.id}/members/${bob.user.username}`).expect(204);
    expect(await removed).toEqual({ roomId: room.id });
    expect(await carolSees).toEqual({ roomId: room.id, user: bob.user, status: 'offline' });

    const carolMessages = collect(bobSocket, 'message:new');
    const send = await ack(bobSocket, 'message:send', {
      roomId: room.id,
      text: 'still here?',
      clientMsgId: 'x1',
    });
    expect(send.error?.code).toBe('FORBIDDEN');
    expect((await ack(bobSocket, 'messages:fetch', { roomId: room.id })).error?.code).toBe('FORBIDDEN');
    expect((await ack(bobSocket, 'presence:list', { roomId: room.id })).error?.code).toBe('FORBIDDEN');
    expect((await ack(bobSocket, 'room:join', { roomId: room.id })).error?.code).toBe('NOT_FOUND');
    await bob.agent.get(`/rooms/${room.id}/messages`).expect(404);
    await bob.agent.get(`/rooms/${room.id}/members`).expect(404);
    expect(await summaryOf(bob, room.id)).toBeUndefined();
    // Nothing said after the removal reaches the removed member's socket.
    const carolSaid = await say(carolSocket, room.id, 'bob is gone');
    const ownerSocket = await socketOf(owner);
    await ack(ownerSocket, 'room:join', { roomId: room.id });
    await say(ownerSocket, room.id, 'yes');
    expect(carolMessages).not.toContainEqual(carolSaid);
    expect(carolMessages).toEqual([]);
  });

  it('refuses a join checked just before its user was removed, instead of leaving them in the room', async () => {
    const [owner, bob] = [await person(), await person()];
    const room = await privateRoom(owner, bob);
    const bobSocket = await socketOf(bob);
    // Bob's join is held after its visibility check said yes, and the removal runs then: it finds
    // no socket of bob's in the room to take out.
    const store = t.app.get<RoomStore>(ROOM_STORE);
    const isMember = store.isMember.bind(store);
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const checked = new Promise<void>((resolve) => {
      store.isMember = async (roomId, userId) => {
        const answer = await isMember(roomId, userId);
        if (roomId !== room.id || userId !== bob.user.id) return answer;
        store.isMember = isMember;
        resolve();
        await released;
        return answer;
      };
    });
    const joining = ack(bobSocket, 'room:join', { roomId: room.id });
    await checked;
    const removed = nextEvent(bobSocket, 'room:removed');
    await owner.agent.delete(`/rooms/${room.id}/members/${bob.user.username}`).expect(204);
    await removed;
    release();

    expect((await joining).error?.code).toBe('NOT_FOUND');
    expect(serverSocket(t, bobSocket).rooms.has(chatRoom(room.id))).toBe(false);
  });

  it('refuses a join whose second membership check answered from before the removal', async () => {
    const [owner, bob] = [await person(), await person()];
    const room = await privateRoom(owner, bob);
    const bobSocket = await socketOf(bob);
    // A store whose read was taken before the removal committed and answers after it (a MongoDB
    // read in flight): bob's second check says "member" once the removal has already run.
    const store = t.app.get<RoomStore>(ROOM_STORE);
    const isMember = store.isMember.bind(store);
    let calls = 0;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const secondCheck = new Promise<void>((resolve) => {
      store.isMember = async (roomId, userId) => {
        const answer = await isMember(roomId, userId);
        if (roomId !== room.id || userId !== bob.user.id || ++calls < 2) return answer;
        store.isMember = isMember;
        resolve();
        await released;
        return answer;
      };
    });
    const joining = ack(bobSocket, 'room:join', { roomId: room.id });
    await secondCheck;
    const removed = nextEvent(bobSocket, 'room:removed');
    await owner.agent.delete(`/rooms/${room.id}/members/${bob.user.username}`).expect(204);
    await removed;
    release();

    expect((await joining).error?.code).toBe('NOT_FOUND');
    expect(serverSocket(t, bobSocket).rooms.has(chatRoom(room.id))).toBe(false);
    const ownerSocket = await socketOf(owner);
    const online = (await ack(ownerSocket, 'room:join', { roomId: room.id })).online as { id: string }[];
    expect(online.map((u) => u.id)).toEqual([owner.user.id]);
  });

  it('no longer lists a removed member, or one who left, as online in the room', async () => {
    const [owner, bob, carol] = [await person(), await person(), await person()];
    const room = await privateRoom(owner, bob, carol);
    const [ownerSocket, bobSocket, carolSocket] = [
      await socketOf(owner),
      await socketOf(bob),
      await socketOf(carol, 'polling'),
    ];
    for (const socket of [ownerSocket, bobSocket, carolSocket]) {
      expect((await ack(socket, 'room:join', { roomId: room.id })).ok).toBe(true);
    }
    const online = async () =>
      ((await ack(ownerSocket, 'presence:list', { roomId: room.id })).online as { id: string }[])
        .map((u) => u.id)
        .sort();
    expect(await online()).toEqual([owner.user.id, bob.user.id, carol.user.id].sort());

    const bobRemoved = nextEvent(bobSocket, 'room:removed');
    await owner.agent.delete(`/rooms/${room.id}/members/${bob.user.username}`).expect(204);
    await bobRemoved;
    const carolLeft = nextEvent(carolSocket, 'room:removed');
    await carol.agent.post(`/rooms/${room.id}/leave`).expect(204);
    await carolLeft;

    // Their sockets stay connected (to their other rooms), but are not in this one.
    expect([bobSocket.connected, carolSocket.connected]).toEqual([true, true]);
    expect(await online()).toEqual([owner.user.id]);
    expect((await ack(ownerSocket, 'room:join', { roomId: room.id })).online).toEqual([owner.user]);
  });

  it('ignores malformed presence removals from another instance, and keeps counting whoever they do not name', async () => {
    const [owner, bob] = [await person(), await person()];
    const room = await privateRoom(owner, bob);
    const [ownerSocket, bobSocket] = [await socketOf(owner), await socketOf(bob)];
    for (const socket of [ownerSocket, bobSocket]) {
      expect((await ack(socket, 'room:join', { roomId: room.id })).ok).toBe(true);
    }
    // What a peer's message does on arrival: the adapter hands it to the namespace's listeners.
    const namespace = t.app.get(NamespaceLifecycle).namespace as unknown as {
      _onServerSideEmit(args: unknown[]): void;
    };
    for (const args of [
      [],
      [room.id],
      [{ id: room.id }, bob.user.id],
      [room.id, 42],
      [room.id, 'x'.repeat(201)],
      ['', bob.user.id],
      [room.id, randomUUID()],
      ['another-room', bob.user.id],
    ]) {
      namespace._onServerSideEmit([PRESENCE_REMOVED_EVENT, ...args]);
    }
    const online = async () =>
      ((await ack(ownerSocket, 'presence:list', { roomId: room.id })).online as { id: string }[])
        .map((u) => u.id)
        .sort();
    expect(await online()).toEqual([owner.user.id, bob.user.id].sort());
    expect(bobSocket.connected).toBe(true);
    // The same channel, well formed: bob stops counting.
    namespace._onServerSideEmit([PRESENCE_REMOVED_EVENT, room.id, bob.user.id]);
    expect(await online()).toEqual([owner.user.id]);
  });

  it('hands a private room to the longest-standing member when its owner leaves, and archives it with the last', async () => {
    const [owner, first, second] = [await person(), await person(), await person()];
    const room = await privateRoom(owner, first, second);
    const [ownerSocket, firstSocket] = [await socketOf(owner), await socketOf(first)];
    const ownerRemoved = nextEvent(ownerSocket, 'room:removed');
    const handover = nextEvent(firstSocket, 'room:updated');
    await owner.agent.post(`/rooms/${room.id}/leave`).expect(204);
    expect(await ownerRemoved).toEqual({ roomId: room.id });
    expect(await handover).toEqual({ room: { ...room, ownerId: first.user.id } });
    await owner.agent.get(`/rooms/${room.id}`).expect(404);
    await first.agent.patch(`/rooms/${room.id}`).send({ topic: 'mine now' }).expect(200);

    await second.agent.post(`/rooms/${room.id}/leave`).expect(204);
    await first.agent.post(`/rooms/${room.id}/leave`).expect(204);
    for (const p of [owner, first, second]) await p.agent.get(`/rooms/${room.id}`).expect(404);
  });

  it('refuses to leave public rooms, and lets only the owner rename', async () => {
    const [owner, other] = [await person(), await person()];
    expect((await other.agent.post('/rooms/general/leave')).status).toBe(403);
    const room = await privateRoom(owner, other);
    const rename = await other.agent.patch(`/rooms/${room.id}`).send({ name: 'mine' });
    expect(rename.status).toBe(403);
    expect(rename.body.code).toBe('FORBIDDEN');
    for (const body of [
      {},
      { name: '  ' },
      { name: 'n'.repeat(65) },
      { topic: 't'.repeat(251) },
      { owner: 'x' },
    ]) {
      const res = await owner.agent.patch(`/rooms/${room.id}`).send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION');
    }
    const cleared = await owner.agent.patch(`/rooms/${room.id}`).send({ topic: 'x' }).expect(200);
    expect(cleared.body.room.topic).toBe('x');
    const none = await owner.agent.patch(`/rooms/${room.id}`).send({ topic: '' }).expect(200);
    expect(none.body.room).toEqual(room);
    expect((await owner.agent.delete(`/rooms/${room.id}/members/${owner.user.username}`)).status).toBe(403);
  });

  it('pages the member list', async () => {
    const owner = await person();
    const others = [await person(), await person(), await person()];
    const room = await privateRoom(owner, ...others);
    const first = await owner.agent.get(`/rooms/${room.id}/members?limit=2`).expect(200);
    expect(first.body.members).toHaveLength(2);
    const rest = await owner.agent
      .get(`/rooms/${room.id}/members?limit=2&after=${first.body.nextCursor}`)
      .expect(200);
    expect(rest.body.nextCursor).toBeNull();
    const ids = [...first.body.members, ...rest.body.members].map((u: { id: string }) => u.id);
    expect(ids.sort()).toEqual([owner, ...others].map((p) => p.user.id).sort());
    expect((await owner.agent.get(`/rooms/${room.id}/members?limit=201`)).status).toBe(400);
  });
});

describe('conversation rate limits', () => {
  it('refuses room changes and read markers past their limits with RATE_LIMITED', async () => {
    const limited = await startApp({ ROOM_WRITE_RATE_LIMIT: '2', READ_MARKER_RATE_LIMIT: '2' });
    try {
      const [a, b] = [
        await loggedInAgent(limited.url, uniqueName('rl')),
        await loggedInAgent(limited.url, uniqueName('rl')),
      ];
      await a.agent.post('/rooms/direct').send({ username: b.user.username }).expect(200);
      await a.agent.post('/rooms/direct').send({ username: b.user.username }).expect(200);
      const third = await a.agent.post('/rooms/direct').send({ username: b.user.username });
      expect(third.status).toBe(429);
      expect(third.body.code).toBe('RATE_LIMITED');
      expect(third.headers['retry-after']).toBeDefined();

      const socket = chatClient(limited.url, { cookie: b.cookie });
      sockets.push(socket);
      await connected(socket);
      const mark = () => ack(socket, 'room:read', { roomId: 'general', messageId: '0000000000000001' });
      expect((await mark()).ok).toBe(true);
      expect((await mark()).ok).toBe(true);
      expect((await mark()).error?.code).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});
