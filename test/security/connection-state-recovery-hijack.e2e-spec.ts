import { NamespaceLifecycle } from '../../src/realtime/namespace-lifecycle.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from '../helpers/app.js';
import { RawEngineClient } from '../helpers/raw-engine.js';
import { ack, chatClient, connected, nextEvent, type ChatClient } from '../helpers/sockets.js';

type Session = Awaited<ReturnType<typeof loggedInAgent>>;

/** What a client holds to ask for its connection state back (socket.io-client keeps it privately). */
interface RecoveryClaim {
  id: string;
  pid: string;
  offset: string;
}

/**
 * Class 2 of issue 10: connection state recovery trusted the client's `pid`, so a client of user B
 * presenting user A's `pid`/`offset` got A's socket id and rooms, and wrote A's missed packets even
 * to a reconnect that the middleware then refused. Recovery is off: every reconnect is a fresh,
 * freshly authenticated socket, and clients catch up with `room:join {after}`.
 */
describe('connection state recovery with a foreign or revoked pid', () => {
  let t: TestApp;
  let mallory: Session;
  let carol: ChatClient;
  let secret: string;
  let owner: Session;
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    t = await startApp();
    owner = await loggedInAgent(t.url, uniqueName('owner'));
    mallory = await loggedInAgent(t.url, uniqueName('mallory'));
    const carolSession = await loggedInAgent(t.url, uniqueName('carol'));
    const { body } = await owner.agent
      .post('/rooms')
      .send({ name: 'secret', visibility: 'private' })
      .expect(201);
    secret = body.room.id as string;
    await owner.agent
      .post(`/rooms/${secret}/members`)
      .send({ username: carolSession.user.username })
      .expect(204);
    carol = await connected(chatClient(t.url, { cookie: carolSession.cookie }));
    await ack(carol, 'room:join', { roomId: secret });
  });
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });
  afterAll(async () => {
    carol?.close();
    await t?.close();
  });

  const say = async (text: string) =>
    expect(
      await ack(carol, 'message:send', { roomId: secret, text, clientMsgId: uniqueName('m') }),
    ).toMatchObject({
      ok: true,
    });

  /** A member of the private room whose connection drops; messages then arrive while it is away. */
  async function victimAway(session: Session): Promise<RecoveryClaim> {
    await owner.agent.post(`/rooms/${secret}/members`).send({ username: session.user.username }).expect(204);
    const victim = chatClient(t.url, { cookie: session.cookie });
    closers.push(() => victim.close());
    await connected(victim);
    await ack(victim, 'room:join', { roomId: secret });
    const seen = nextEvent(victim, 'message:new');
    await say('before the drop');
    await seen;
    const held = victim as unknown as { id: string; _pid?: string; _lastOffset?: string };
    const claim = {
      id: held.id,
      pid: held._pid ?? 'AAAAAAAAAAAAAAAAAAAA',
      offset: held._lastOffset ?? '1-0',
    };
    // Not a logout nor a client disconnect: the transport just goes, as when a network drops.
    victim.io.engine.close();
    const namespace = t.app.get(NamespaceLifecycle).namespace!;
    await vi.waitFor(() => expect(namespace.sockets.has(claim.id)).toBe(false));
    await say('missed while away');
    return claim;
  }

  async function open(cookie?: string): Promise<RawEngineClient> {
    const raw = await RawEngineClient.open(t.url, { cookie });
    closers.push(() => raw.close());
    return raw;
  }

  /** A fresh socket of its own user: not the victim's id, none of its rooms, none of its missed packets. */
  async function expectFreshSocket(raw: RawEngineClient, answer: string, claim: RecoveryClaim) {
    expect(answer).toMatch(/^40\/chat,/);
    const granted = JSON.parse(answer.slice('40/chat,'.length)) as { sid: string; pid?: string };
    expect(granted.sid).not.toBe(claim.id);
    expect(granted).not.toHaveProperty('pid');
    expect(await raw.ack(1, 'messages:fetch', { roomId: secret })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(
      await raw.ack(2, 'message:send', { roomId: secret, text: 'hijacked', clientMsgId: uniqueName('h') }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Both acks came back after anything queued before them: no missed packet was among them.
    expect(raw.frames.some((f) => String(f).includes('missed while away'))).toBe(false);
  }

  const mint = async (session: Session, path: '/auth/ws-ticket' | '/auth/token') => {
    const res = await session.agent.post(path).expect(201);
    return (res.body as { ticket?: string; accessToken?: string }).ticket ?? (res.body.accessToken as string);
  };

  it.each([
    ['its session cookie', async () => ({})],
    ['a ticket', async () => ({ ticket: await mint(mallory, '/auth/ws-ticket') })],
    ['a token', async () => ({ token: await mint(mallory, '/auth/token') })],
  ])("gives another user's pid presented with %s a fresh socket of its own", async (_, credential) => {
    const claim = await victimAway(await loggedInAgent(t.url, uniqueName('victim')));
    const raw = await open(mallory.cookie);
    const answer = await raw.connectNamespace('/chat', {
      pid: claim.pid,
      offset: claim.offset,
      ...(await credential()),
    });
    await expectFreshSocket(raw, answer, claim);
  });

  it('gives a fresh socket to a foreign client presenting the pid of a victim who logged out meanwhile', async () => {
    const victim = await loggedInAgent(t.url, uniqueName('victim'));
    const claim = await victimAway(victim);
    await victim.agent.post('/auth/logout').expect(204);
    const raw = await open(mallory.cookie);
    await expectFreshSocket(
      raw,
      await raw.connectNamespace('/chat', { pid: claim.pid, offset: claim.offset }),
      claim,
    );
  });

  it('writes nothing of what was missed to a reconnect that is then refused', async () => {
    const victim = await loggedInAgent(t.url, uniqueName('victim'));
    const claim = await victimAway(victim);
    await victim.agent.post('/auth/logout').expect(204);
    const raw = await open(victim.cookie);
    const answer = await raw.connectNamespace('/chat', { pid: claim.pid, offset: claim.offset });
    expect(JSON.parse(answer.slice('44/chat,'.length))).toMatchObject({ data: { code: 'SESSION_EXPIRED' } });
    await raw.waitClosed();
    expect(raw.frames.filter((f) => String(f).startsWith('42'))).toEqual([]);
  });
});
