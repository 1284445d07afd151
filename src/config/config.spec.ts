import { readFileSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ENV_NAMES, loadConfig } from './config.js';
import { listenAddress } from './listen-address.js';
import { resolveSecrets } from './secrets.js';

describe('loadConfig', () => {
  it('starts on embedded defaults with nothing set', () => {
    const config = loadConfig({}, '/srv/tether');
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      dataDir: '/srv/tether/data',
      allowedOrigins: [],
      trustProxy: false,
      dataStore: 'sqlite',
      sessionStore: 'file',
      ioAdapter: 'memory',
    });
  });

  it('lists every bad variable in one error without echoing values', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        ALLOWED_ORIGINS: 'https://ok.example,https://bad.example/path',
        TRUST_PROXY: 'sometimes',
        SESSION_IDLE_TIMEOUT: '0',
        IO_ADAPTER: 'carrier-pigeon',
        SESSION_SECRET: 'too-short-secret-value',
        API_KEY: 'too-short-api-key-value',
        REGISTRATION: 'invite-only',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'PORT',
      'ALLOWED_ORIGINS',
      'TRUST_PROXY',
      'SESSION_IDLE_TIMEOUT',
      'IO_ADAPTER',
      'SESSION_SECRET',
      'API_KEY',
      'REGISTRATION',
    ]) {
      expect(problems).toContain(name);
    }
    expect((error as Error).message).not.toContain('too-short-secret-value');
    expect((error as Error).message).not.toContain('too-short-api-key-value');
  });

  it('refuses production without SESSION_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /SESSION_SECRET is required when NODE_ENV=production/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(32) })).toThrow(
      /JWT_SECRET is required when NODE_ENV=production/,
    );
    expect(
      loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(32), JWT_SECRET: 'j'.repeat(32) }).env,
    ).toBe('production');
  });

  it('switches profiles from MONGO_URL and REDIS_URL, explicit overrides winning', () => {
    expect(loadConfig({ MONGO_URL: 'mongodb://db/tether' })).toMatchObject({
      dataStore: 'mongo',
      sessionStore: 'mongo',
      ioAdapter: 'mongo',
    });
    expect(loadConfig({ REDIS_URL: 'redis://cache:6379' })).toMatchObject({
      dataStore: 'sqlite',
      sessionStore: 'file',
      ioAdapter: 'redis',
    });
    expect(loadConfig({ REDIS_URL: 'redis://cache', SESSION_STORE: 'redis' }).sessionStore).toBe('redis');
    expect(() => loadConfig({ SESSION_STORE: 'redis' })).toThrow(/REDIS_URL is required/);
  });

  it('refuses a headers timeout longer than the request timeout, as Node would', () => {
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT: '40', HTTP_REQUEST_TIMEOUT: '30' })).toThrow(
      /HTTP_HEADERS_TIMEOUT must not be longer than HTTP_REQUEST_TIMEOUT/,
    );
    expect(loadConfig({ HTTP_HEADERS_TIMEOUT: '30', HTTP_REQUEST_TIMEOUT: '30' }).httpHeadersTimeoutSec).toBe(
      30,
    );
  });

  it('parses TRUST_PROXY like Express does', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
    ]);
  });
});

describe('resolveSecrets', () => {
  it('generates a development secret once, keeps it with mode 0600, and reuses it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-secret-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = resolveSecrets(config).sessionSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dataDir, 'session-secret')).mode & 0o777).toBe(0o600);
    expect(resolveSecrets(config).sessionSecret).toBe(first);
  });

  it('uses SESSION_SECRET when given and writes nothing', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-secret-'));
    const secret = 'x'.repeat(40);
    expect(resolveSecrets(loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: secret })).sessionSecret).toBe(
      secret,
    );
    expect(() => statSync(join(dataDir, 'session-secret'))).toThrow(/ENOENT/);
  });
});

describe('the configuration table in the README', () => {
  it('documents every variable the server reads', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const documented = new Set([...readme.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    expect(ENV_NAMES.filter((name) => !documented.has(name))).toEqual([]);
  });
});

describe('listenAddress, read before the configuration loads', () => {
  const PORTS = [undefined, '', '0', '80', '3000', '65535', '65536', '-1', '80.5', ' 80', '8e3', 'eighty'];
  const HOSTS = [
    undefined,
    '',
    '127.0.0.1',
    '0.0.0.0',
    '::',
    '::1',
    'chat.example',
    'a b',
    'x/y',
    'h'.repeat(254),
  ];

  const accepted = (env: NodeJS.ProcessEnv) => {
    try {
      return loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return undefined;
      throw error;
    }
  };

  it('names exactly the address loadConfig accepts, and nothing where loadConfig refuses', () => {
    for (const PORT of PORTS) {
      for (const HOST of HOSTS) {
        const env = { PORT, HOST };
        const config = accepted(env);
        const expected = config && { port: config.port, host: config.host };
        expect(listenAddress(env), `PORT=${PORT} HOST=${HOST}`).toEqual(expected);
      }
    }
  });
});
