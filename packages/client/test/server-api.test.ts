import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERAL_ROOM_ID, SYSTEM_AUTHOR, TetherClient, TetherError, type Message } from '../src/index.js';
import { PASSWORD, startServer, uniqueName, waitFor, type TestServer } from './server.js';

const API_KEY = randomBytes(32).toString('base64url');

describe('TetherClient as a backend of the server API', () => {
  let server: TestServer;
  const clients: TetherClient[] = [];

  beforeAll(async () => {
    server = await startServer({ API_KEY });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  const client = (options: ConstructorParameters<typeof TetherClient>[0] = {}) => {
    const made = new TetherClient({ baseUrl: server.url, ...options });
    clients.push(made);
    return made;
  };

  it('creates a user and publishes into a room that user has joined, typed by the route table', async () => {
    const backend = client({ apiKey: API_KEY });
    const username = uniqueName('reader');
    await backend.request('apiCreateUser', { body: { username, password: PASSWORD } });
    const reader = client();
    await reader.login(username, PASSWORD);
    await reader.join(GENERAL_ROOM_ID);
    const received = waitFor<Message>(
      (l) => reader.on('message', l),
      (m) => m.author.id === SYSTEM_AUTHOR.id,
    );

    const { message } = await backend.request('apiPublish', {
      params: { roomId: GENERAL_ROOM_ID },
      body: { text: 'build green', clientMsgId: uniqueName('ci') },
    });
    expect(await received).toEqual(message);
    const { instances } = await backend.request('apiInfo');
    expect(instances).toHaveLength(1);
  });

  it('sends no key without `apiKey`, and never on the routes of users', async () => {
    const error = await client()
      .request('apiInfo')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TetherError);
    expect((error as TetherError).code).toBe('UNAUTHENTICATED');
    const withKey = client({ apiKey: API_KEY });
    await expect(withKey.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
