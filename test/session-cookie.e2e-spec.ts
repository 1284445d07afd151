import request from 'supertest';
import { startApp, STRONG_PASSWORD, uniqueName, type TestApp } from './helpers/app.js';

async function loginResponse(t: TestApp, headers: Record<string, string> = {}) {
  const username = uniqueName('ck');
  await request(t.url).post('/auth/register').send({ username, password: STRONG_PASSWORD }).expect(201);
  const res = await request(t.url)
    .post('/auth/login')
    .set(headers)
    .send({ username, password: STRONG_PASSWORD })
    .expect(200);
  const cookie = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.includes('tether.sid='));
  if (!cookie) throw new Error('no session cookie');
  const [pair, ...attrs] = cookie.split(';').map((s) => s.trim());
  return { name: pair.split('=')[0], attrs: attrs.map((a) => a.toLowerCase()), pair };
}

describe('session cookie attributes', () => {
  it('over plain HTTP: HttpOnly, SameSite=Lax, not Secure, no __Host- prefix, idle expiry', async () => {
    const t = await startApp({ SESSION_IDLE_TIMEOUT: '600' });
    try {
      const { name, attrs } = await loginResponse(t, { 'X-Forwarded-Proto': 'https' });
      expect(name).toBe('tether.sid');
      expect(attrs).toContain('httponly');
      expect(attrs).toContain('samesite=lax');
      expect(attrs).not.toContain('secure');
      const expires = Date.parse(attrs.find((a) => a.startsWith('expires='))!.slice('expires='.length));
      expect(expires - Date.now()).toBeGreaterThan(590_000);
      expect(expires - Date.now()).toBeLessThanOrEqual(600_000);
    } finally {
      await t.close();
    }
  });

  it('behind a trusted proxy with X-Forwarded-Proto: https: Secure and __Host- prefixed', async () => {
    const t = await startApp({ TRUST_PROXY: 'loopback' });
    try {
      const { name, attrs, pair } = await loginResponse(t, { 'X-Forwarded-Proto': 'https' });
      expect(name).toBe('__Host-tether.sid');
      expect(attrs).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']));
      expect(attrs.some((a) => a.startsWith('domain='))).toBe(false);
      await request(t.url).get('/auth/me').set({ Cookie: pair, 'X-Forwarded-Proto': 'https' }).expect(200);

      const plain = await loginResponse(t);
      expect(plain.name).toBe('tether.sid');
      expect(plain.attrs).not.toContain('secure');
    } finally {
      await t.close();
    }
  });

  it('ends a session past its absolute lifetime however active it is', async () => {
    const t = await startApp({ SESSION_IDLE_TIMEOUT: '1', SESSION_ABSOLUTE_TIMEOUT: '1' });
    try {
      const { pair } = await loginResponse(t);
      await request(t.url).get('/auth/me').set('Cookie', pair).expect(200);
      await vi.waitFor(() => request(t.url).get('/auth/me').set('Cookie', pair).expect(401), {
        timeout: 5000,
        interval: 100,
      });
    } finally {
      await t.close();
    }
  });
});
