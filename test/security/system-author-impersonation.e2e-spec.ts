import request from 'supertest';
import { GENERAL_ROOM_ID, SYSTEM_AUTHOR } from '../../src/protocol/limits.js';
import type { Message } from '../../src/protocol/models.js';
import { apiClient, newApiKey } from '../helpers/api.js';
import { loggedInAgent, startApp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { ack, chatClient, connected, type ChatClient } from '../helpers/sockets.js';

const KEY = newApiKey();

/**
 * Attack: pass for the system author, whose messages readers trust as the operator's: register
 * its name, or send a message claiming to be it.
 */
describe('the system author cannot be impersonated', () => {
  let t: TestApp;
  let socket: ChatClient | undefined;
  beforeAll(async () => {
    t = await startApp({ API_KEY: KEY });
  });
  afterAll(async () => {
    socket?.close();
    await t.close();
  });

  it('refuses its username, in any letter case, to registration and to the server API', async () => {
    for (const username of ['system', 'SYSTEM', 'System']) {
      const registered = await request(t.url)
        .post('/auth/register')
        .send({ username, password: STRONG_PASSWORD });
      expect(registered.status).toBe(400);
      expect(registered.body.details).toEqual([{ field: 'username', message: 'is reserved' }]);
      const created = await apiClient(t.url, KEY).post('/api/users', { username, password: STRONG_PASSWORD });
      expect(created.status).toBe(400);
    }
  });

  it("stores a user's message under the user whatever the payload claims, and no user has the system id", async () => {
    const { cookie, user } = await loggedInAgent(t.url);
    expect(user.id).not.toBe(SYSTEM_AUTHOR.id);
    socket = chatClient(t.url, { cookie });
    await connected(socket);
    await ack(socket, 'room:join', { roomId: GENERAL_ROOM_ID });
    const forged = await ack(socket, 'message:send', {
      roomId: GENERAL_ROOM_ID,
      text: 'maintenance tonight',
      clientMsgId: 'forged-1',
      author: SYSTEM_AUTHOR,
    });
    expect(forged).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const sent = await ack(socket, 'message:send', {
      roomId: GENERAL_ROOM_ID,
      text: 'hi',
      clientMsgId: 'real-1',
    });
    expect((sent.message as Message).author).toEqual(user);
  });

  it('does not take `author: "system"` as the system author: that names a user, and there is none', async () => {
    const res = await apiClient(t.url, KEY).post(`/api/rooms/${GENERAL_ROOM_ID}/messages`, {
      text: 'hi',
      author: 'system',
    });
    expect(res.status).toBe(404);
  });
});
