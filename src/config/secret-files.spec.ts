import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, SECRET_ENV_NAMES } from './config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('secrets from <NAME>_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tether-secret-files-'));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('covers every credential variable, and no other', () => {
    expect(SECRET_ENV_NAMES).toEqual(
      expect.arrayContaining(['SESSION_SECRET', 'JWT_SECRET', 'MONGO_URL', 'REDIS_URL', 'API_KEY']),
    );
    expect(SECRET_ENV_NAMES).not.toContain('PORT');
  });

  it('reads each from its file, the trailing newline dropped', () => {
    const session = 's'.repeat(40);
    const jwt = 'j'.repeat(40);
    const config = loadConfig({
      SESSION_SECRET_FILE: file('session', `${session}\n`),
      JWT_SECRET_FILE: file('jwt', `${jwt}\r\n`),
      REDIS_URL_FILE: file('redis', 'redis://:pw@cache:6379\n'),
    });
    expect(config).toMatchObject({
      sessionSecret: session,
      jwtSecret: jwt,
      redisUrl: 'redis://:pw@cache:6379',
    });
  });

  it('validates a value from a file like one from the variable', () => {
    expect(problemsOf({ SESSION_SECRET_FILE: file('short', 'short\n') }).join()).toMatch(
      /SESSION_SECRET must be at least 32 characters/,
    );
  });

  it('refuses both the variable and its file, naming both', () => {
    expect(
      problemsOf({ JWT_SECRET: 'x'.repeat(40), JWT_SECRET_FILE: file('both', 'y'.repeat(40)) }),
    ).toContain('JWT_SECRET and JWT_SECRET_FILE are both set; set only one');
  });

  it('names the _FILE variable whose file cannot be read, and not its path', () => {
    const problems = problemsOf({ SESSION_SECRET_FILE: join(dir, 'missing') });
    expect(problems).toEqual(['SESSION_SECRET_FILE cannot be read (ENOENT)']);
  });

  it('ignores <NAME>_FILE for a variable that is not a secret', () => {
    expect(loadConfig({ PORT_FILE: file('port', '1234') }).port).toBe(3000);
  });
});
