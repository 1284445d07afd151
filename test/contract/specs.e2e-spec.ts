import { Parser } from '@asyncapi/parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import {
  PROTOCOL_VERSION,
  ROUTES,
  SESSION_COOKIE,
  SPEC_URLS,
  type HttpRoute,
} from '../../src/protocol/index.js';
import { specFiles } from '../../tools/specs/index.js';
import { newApiKey } from '../helpers/api.js';
import { loggedInAgent, startApp, type TestApp } from '../helpers/app.js';

const BUILT = fileURLToPath(new URL('../../dist/public/', import.meta.url));
const generated = specFiles();
const REBUILD = 'stale: run `npm run build` (the documents are generated from src/protocol/ at build time)';

describe('The published specifications', () => {
  it('are a valid OpenAPI 3.1 document for HTTP', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(generated['openapi.json']));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('are a valid AsyncAPI 3 document for /chat, with no diagnostics at all', async () => {
    const { document, diagnostics } = await new Parser().parse(generated['asyncapi.json']);
    expect(diagnostics.map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toMatch(/^3\./);
  });

  it('carry the protocol version', () => {
    for (const file of Object.values(generated)) {
      expect((JSON.parse(file) as { info: { version: string } }).info.version).toBe(PROTOCOL_VERSION);
    }
  });

  it('were built from the protocol as it is now', () => {
    for (const [name, text] of Object.entries(generated)) {
      const path = `${BUILT}${name}`;
      expect(existsSync(path), `${path} is missing: run \`npm run build\``).toBe(true);
      expect(readFileSync(path, 'utf8'), `dist/public/${name} is ${REBUILD}`).toBe(text);
    }
  });
});

describe('The running server', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The server API is served (and answers 401 rather than 404) only with a key configured.
    t = await startApp({ API_KEY: newApiKey() });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('serves both specifications as they are generated now', async () => {
    for (const [name, text] of Object.entries(generated)) {
      const res = await request(t.url)
        .get(`/${name}`)
        .expect(200)
        .expect('Content-Type', /application\/json/);
      expect(res.text, `the served /${name} is ${REBUILD}`).toBe(text);
    }
  });

  it('answers GET /protocol with its version and where the documents are', async () => {
    const res = await request(t.url).get('/protocol').expect(200);
    expect(res.body).toEqual({ version: PROTOCOL_VERSION, ...SPEC_URLS });
  });

  it('serves a docs page with no inline script or style, under its strict CSP', async () => {
    const res = await request(t.url)
      .get(SPEC_URLS.docs)
      .expect(200)
      .expect('Content-Type', /text\/html/);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/<style|\sstyle=/);
    expect(res.text).toMatch(/<script type="module"[^>]*src="\/assets\/docs-[\w-]+\.js"/);
  });

  it('serves exactly the HTTP routes of the protocol table, no more and no fewer', () => {
    const table = Object.values(ROUTES as Record<string, HttpRoute>).map((r) => `${r.method} ${r.path}`);
    expect(servedRoutes(t).sort()).toEqual(table.sort());
  });

  describe.each(Object.entries(ROUTES as Record<string, HttpRoute>))('%s', (_name, route) => {
    const path = route.path.replace(/\{\w+\}/g, 'general');
    const call = (agent: ReturnType<typeof request>) =>
      agent[route.method.toLowerCase() as 'get' | 'post'](path);

    if (route.auth === 'none') {
      it('needs no credential', async () => {
        const res = await call(request(t.url));
        expect(res.body.code).not.toBe('UNAUTHENTICATED');
      });
      return;
    }

    it('refuses a request without a credential with 401 UNAUTHENTICATED', async () => {
      const res = await call(request(t.url)).expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    if (route.auth === 'apiKey') {
      it('refuses a session cookie and a bearer token: only the API key will do', async () => {
        const { agent } = await loggedInAgent(t.url);
        const { accessToken } = (await agent.post('/auth/token').expect(201)).body as { accessToken: string };
        expect((await call(agent as unknown as ReturnType<typeof request>)).status).toBe(401);
        const res = await call(request(t.url)).set('Authorization', `Bearer ${accessToken}`);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('UNAUTHENTICATED');
      });
      return;
    }

    it(
      route.auth === 'session'
        ? 'refuses a bearer token: only the session cookie will do'
        : 'accepts a bearer token in place of the session cookie',
      async () => {
        const { agent } = await loggedInAgent(t.url);
        const { accessToken } = (await agent.post('/auth/token').expect(201)).body as { accessToken: string };
        const res = await call(request(t.url)).set('Authorization', `Bearer ${accessToken}`);
        if (route.auth === 'session') {
          expect(res.status).toBe(401);
          expect(res.body.code).toBe('UNAUTHENTICATED');
        } else {
          expect(res.status).not.toBe(401);
        }
      },
    );
  });

  it('names the session cookie as the protocol publishes it', async () => {
    const { cookie } = await loggedInAgent(t.url);
    expect(cookie.split('=')[0]).toBe(SESSION_COOKIE.name);
  });
});

/** The routes Nest registered on Express, as `METHOD /path/{param}`. */
function servedRoutes(t: TestApp): string[] {
  const express = t.app.getHttpAdapter().getInstance() as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  return express.router.stack.flatMap(({ route }) =>
    route
      ? Object.keys(route.methods)
          .filter((method) => method !== '_all')
          .map((method) => `${method.toUpperCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
      : [],
  );
}
