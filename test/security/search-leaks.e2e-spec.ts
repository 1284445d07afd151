import { randomUUID } from 'node:crypto';
import type { Message } from '../../src/protocol/models.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from '../helpers/app.js';
import { ack, chatClient, connected, type ChatClient } from '../helpers/sockets.js';

type Agent = Awaited<ReturnType<typeof loggedInAgent>>;

/**
 * The attacker searches for what they must not read: words of private rooms they are not in, of
 * rooms they were removed from, of deleted messages, and FTS5 syntax that would widen the match,
 * reach other columns or crash the query.
 */
describe('search never leaks', () => {
  let t: TestApp;
  let owner: Agent;
  let attacker: Agent;
  const sockets: ChatClient[] = [];

  beforeAll(async () => {
    t = await startApp({ MESSAGE_RATE_LIMIT: '100000' });
    owner = await loggedInAgent(t.url, uniqueName('owner'));
    attacker = await loggedInAgent(t.url, uniqueName('attacker'));
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  const privateRoom = async () =>
    (await owner.agent.post('/rooms').send({ name: 'secret', visibility: 'private' }).expect(201)).body.room
      .id as string;
  const say = async (who: Agent, roomId: string, text: string) => {
    const socket = chatClient(t.url, { cookie: who.cookie });
    sockets.push(socket);
    await connected(socket);
    await ack(socket, 'room:join', { roomId });
    return {
      socket,
      message: (await ack(socket, 'message:send', { roomId, text, clientMsgId: randomUUID() }))
        .message as Message,
    };
  };
  const search = async (who: Agent, q: string, extra: Record<string, string> = {}) =>
    (
      await who.agent
        .get('/search')
        .query({ q, ...extra })
        .expect(200)
    ).body.results as Message[];
  const secretWord = () => `s${randomUUID().replace(/-/g, '')}`;

  it('a private room the searcher is not in, even naming it as roomId', async () => {
    const roomId = await privateRoom();
    const word = secretWord();
    await say(owner, roomId, `the launch code is ${word}`);
    expect(await search(owner, word)).toHaveLength(1);
    expect(await search(attacker, word)).toEqual([]);
    const named = await attacker.agent.get('/search').query({ q: word, roomId }).expect(404);
    expect(named.body.code).toBe('NOT_FOUND');
  });

  it('a private room the searcher was removed from', async () => {
    const roomId = await privateRoom();
    await owner.agent.post(`/rooms/${roomId}/members`).send({ username: attacker.user.username }).expect(204);
    const word = secretWord();
    await say(owner, roomId, `after you leave: ${word}`);
    expect(await search(attacker, word)).toHaveLength(1);
    await owner.agent.delete(`/rooms/${roomId}/members/${attacker.user.username}`).expect(204);
    expect(await search(attacker, word)).toEqual([]);
  });

  it('the text of a deleted message, or an edited-away word', async () => {
    const word = secretWord();
    const gone = secretWord();
    const { socket, message } = await say(owner, 'general', `oops ${word}`);
    const edited = (
      await ack(socket, 'message:send', {
        roomId: 'general',
        text: `typo ${gone}`,
        clientMsgId: randomUUID(),
      })
    ).message as Message;
    await ack(socket, 'message:delete', { roomId: 'general', messageId: message.id });
    await ack(socket, 'message:edit', { roomId: 'general', messageId: edited.id, text: 'fixed' });
    expect(await search(attacker, word)).toEqual([]);
    expect(await search(owner, word)).toEqual([]);
    expect(await search(attacker, gone)).toEqual([]);
  });

  it.each([
    ['an OR that would widen the match', (w: string) => `nomatchatall OR ${w}`],
    ['a NOT', (w: string) => `${w} NOT other`],
    ['a column filter', (w: string) => `text:${w} nomatchatall`],
    ['a NEAR group', (w: string) => `NEAR(${w} nomatchatall)`],
    ['an unbalanced quote', (w: string) => `"${w} nomatchatall`],
    ['a prefix star on a fragment', (w: string) => `${w.slice(0, 6)}*`],
    ['a caret and braces', (w: string) => `^${w} {text} nomatchatall`],
  ])('FTS syntax in q: %s matches only as plain words', async (_, query) => {
    const roomId = await privateRoom();
    const word = secretWord();
    await say(owner, roomId, `private ${word}`);
    await say(owner, 'general', `public ${word}`);
    const results = await search(attacker, query(word));
    expect(results.filter((m) => m.roomId === roomId)).toEqual([]);
    // Every word is required: the extra word matches nothing, so nothing at all comes back.
    expect(results).toEqual([]);
  });
});
