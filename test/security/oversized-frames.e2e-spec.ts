import request from 'supertest';
import { loggedInAgent, startApp, type TestApp } from '../helpers/app.js';
import { RawEngineClient } from '../helpers/raw-engine.js';
import { ack, chatClient, connected, nextEvent, TRANSPORTS, type ChatClient } from '../helpers/sockets.js';

const MAX = 8192;

/**
 * Frames and polling bodies over SOCKET_MAX_PAYLOAD: the connection that sent one is closed before
 * anything parses it; nobody else notices.
 */
describe('oversized frames', () => {
  let t: TestApp;
  let bystander: ChatClient;
  let cookie: string;
  beforeAll(async () => {
    t = await startApp({ SOCKET_MAX_PAYLOAD: String(MAX) });
    cookie = (await loggedInAgent(t.url)).cookie;
    bystander = await connected(chatClient(t.url, { cookie: (await loggedInAgent(t.url)).cookie }));
  });
  afterAll(async () => {
    bystander.close();
    await t.close();
  });
  const bystanderServed = async () =>
    expect(await ack(bystander, 'room:join', { roomId: 'general' })).toMatchObject({ ok: true });

  it.each(TRANSPORTS)('closes the connection of a Socket.IO event over the limit (%s)', async (transport) => {
    const sender = await connected(chatClient(t.url, { cookie, transport }));
    const dropped = nextEvent(sender, 'disconnect');
    sender.emit(
      'message:send',
      { roomId: 'general', text: 'x'.repeat(MAX * 2), clientMsgId: 'big' },
      () => undefined,
    );
    expect(await dropped).toMatch(/^transport (close|error)$/);
    sender.close();
    await bystanderServed();
  });

  it('closes a raw websocket whose frame is over the limit, before the CONNECT is even parsed', async () => {
    const raw = await RawEngineClient.open(t.url, { cookie });
    raw.send(`40/chat,${JSON.stringify({ token: 'x'.repeat(MAX * 4) })}`);
    expect(await raw.waitClosed()).toBe(1009);
    expect(raw.frames.filter((f) => String(f).startsWith('4'))).toEqual([]);
    await bystanderServed();
  });

  it('refuses a polling body over the limit with 413', async () => {
    const open = await request(t.url).get('/socket.io/?EIO=4&transport=polling').expect(200);
    const sid = (JSON.parse(open.text.slice(1)) as { sid: string }).sid;
    await request(t.url)
      .post(`/socket.io/?EIO=4&transport=polling&sid=${sid}`)
      .set('Content-Type', 'text/plain')
      .send(`4${'x'.repeat(MAX * 2)}`)
      .expect(413);
    await bystanderServed();
  });
});
