import { Logger } from '@nestjs/common';
import { Presence } from '../../src/realtime/presence.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from '../helpers/app.js';
import { RawEngineClient } from '../helpers/raw-engine.js';
import { ack, chatClient, connected, nextEvent, type ChatClient } from '../helpers/sockets.js';

type Session = Awaited<ReturnType<typeof loggedInAgent>>;

/**
 * Class 1 of issue 10: CONNECT `/chat`, namespace DISCONNECT, CONNECT again on one Engine.IO
 * connection reached the cookie authenticator after the handshake request was released. A
 * connection now carries one socket, ever; anything else is refused or closed, and no fault of
 * any socket callback reaches the process.
 */
describe('re-CONNECT on one Engine.IO connection', () => {
  let t: TestApp;
  let alice: Session;
  let bystander: ChatClient;
  const raws: RawEngineClient[] = [];
  let errors: ReturnType<typeof vi.spyOn>;

  beforeAll(async () => {
    t = await startApp();
    alice = await loggedInAgent(t.url, uniqueName('alice'));
    const bob = await loggedInAgent(t.url, uniqueName('bob'));
    bystander = await connected(chatClient(t.url, { cookie: bob.cookie }));
  });
  beforeEach(() => {
    errors = vi.spyOn(Logger.prototype, 'error');
  });
  afterEach(() => {
    for (const raw of raws.splice(0)) raw.close();
    errors.mockRestore();
  });
  afterAll(async () => {
    bystander?.close();
    await t?.close();
  });

  /** The process still serves someone else, and logged no fault on the way. */
  async function expectUnharmed(): Promise<void> {
    expect(await ack(bystander, 'room:join', { roomId: 'general' })).toMatchObject({ ok: true });
    expect(errors).not.toHaveBeenCalled();
  }

  async function open(cookie?: string): Promise<RawEngineClient> {
    const raw = await RawEngineClient.open(t.url, { cookie });
    raws.push(raw);
    return raw;
  }

  const mint = async (path: '/auth/ws-ticket' | '/auth/token') => {
    const res = await alice.agent.post(path).expect(201);
    return (res.body as { ticket?: string; accessToken?: string }).ticket ?? res.body.accessToken;
  };

  it('closes the connection once the client leaves /chat, so nothing can CONNECT on it again', async () => {
    const raw = await open(alice.cookie);
    expect(await raw.connectNamespace('/chat')).toMatch(/^40\/chat,\{"sid"/);
    raw.send('41/chat,');
    await raw.waitClosed();
    raw.send('40/chat,');
    const answers = raw.frames.filter((f) => typeof f === 'string' && /^4[04]\/chat,/.test(f));
    expect(answers).toHaveLength(1);
    await expectUnharmed();
  });

  it.each([
    ['the session cookie', async () => [undefined, undefined] as const],
    [
      'one-time tickets',
      async () =>
        [{ ticket: await mint('/auth/ws-ticket') }, { ticket: await mint('/auth/ws-ticket') }] as const,
    ],
    [
      'an access token',
      async () => [{ token: await mint('/auth/token') }, { token: await mint('/auth/token') }] as const,
    ],
  ])(
    'refuses a second CONNECT with %s, even pipelined, with CONNECTION_REUSED and admits one socket at most',
    async (_, credentials) => {
      const [first, second] = await credentials();
      const raw = await open(alice.cookie);
      const refused = raw.next((f) => typeof f === 'string' && f.startsWith('44/chat,'));
      raw.send(`40/chat,${first ? JSON.stringify(first) : ''}`);
      raw.send(`40/chat,${second ? JSON.stringify(second) : ''}`);
      expect(JSON.parse(((await refused) as string).slice('44/chat,'.length))).toMatchObject({
        data: { code: 'CONNECTION_REUSED' },
      });
      await raw.waitClosed();
      expect(
        raw.frames.filter((f) => typeof f === 'string' && f.startsWith('40/chat,')).length,
      ).toBeLessThanOrEqual(1);
      // The refused CONNECT was turned away before its credential was looked at.
      if (second && 'ticket' in second) {
        const again = chatClient(t.url, { auth: second });
        await connected(again);
        again.close();
      }
      await expectUnharmed();
    },
  );

  it('ends only the socket whose connection handler failed', async () => {
    // Fault injection: nothing a client sends makes this handler throw today, which is the point.
    const presence = t.app.get(Presence);
    vi.spyOn(presence, 'track').mockImplementationOnce(() => {
      throw new Error('injected fault');
    });
    const victim = chatClient(t.url, { cookie: alice.cookie });
    const dropped = nextEvent(victim, 'disconnect');
    victim.connect();
    expect(await dropped).toBe('io server disconnect');
    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining('socket connection failed: Error: injected fault'),
    );
    errors.mockClear();
    victim.close();
    await expectUnharmed();
  });
});
