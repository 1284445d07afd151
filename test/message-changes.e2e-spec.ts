import { randomUUID } from 'node:crypto';
import { BEFORE_FIRST_MESSAGE, LIMITS } from '../src/protocol/limits.js';
import type { Message } from '../src/protocol/models.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from './helpers/app.js';
import {
  ack,
  chatClient,
  collect,
  connected,
  nextEvent,
  TRANSPORTS,
  type ChatClient,
  type Transport,
} from './helpers/sockets.js';

type Agent = Awaited<ReturnType<typeof loggedInAgent>>;

const sockets: ChatClient[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

describe.each(TRANSPORTS)('editing, deleting and reacting over %s', (transport: Transport) => {
  let t: TestApp;
  let owner: Agent;
  let alice: Agent;
  let bob: Agent;
  let roomId: string;

  beforeAll(async () => {
    t = await startApp({ MESSAGE_RATE_LIMIT: '100000' });
    [owner, alice, bob] = await Promise.all(
      ['owner', 'alice', 'bob'].map((n) => loggedInAgent(t.url, uniqueName(n))),
    );
    roomId = (await owner.agent.post('/rooms').send({ name: 'changes', visibility: 'public' }).expect(201))
      .body.room.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const socketOf = async (who: Agent, join = true) => {
    const socket = chatClient(t.url, { cookie: who.cookie, transport });
    sockets.push(socket);
    await connected(socket);
    if (join) expect((await ack(socket, 'room:join', { roomId })).ok).toBe(true);
    return socket;
  };
  const send = async (socket: ChatClient, text: string) =>
    (await ack(socket, 'message:send', { roomId, text, clientMsgId: randomUUID() })).message as Message;

  it('lets the author edit: the ack carries editedAt and a new rev, the room gets message:updated', async () => {
    const [a, b] = await Promise.all([socketOf(alice), socketOf(bob)]);
    const sent = await send(a, 'helo');
    const seenByAuthor = collect(a, 'message:updated');
    const updated = nextEvent(b, 'message:updated');
    const res = await ack(a, 'message:edit', { roomId, messageId: sent.id, text: '  hello  ' });
    expect(res).toEqual({
      ok: true,
      message: { ...sent, text: 'hello', editedAt: expect.any(String), rev: expect.any(String) },
    });
    expect((res.message as Message).rev > sent.rev).toBe(true);
    expect(await updated).toEqual({ message: res.message });
    expect(seenByAuthor).toEqual([]);
  });

  it('refuses an edit by anyone but the author, the room owner included, and changes nothing', async () => {
    const [a, b, o] = await Promise.all([socketOf(alice), socketOf(bob), socketOf(owner)]);
    const sent = await send(a, 'mine');
    for (const socket of [b, o]) {
      const res = await ack(socket, 'message:edit', { roomId, messageId: sent.id, text: 'yours now' });
      expect(res.error?.code).toBe('FORBIDDEN');
    }
    const page = await ack(a, 'messages:fetch', { roomId, after: BEFORE_FIRST_MESSAGE, limit: 100 });
    expect((page.messages as Message[]).find((m) => m.id === sent.id)).toEqual(sent);
  });

  it('refuses edits, deletes and reactions in a room the socket has not joined', async () => {
    const a = await socketOf(alice);
    const sent = await send(a, 'joined only');
    const outsider = await socketOf(bob, false);
    for (const [event, payload] of [
      ['message:edit', { roomId, messageId: sent.id, text: 'x' }],
      ['message:delete', { roomId, messageId: sent.id }],
      ['reaction:add', { roomId, messageId: sent.id, emoji: '👍' }],
    ] as const) {
      expect((await ack(outsider, event, payload)).error?.code).toBe('FORBIDDEN');
    }
  });

  it('changes nothing and broadcasts nothing for the same text again', async () => {
    const [a, b] = await Promise.all([socketOf(alice), socketOf(bob)]);
    const sent = await send(a, 'steady');
    const seen = collect(b, 'message:updated');
    expect(await ack(a, 'message:edit', { roomId, messageId: sent.id, text: 'steady' })).toEqual({
      ok: true,
      message: sent,
    });
    // A later event proves the earlier one would have arrived first.
    const marker = nextEvent(b, 'message:new');
    await send(a, 'marker');
    await marker;
    expect(seen).toEqual([]);
  });

  it.each([
    ['empty text', { text: '   ' }],
    ['text over the limit', { text: 'x'.repeat(LIMITS.messageTextMax + 1) }],
    ['a malformed message id', { messageId: '12' }],
    ['an unknown field', { extra: true }],
    ['text that is not a string', { text: { $ne: null } }],
  ])('refuses an edit with %s as VALIDATION', async (_, change) => {
    const a = await socketOf(alice);
    const sent = await send(a, 'valid');
    const res = await ack(a, 'message:edit', { roomId, messageId: sent.id, text: 'ok', ...change });
    expect(res.error?.code).toBe('VALIDATION');
  });

  it('answers NOT_FOUND for a message of another room or none at all', async () => {
    const a = await socketOf(alice);
    const sent = await send(a, 'here');
    await ack(a, 'room:join', { roomId: 'general' });
    expect(
      (await ack(a, 'message:edit', { roomId: 'general', messageId: sent.id, text: 'x' })).error?.code,
    ).toBe('NOT_FOUND');
    expect((await ack(a, 'message:delete', { roomId, messageId: '0000009999999999' })).error?.code).toBe(
      'NOT_FOUND',
    );
  });

  it('deletes for the author: a tombstone in history, message:deleted to the room, once', async () => {
    const [a, b] = await Promise.all([socketOf(alice), socketOf(bob)]);
    const sent = await send(a, 'regrettable');
    const deleted = collect<{ messageId: string }>(b, 'message:deleted');
    const first = nextEvent(b, 'message:deleted');
    const res = await ack(a, 'message:delete', { roomId, messageId: sent.id });
    const tombstone = { ...sent, text: '', deleted: true, rev: expect.any(String) };
    expect(res).toEqual({ ok: true, message: tombstone });
    const rev = (res.message as Message).rev;
    expect(await first).toEqual({ roomId, messageId: sent.id, rev });
    expect(await ack(a, 'message:delete', { roomId, messageId: sent.id })).toEqual(res);
    expect((await ack(a, 'message:edit', { roomId, messageId: sent.id, text: 'undo' })).error?.code).toBe(
      'NOT_FOUND',
    );
    const marker = nextEvent(b, 'message:new');
    await send(a, 'after the tombstone');
    await marker;
    expect(deleted).toHaveLength(1);
    const history = await ack(b, 'messages:fetch', { roomId, limit: 100 });
    expect((history.messages as Message[]).find((m) => m.id === sent.id)).toEqual(res.message);
  });

  it('lets the room owner delete anyone\u2019s message, and nobody else', async () => {
    const [a, b, o] = await Promise.all([socketOf(alice), socketOf(bob), socketOf(owner)]);
    const sent = await send(a, 'moderate me');
    expect((await ack(b, 'message:delete', { roomId, messageId: sent.id })).error?.code).toBe('FORBIDDEN');
    const res = await ack(o, 'message:delete', { roomId, messageId: sent.id });
    expect(res).toMatchObject({ ok: true, message: { id: sent.id, deleted: true, text: '' } });
  });

  it('counts a reaction once per user, names who, and updates the room live', async () => {
    const [a, b] = await Promise.all([socketOf(alice), socketOf(bob)]);
    const sent = await send(a, 'react');
    const updates = collect<{ message: Message }>(a, 'message:updated');
    const first = nextEvent(a, 'message:updated');
    await ack(b, 'reaction:add', { roomId, messageId: sent.id, emoji: '👍' });
    await first;
    const again = await ack(b, 'reaction:add', { roomId, messageId: sent.id, emoji: '👍' });
    expect((again.message as Message).reactions).toEqual([{ emoji: '👍', count: 1, users: [bob.user] }]);
    const both = await ack(a, 'reaction:add', { roomId, messageId: sent.id, emoji: '👍' });
    expect((both.message as Message).reactions).toEqual([
      { emoji: '👍', count: 2, users: [bob.user, alice.user] },
    ]);
    const second = nextEvent(a, 'message:updated');
    const removed = await ack(b, 'reaction:remove', { roomId, messageId: sent.id, emoji: '👍' });
    expect((removed.message as Message).reactions).toEqual([{ emoji: '👍', count: 1, users: [alice.user] }]);
    expect(await second).toEqual({ message: removed.message });
    expect(updates).toHaveLength(2);
  });

  it.each([
    ['a letter', 'a'],
    ['two emoji', '👍👍'],
    ['an emoji with a space', ' 👍'],
    ['an empty string', ''],
    ['markup', '<b>'],
    ['a digit alone', '1'],
    ['a link', 'javascript:alert(1)'],
    ['a control character', '\u0000'],
    ['a pictograph with a letter', '👍a'],
  ])('refuses %s as a reaction', async (_, emoji) => {
    const a = await socketOf(alice);
    const sent = await send(a, 'emoji only');
    expect((await ack(a, 'reaction:add', { roomId, messageId: sent.id, emoji })).error?.code).toBe(
      'VALIDATION',
    );
  });

  it.each([
    ['a skin tone', '👍🏽'],
    ['a ZWJ family', '👨‍👩‍👧‍👦'],
    ['a flag', '🇫🇷'],
    ['a keycap', '1️⃣'],
    ['a heart with VS16', '❤️'],
  ])('accepts %s as one emoji', async (_, emoji) => {
    const a = await socketOf(alice);
    const sent = await send(a, 'any emoji');
    const res = await ack(a, 'reaction:add', { roomId, messageId: sent.id, emoji });
    expect((res.message as Message).reactions).toEqual([{ emoji, count: 1, users: [alice.user] }]);
  });

  it('caps the distinct emoji of a message with LIMIT_REACHED', async () => {
    const a = await socketOf(alice);
    const sent = await send(a, 'so many');
    const emoji = Array.from({ length: LIMITS.reactionEmojiMax + 1 }, (_, i) =>
      String.fromCodePoint(0x1f600 + i),
    );
    for (const e of emoji.slice(0, LIMITS.reactionEmojiMax)) {
      expect((await ack(a, 'reaction:add', { roomId, messageId: sent.id, emoji: e })).ok).toBe(true);
    }
    const res = await ack(a, 'reaction:add', {
      roomId,
      messageId: sent.id,
      emoji: emoji[LIMITS.reactionEmojiMax],
    });
    expect(res.error).toMatchObject({ code: 'LIMIT_REACHED', details: { limit: LIMITS.reactionEmojiMax } });
  });

  it('catches a reconnecting client up on every creation, edit, deletion and reaction it missed, once, in order', async () => {
    const a = await socketOf(alice, false);
    const kept = await send(await socketOf(bob), 'kept');
    const edited = await send(await socketOf(bob), 'to edit');
    const removed = await send(await socketOf(bob), 'to delete');
    const joined = await ack(a, 'room:join', { roomId });
    const position = joined.position as string;
    a.close();

    const b = await socketOf(bob);
    await ack(b, 'message:edit', { roomId, messageId: edited.id, text: 'edited' });
    await ack(b, 'reaction:add', { roomId, messageId: kept.id, emoji: '🎉' });
    await ack(b, 'message:edit', { roomId, messageId: edited.id, text: 'edited twice' });
    await ack(b, 'message:delete', { roomId, messageId: removed.id });
    const fresh = await send(b, 'new while away');

    const back = await socketOf(alice, false);
    const caughtUp = await ack(back, 'room:join', { roomId, since: position });
    const messages = caughtUp.messages as Message[];
    expect(messages.map((m) => m.id)).toEqual([kept.id, edited.id, removed.id, fresh.id]);
    expect(messages.map((m) => m.rev)).toEqual(messages.map((m) => m.rev).sort());
    expect(messages[0].reactions).toEqual([{ emoji: '🎉', count: 1, users: [bob.user] }]);
    expect(messages[1]).toMatchObject({ text: 'edited twice', editedAt: expect.any(String) });
    expect(messages[2]).toMatchObject({ deleted: true, text: '' });
    expect(caughtUp.position).toBe(fresh.rev);
    expect(caughtUp.truncated).toBeUndefined();

    // From where it now is, nothing is left; page by page with messages:fetch reaches the same.
    expect((await ack(back, 'messages:fetch', { roomId, since: caughtUp.position })).messages).toEqual([]);
    const paged: Message[] = [];
    let cursor = position;
    for (;;) {
      const page = await ack(back, 'messages:fetch', { roomId, since: cursor, limit: 1 });
      if ((page.messages as Message[]).length === 0) break;
      paged.push(...(page.messages as Message[]));
      cursor = page.position as string;
    }
    expect(paged).toEqual(messages);
  });

  it('keeps room:join {after} answering by id, now with a position', async () => {
    const a = await socketOf(alice);
    const first = await send(a, 'one');
    const second = await send(a, 'two');
    const res = await ack(a, 'room:join', { roomId, after: first.id });
    expect((res.messages as Message[]).map((m) => m.id)).toEqual([second.id]);
    expect(res.position).toBe(second.rev);
  });

  it('answers a position past the room\u2019s newest with the latest page and reset', async () => {
    const a = await socketOf(alice, false);
    const res = await ack(a, 'room:join', { roomId, since: '9000000000000000' });
    expect(res).toMatchObject({ ok: true, reset: true, position: expect.any(String) });
    expect((res.messages as Message[]).length).toBeGreaterThan(0);
  });

  it('refuses since together with after or before', async () => {
    const a = await socketOf(alice);
    for (const payload of [
      { roomId, since: BEFORE_FIRST_MESSAGE, after: BEFORE_FIRST_MESSAGE },
      { roomId, since: BEFORE_FIRST_MESSAGE, before: '0000000000000009' },
    ]) {
      expect((await ack(a, 'messages:fetch', payload)).error?.code).toBe('VALIDATION');
    }
    expect(
      (await ack(a, 'room:join', { roomId, since: BEFORE_FIRST_MESSAGE, after: BEFORE_FIRST_MESSAGE })).error
        ?.code,
    ).toBe('VALIDATION');
  });
});

describe('editing and deleting over HTTP', () => {
  let t: TestApp;
  let owner: Agent;
  let alice: Agent;
  let bob: Agent;
  let roomId: string;

  beforeAll(async () => {
    t = await startApp();
    [owner, alice, bob] = await Promise.all(
      ['owner', 'alice', 'bob'].map((n) => loggedInAgent(t.url, uniqueName(n))),
    );
    roomId = (await owner.agent.post('/rooms').send({ name: 'private', visibility: 'private' }).expect(201))
      .body.room.id;
    await owner.agent.post(`/rooms/${roomId}/members`).send({ username: alice.user.username }).expect(204);
  });
  afterAll(async () => {
    await t.close();
  });

  const joined = async (who: Agent) => {
    const socket = chatClient(t.url, { cookie: who.cookie });
    sockets.push(socket);
    await connected(socket);
    await ack(socket, 'room:join', { roomId });
    return socket;
  };
  const send = async (socket: ChatClient, text: string) =>
    (await ack(socket, 'message:send', { roomId, text, clientMsgId: randomUUID() })).message as Message;

  it('edits with PATCH and announces it to every socket in the room, the author\u2019s too', async () => {
    const [a, o] = await Promise.all([joined(alice), joined(owner)]);
    const sent = await send(a, 'over http');
    const toAuthor = nextEvent(a, 'message:updated');
    const toOwner = nextEvent(o, 'message:updated');
    const res = await alice.agent
      .patch(`/rooms/${roomId}/messages/${sent.id}`)
      .send({ text: 'edited over http' })
      .expect(200);
    expect(res.body.message).toMatchObject({
      id: sent.id,
      text: 'edited over http',
      editedAt: expect.any(String),
    });
    expect(await toAuthor).toEqual({ message: res.body.message });
    expect(await toOwner).toEqual({ message: res.body.message });
  });

  it('deletes with DELETE: the owner may, a non-member cannot even see the room', async () => {
    const [a, o] = await Promise.all([joined(alice), joined(owner)]);
    const sent = await send(a, 'delete me over http');
    await alice.agent.patch(`/rooms/${roomId}/messages/${sent.id}`).send({ text: '' }).expect(400);
    const bobTry = await bob.agent.delete(`/rooms/${roomId}/messages/${sent.id}`).expect(404);
    expect(bobTry.body.code).toBe('NOT_FOUND');
    const deleted = nextEvent(a, 'message:deleted');
    const res = await owner.agent.delete(`/rooms/${roomId}/messages/${sent.id}`).expect(200);
    expect(res.body.message).toMatchObject({ id: sent.id, deleted: true, text: '' });
    expect(await deleted).toEqual({ roomId, messageId: sent.id, rev: res.body.message.rev });
    await owner.agent.delete(`/rooms/${roomId}/messages/${sent.id}`).expect(200);
    void o;
  });

  it('refuses a member\u2019s edit of someone else\u2019s message and delete by a plain member', async () => {
    const o = await joined(owner);
    const sent = await send(o, 'owner speaks');
    expect(
      (await alice.agent.patch(`/rooms/${roomId}/messages/${sent.id}`).send({ text: 'no' }).expect(403)).body
        .code,
    ).toBe('FORBIDDEN');
    await alice.agent.delete(`/rooms/${roomId}/messages/${sent.id}`).expect(403);
    await alice.agent.delete(`/rooms/${roomId}/messages/not-an-id`).expect(400);
  });
});

describe('rate of changes', () => {
  it('counts edits, deletes and reactions against the message rate limit', async () => {
    const t = await startApp({ MESSAGE_RATE_LIMIT: '3', MESSAGE_RATE_WINDOW: '60' });
    try {
      const alice = await loggedInAgent(t.url, uniqueName('alice'));
      const socket = chatClient(t.url, { cookie: alice.cookie });
      sockets.push(socket);
      await connected(socket);
      await ack(socket, 'room:join', { roomId: 'general' });
      const sent = (
        await ack(socket, 'message:send', { roomId: 'general', text: 'one', clientMsgId: randomUUID() })
      ).message as Message;
      await ack(socket, 'message:edit', { roomId: 'general', messageId: sent.id, text: 'two' });
      await ack(socket, 'reaction:add', { roomId: 'general', messageId: sent.id, emoji: '👍' });
      const res = await ack(socket, 'message:edit', { roomId: 'general', messageId: sent.id, text: 'three' });
      expect(res.error).toMatchObject({
        code: 'RATE_LIMITED',
        details: { retryAfterSec: expect.any(Number) },
      });
    } finally {
      await t.close();
    }
  });
});
