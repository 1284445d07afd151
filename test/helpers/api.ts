import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { API_KEY_HEADER } from '../../src/protocol/limits.js';

/** A fresh server API key for a test app (`API_KEY`). */
export const newApiKey = () => randomBytes(32).toString('base64url');

/** Server API calls carrying `key`. */
export function apiClient(url: string, key: string) {
  return {
    post: (path: string, body?: object) => {
      const req = request(url).post(path).set(API_KEY_HEADER, key);
      return body === undefined ? req : req.send(body);
    },
    get: (path: string) => request(url).get(path).set(API_KEY_HEADER, key),
  };
}
