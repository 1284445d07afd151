import { judgeExistingIndex } from './mongo-indexes.js';

describe('judgeExistingIndex', () => {
  const unique = { key: { usernameLower: 1 }, name: 'username_ci', unique: true } as const;
  const ttl = { key: { expiresAt: 1 }, name: 'expiry_ttl', expireAfterSeconds: 0 } as const;

  it('keeps an index that differs only in name, saying so', () => {
    expect(judgeExistingIndex(unique, { name: 'usernameLower_1', unique: true })).toEqual({
      keep: true,
      differences: ['named usernameLower_1, not username_ci'],
    });
  });

  it('keeps an expiry index with another expiry, or none: the stores check dates themselves', () => {
    expect(judgeExistingIndex(ttl, { name: 'expiry_ttl', expireAfterSeconds: 3600 })).toEqual({
      keep: true,
      differences: ['expires documents after 3600 s, not 0 s'],
    });
    expect(judgeExistingIndex(ttl, { name: 'expiry_ttl' })).toEqual({
      keep: true,
      differences: ['expires nothing: expired documents stay until removed by hand'],
    });
  });

  it('keeps an identical index without a word', () => {
    expect(judgeExistingIndex(ttl, { name: 'expiry_ttl', expireAfterSeconds: 0 })).toEqual({
      keep: true,
      differences: [],
    });
  });

  it('refuses an index that lacks the uniqueness registrations and retries rely on', () => {
    expect(judgeExistingIndex(unique, { name: 'username_ci' })).toEqual({
      keep: false,
      reason: 'username_ci is not unique, and Tether needs it to be',
    });
  });
});
