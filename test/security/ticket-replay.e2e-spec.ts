import { loggedInAgent, startApp, type TestApp } from '../helpers/app.js';
import { chatClient, connected, refusal, TRANSPORTS, type ChatClient } from '../helpers/sockets.js';

/**
 * A one-time ticket captured (a log, a proxy, a shared screen) and presented again, or raced by
 * many connections at once: exactly one socket is ever admitted per ticket, on any transport.
 */
describe('ticket replay and races', () => {
  let t: TestApp;
  let session: Awaited<ReturnType<typeof loggedInAgent>>;
  const sockets: ChatClient[] = [];
  beforeAll(async () => {
    t = await startApp();
    session = await loggedInAgent(t.url);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await t.close();
  });

  const mint = async () => (await session.agent.post('/auth/ws-ticket').expect(201)).body.ticket as string;

  it.each(TRANSPORTS)('refuses a ticket presented again with TICKET_INVALID (%s)', async (transport) => {
    const ticket = await mint();
    sockets.push(await connected(chatClient(t.url, { transport, auth: { ticket } })));
    expect((await refusal(chatClient(t.url, { transport, auth: { ticket } }))).data?.code).toBe(
      'TICKET_INVALID',
    );
  });

  it('admits one of ten connections racing with the same ticket', async () => {
    const ticket = await mint();
    const racers = Array.from({ length: 10 }, (_, i) =>
      chatClient(t.url, { transport: TRANSPORTS[i % 2], auth: { ticket } }),
    );
    sockets.push(...racers);
    const outcomes = await Promise.allSettled(racers.map((s) => connected(s)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
      expect((o.reason as { data?: { code: string } }).data?.code).toBe('TICKET_INVALID');
    }
  });

  it('refuses an unused ticket once its session logged out', async () => {
    const other = await loggedInAgent(t.url);
    const ticket = (await other.agent.post('/auth/ws-ticket').expect(201)).body.ticket as string;
    await other.agent.post('/auth/logout').expect(204);
    expect((await refusal(chatClient(t.url, { auth: { ticket } }))).data?.code).toBe('TICKET_INVALID');
  });
});
