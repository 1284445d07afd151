import { ConfigError, loadConfig } from './config.js';

const SECRETS = { SESSION_SECRET: 's'.repeat(40), JWT_SECRET: 'j'.repeat(40) };

describe('the operations settings', () => {
  it('writes JSON logs in production and readable text elsewhere, unless LOG_FORMAT says', () => {
    expect(loadConfig({ NODE_ENV: 'production', ...SECRETS }).logFormat).toBe('json');
    expect(loadConfig({}).logFormat).toBe('text');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'production', ...SECRETS, LOG_FORMAT: 'text' }).logFormat).toBe('text');
  });

  it('logs at info by default and takes any pino level', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('never serves metrics on the public port', () => {
    expect(loadConfig({}).metricsPort).toBeUndefined();
    expect(loadConfig({ PORT: '3000', METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(() => loadConfig({ PORT: '3000', METRICS_PORT: '3000' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '3000', METRICS_PORT: '3000' })).toThrow(
      /METRICS_PORT must differ from PORT/,
    );
  });

  it('binds every interface unless HOST names one, and refuses what is no host name', () => {
    expect(loadConfig({}).host).toBeUndefined();
    expect(loadConfig({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    expect(() => loadConfig({ HOST: 'a host; rm -rf /' })).toThrow(
      /HOST must be a host name or an IP address/,
    );
  });
});
