import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import request from 'supertest';
import { describeWithBinary, requireBinary } from './helpers/binaries.js';
import { DEPLOY_DIR, freePort, renderNginxConfig, startNginx } from '../tools/processes.js';

type RunningNginx = Awaited<ReturnType<typeof startNginx>>;

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const deployFile = (name: string) => fileURLToPath(new URL(name, DEPLOY_DIR));
/** Socket.IO's pingInterval + pingTimeout: a proxy that cuts idle connections sooner breaks them. */
const HEARTBEAT_SECONDS = 25 + 20;

describe('proxy timeouts', () => {
  it.each([
    ['nginx.conf.template', /proxy_(?:read|send)_timeout\s+(\d+)s;/g],
    ['nginx.compose.conf', /proxy_(?:read|send)_timeout\s+(\d+)s;/g],
    ['haproxy.cfg', /^\s*timeout\s+(?:client|server)\s+(\d+)s$/gm],
  ])('%s keeps idle connections longer than the Socket.IO heartbeat', (file, pattern) => {
    const seconds = [...readFileSync(deployFile(file), 'utf8').matchAll(pattern)].map((m) => Number(m[1]));
    expect(seconds).toHaveLength(2);
    for (const s of seconds) expect(s).toBeGreaterThan(HEARTBEAT_SECONDS);
  });
});

describeWithBinary(requireBinary('docker-compose'), 'docker-compose.yml', ([compose]) => {
  const withSecret = { ...process.env, SESSION_SECRET: 'a'.repeat(48), JWT_SECRET: 'b'.repeat(48) };
  const withoutSecret = Object.fromEntries(
    Object.entries({ ...process.env, JWT_SECRET: 'b'.repeat(48) }).filter(([k]) => k !== 'SESSION_SECRET'),
  );

  it('is valid and runs MongoDB, three instances and nginx', async () => {
    await run(compose, ['config', '-q'], { cwd: root, env: withSecret });
    const { stdout } = await run(compose, ['config', '--services'], { cwd: root, env: withSecret });
    expect(stdout.trim().split('\n')).toEqual(
      expect.arrayContaining(['mongo', 'tether1', 'tether2', 'tether3', 'nginx']),
    );
  });

  it('refuses to start without SESSION_SECRET, naming it', async () => {
    await expect(run(compose, ['config', '-q'], { cwd: root, env: withoutSecret })).rejects.toMatchObject({
      stderr: expect.stringContaining('set SESSION_SECRET'),
    });
  });
});

describeWithBinary(requireBinary('nginx', '/usr/sbin/nginx'), 'nginx configuration', ([nginx]) => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-nginx-t-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  const check = (config: string, dir: string) =>
    run(nginx, ['-t', '-c', config, '-p', dir, '-e', join(dir, 'error.log')]);

  it('accepts the local-cluster template rendered with free ports into a temp dir', async () => {
    const dir = tempDir();
    const config = renderNginxConfig(dir, await freePort(), [await freePort(), await freePort()]);
    const { stderr } = await check(config, dir);
    expect(stderr).toContain('test is successful');
  });

  // `nginx -t` on the compose file as it stands would fail: nginx resolves upstream names at load
  // time and tether1..3 exist only inside the compose network. Everything else is checked by
  // pointing those names at this host and wrapping the file in the http block nginx's image has.
  it('accepts the compose configuration, its upstream names aside', async () => {
    const dir = tempDir();
    const body = readFileSync(deployFile('nginx.compose.conf'), 'utf8')
      .replace(/server tether\d:3000;/g, 'server 127.0.0.1:3000;')
      .replace(/listen 80;/, `listen 127.0.0.1:${await freePort()};`);
    const config = join(dir, 'nginx.conf');
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
      (t) => `${t}_temp_path ${dir}/${t};`,
    );
    writeFileSync(
      config,
      `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n${temp.join('\n')}\n${body}\n}\n`,
    );
    const { stderr } = await check(config, dir);
    expect(stderr).toContain('test is successful');
  });

  describe('running in front of two upstreams', () => {
    const upstreams: Server[] = [];
    let proxy: RunningNginx;

    const upstream = (name: string) =>
      createServer((req: IncomingMessage, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ name, headers: req.headers }));
      }).on('upgrade', (req, socket) => {
        socket.end(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Upstream: ${name}\r\n\r\n`,
        );
      });

    beforeAll(async () => {
      for (const name of ['a', 'b']) {
        const server = upstream(name);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        upstreams.push(server);
      }
      proxy = await startNginx(
        nginx,
        upstreams.map((s) => (s.address() as AddressInfo).port),
      );
    });

    afterAll(async () => {
      await proxy?.stop();
      for (const server of upstreams) await new Promise((resolve) => server.close(resolve));
    });

    const via = async (cookie?: string) => {
      const req = request(proxy.url).get('/socket.io/?EIO=4&transport=polling');
      const res = await (cookie ? req.set('Cookie', cookie) : req).expect(200);
      return res.body as { name: string; headers: Record<string, string> };
    };

    it('sends every request carrying one session cookie to the same instance', async () => {
      for (const cookie of ['tether.sid=s%3Aone.sig', 'theme=dark; __Host-tether.sid=s%3Aone.sig']) {
        const names = new Set<string>();
        for (let i = 0; i < 10; i++) names.add((await via(cookie)).name);
        expect(names.size).toBe(1);
      }
    });

    it('spreads different sessions over the instances', async () => {
      const names = new Set<string>();
      for (let i = 0; i < 32; i++) names.add((await via(`tether.sid=s%3Asession-${i}.sig`)).name);
      expect(names).toEqual(new Set(['a', 'b']));
    });

    it('forwards the original host, client address and protocol', async () => {
      const { headers } = await via();
      expect(headers.host).toBe(`127.0.0.1:${proxy.port}`);
      expect(headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(headers['x-forwarded-proto']).toBe('http');
    });

    it('passes WebSocket upgrades through', async () => {
      const res = await fetchUpgrade(proxy.port);
      expect(res).toMatch(/^HTTP\/1\.1 101 /);
      expect(res).toMatch(/X-Upstream: [ab]/);
    });
  });
});

describeWithBinary(requireBinary('haproxy', '/usr/sbin/haproxy'), 'haproxy.cfg', ([haproxy]) => {
  it('is valid, warning only that the compose service names do not resolve here', async () => {
    const { stdout, stderr } = await run(haproxy, ['-c', '-f', deployFile('haproxy.cfg')]);
    const output = `${stdout}\n${stderr}`;
    expect(output).toContain('Configuration file is valid');
    for (const line of output.split('\n').filter((l) => l.includes('[WARNING]'))) {
      expect(line).toMatch(/could not resolve address 'tether\d'/);
    }
  });
});

/** Sends a raw WebSocket upgrade request and resolves with the response head. */
async function fetchUpgrade(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
          'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
    });
    let head = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      head += chunk;
      if (head.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(head);
      }
    });
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no upgrade response within 10 s')));
  });
}
