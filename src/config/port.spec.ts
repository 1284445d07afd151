import { loadConfig } from './config.js';
import { portFrom } from './port.js';

describe('portFrom', () => {
  it('reads the port loadConfig reads, and nothing loadConfig would refuse', () => {
    for (const value of [undefined, '', '0', '8080', '65535']) {
      expect(portFrom({ PORT: value })).toBe(loadConfig({ PORT: value }).port);
    }
    for (const value of ['http', '-1', '65536', '80.5']) {
      expect(portFrom({ PORT: value })).toBeUndefined();
      expect(() => loadConfig({ PORT: value })).toThrow();
    }
  });
});
