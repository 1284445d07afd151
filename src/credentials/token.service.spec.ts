import { decodeJwt, jwtVerify } from 'jose';
import { hkdfSync } from 'node:crypto';
import { loadConfig } from '../config/config.js';
import { resolveSecrets } from '../config/secrets.js';
import { TokenService } from './token.service.js';

const SESSION_SECRET = 's'.repeat(40);
const subject = (sessionExpiresAt = Date.now() + 3_600_000) => ({
  userId: 'u1',
  epoch: 2,
  sessionHash: 'h'.repeat(32),
  sessionExpiresAt,
});
const service = (env: Record<string, string> = {}) => {
  const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET, DATA_DIR: '/nonexistent', ...env });
  return new TokenService(config, resolveSecrets(config));
};

describe('TokenService', () => {
  it('signs with a key derived from the session secret by HKDF when JWT_SECRET is unset', async () => {
    const { accessToken } = await service().issue(subject());
    const key = new Uint8Array(hkdfSync('sha256', SESSION_SECRET, '', 'tether-jwt', 32));
    const { payload, protectedHeader } = await jwtVerify(accessToken, key);
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: 'u1', epoch: 2, sid: 'h'.repeat(32) });
  });

  it('uses JWT_SECRET when set, so a token from the derived key is refused', async () => {
    const { accessToken } = await service().issue(subject());
    const withSecret = service({ JWT_SECRET: 'j'.repeat(40) });
    await expect(withSecret.verify(accessToken)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    const own = await withSecret.issue(subject());
    await expect(withSecret.verify(own.accessToken)).resolves.toMatchObject({ sub: 'u1' });
  });

  it('never outlives the issuing session', async () => {
    const sessionEnd = Date.now() + 60_000;
    const { accessToken, expiresIn } = await service().issue(subject(sessionEnd));
    expect(decodeJwt(accessToken).exp).toBe(Math.floor(sessionEnd / 1000));
    expect(expiresIn).toBeLessThanOrEqual(60);
  });
});
