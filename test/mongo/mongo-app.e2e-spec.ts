import request from 'supertest';
import { parseMessageId } from '../../src/rooms/message-id.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from '../helpers/app.js';
import { ack, chatClient, connected, type ChatClient } from '../helpers/sockets.js';
import { FakeMongoServer } from './fake-mongo-server.js';

/**
 * The whole application with MONGO_URL at the scripted replica set: data, sessions and the
 * Socket.IO adapter on MongoDB, through the real driver, connect-mongo and the adapter classes.
 * What it shows is the outage behaviour; the stores' semantics are the contract suites' job,
 * which need a real replica set (test/storage-mongo.e2e-spec.ts).
 */
describe('the MongoDB profile while the replica set loses its primary', () => {
  let fake: FakeMongoServer;
  let app: TestApp;

  beforeAll(async () => {
    fake = await FakeMongoServer.start();
    // A database restored from a backup: messages up to id 41, and no counter.
    fake.collections.documents('tether.messages').push({ _id: '0000000000000041', roomId: 'general' });
    app = await startApp({ MONGO_URL: fake.url('tether', 'serverSelectionTimeoutMS=1000') });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('answers 503 UNAVAILABLE within the server selection timeout, not 500 after 30 s, and recovers', async () => {
    const { agent, user } = await loggedInAgent(app.url);
    await agent.get('/auth/me').expect(200);

    fake.stepDown();
    const started = Date.now();
    const res = await agent.get('/auth/me');
    expect(Date.now() - started).toBeLessThan(4000);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      code: 'UNAVAILABLE',
      message: 'Service temporarily unavailable; try again shortly',
    });

    fake.stepUp();
    expect((await agent.get('/auth/me').expect(200)).body).toEqual({ user });
  });

  it('turns readiness to 503 with mongo down while no primary is left, and back to 200 after', async () => {
    expect((await request(app.url).get('/health/ready').expect(200)).body.checks).toEqual({ mongo: 'up' });
    fake.stepDown();
    try {
      await vi.waitFor(() => request(app.url).get('/health/ready').expect(503), {
        timeout: 5_000,
        interval: 200,
      });
      const res = await request(app.url).get('/health/ready').expect(503);
      expect(res.body.details).toMatchObject({ draining: false, checks: { mongo: 'down' } });
      await request(app.url).get('/health/live').expect(200);
    } finally {
      fake.stepUp();
    }
    await vi.waitFor(() => request(app.url).get('/health/ready').expect(200), {
      timeout: 5_000,
      interval: 200,
    });
  });

  it('acks a message sent while no primary is left with UNAVAILABLE, and takes it once one is elected', async () => {
    const { cookie } = await loggedInAgent(app.url);
    const socket: ChatClient = chatClient(app.url, { cookie });
    try {
      await connected(socket);
      await ack(socket, 'room:join', { roomId: 'general' });
      const message = { roomId: 'general', text: 'hello', clientMsgId: uniqueName('m') };

      fake.stepDown();
      const refused = await ack(socket, 'message:send', message);
      expect(refused).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });

      fake.stepUp();
      const sent = await ack(socket, 'message:send', message);
      expect(sent).toMatchObject({
        ok: true,
        message: { text: 'hello', id: expect.stringMatching(/^\d{16}$/) },
      });
    } finally {
      socket.close();
    }
  });

  it('continues message ids after the highest one stored, the store having raised its counter at boot', async () => {
    const { cookie } = await loggedInAgent(app.url);
    const socket: ChatClient = chatClient(app.url, { cookie });
    try {
      await connected(socket);
      await ack(socket, 'room:join', { roomId: 'general' });
      const sent = await ack(socket, 'message:send', {
        roomId: 'general',
        text: 'x',
        clientMsgId: uniqueName('m'),
      });
      expect(sent).toMatchObject({ ok: true });
      expect(parseMessageId((sent.message as { id: string }).id)).toBeGreaterThan(41);
    } finally {
      socket.close();
    }
  });
});
