import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { Ingress, type IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service, type IService } from 'kubernetes-models/v1/Service';
import request from 'supertest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { describeWithBinary, isCi, requireBinary } from './helpers/binaries.js';
import { DEPLOY_DIR, freePort, renderNginxConfig, startNginx } from '../tools/processes.js';
import { TETHER_METRICS } from '../src/observability/metrics.js';

type RunningNginx = Awaited<ReturnType<typeof startNginx>>;

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const deployFile = (name: string) => fileURLToPath(new URL(name, DEPLOY_DIR));
const rootFile = (name: string) => readFileSync(join(root, name), 'utf8');
/** Socket.IO's pingInterval + pingTimeout: a proxy that cuts idle connections sooner breaks them. */
const HEARTBEAT_SECONDS = 25 + 20;
const READINESS = '/health/ready';
const LIVENESS = '/health/live';

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

describe('runtime', () => {
  const ciRun = rootFile('.ci/run');
  const ltsMajor = Number(/^NODE_LTS_MAJOR=(\d+)$/m.exec(ciRun)?.[1]);
  // "tested on Node 20.20 and 24.x": each entry is a version prefix.
  const tested = /tested on Node ([\d.x]+) and ([\d.x]+)/.exec(rootFile('README.md'))?.slice(1) ?? [];
  const matchesTested = (version: string) =>
    tested.some((t) => `${version.replace(/^v/, '')}.`.startsWith(`${t.replace(/\.x$/, '')}.`));

  it('runs on a Node that package.json engines allows', () => {
    const min = /^>=(\d+)\.(\d+)$/.exec(
      (JSON.parse(rootFile('package.json')) as { engines: { node: string } }).engines.node,
    );
    expect(min).not.toBeNull();
    const [major, minor] = process.versions.node.split('.').map(Number);
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(Number(min![1]) * 1000 + Number(min![2]));
  });

  it('has the README name the LTS line CI installs, and the Dockerfile build on it', () => {
    expect(ltsMajor).toBeGreaterThanOrEqual(24);
    expect(tested).toHaveLength(2);
    expect(tested).toContain(`${ltsMajor}.x`);
    const bases = [...rootFile('Dockerfile').matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(bases).toEqual([`node:${ltsMajor}-bookworm`, `node:${ltsMajor}-bookworm-slim`]);
  });

  it("builds the image's addons against the same Node headers as CI, on the same major", () => {
    const ci = /^NODE_ADDON_HEADERS=(\S+)$/m.exec(ciRun)?.[1];
    const image = /^ARG NODE_ADDON_HEADERS=(\S+)$/m.exec(rootFile('Dockerfile'))?.[1];
    expect(ci).toMatch(/^\d+\.\d+\.\d+$/);
    expect(image).toBe(ci);
    expect(Number(ci!.split('.')[0])).toBe(ltsMajor);
  });

  // From Node 24.19 the headers' node::ObjectWrap CHECKs for a current environment in its
  // destructor, and better-sqlite3 12 aborts the process when V8 collects a statement (.ci/run).
  it('has better-sqlite3 compiled for this runtime against headers whose ObjectWrap cannot abort', () => {
    const gypi = readFileSync(join(root, 'node_modules/better-sqlite3/build/config.gypi'), 'utf8');
    const nodedir = /"nodedir": "([^"]+)"/.exec(gypi)?.[1];
    expect(nodedir).toBeDefined();
    const header = (file: string) => readFileSync(join(nodedir!, 'include/node', file), 'utf8');
    expect(header('node_version.h')).toMatch(
      new RegExp(`^#define NODE_MODULE_VERSION ${process.versions.modules}$`, 'm'),
    );
    expect(header('node_object_wrap.h')).not.toContain('RemoveEnvironmentCleanupHook');
  });

  // .ci/run names the binary it meant to run the suite on: a PATH that picked another Node fails here.
  it.runIf(isCi())('runs on CI on a version the README says is tested, the one .ci/run chose', () => {
    expect(matchesTested(process.version)).toBe(true);
    expect(process.env.CI_NODE_VERSION).toBe(process.version);
  });
});

describe('container health probe (deploy/docker/healthcheck.mjs)', () => {
  const probe = deployFile('docker/healthcheck.mjs');
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/hang') return; // accepts, never answers
      res.statusCode = req.url === LIVENESS || req.url === READINESS ? 200 : 503;
      res.end(JSON.stringify({ path: req.url }));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  const check = async (path: string | undefined, env: Record<string, string> = {}) => {
    const args = path === undefined ? [probe] : [probe, path];
    const started = Date.now();
    try {
      const { stdout } = await run(process.execPath, args, {
        env: { ...process.env, PORT: String(port), ...env },
        timeout: 10_000,
      });
      return { code: 0, stdout, ms: Date.now() - started };
    } catch (error) {
      const failed = error as { code: number; stdout: string };
      return { code: failed.code, stdout: failed.stdout, ms: Date.now() - started };
    }
  };

  it('passes on a 200 from the path given, and probes liveness when none is', async () => {
    await expect(check(READINESS)).resolves.toMatchObject({
      code: 0,
      stdout: expect.stringContaining(' 200'),
    });
    await expect(check(undefined)).resolves.toMatchObject({
      code: 0,
      stdout: expect.stringContaining(LIVENESS),
    });
  });

  it('fails on a 503, saying so', async () => {
    await expect(check('/draining')).resolves.toMatchObject({
      code: 1,
      stdout: expect.stringContaining(' 503'),
    });
  });

  it('fails within its timeout when the server accepts and never answers', async () => {
    const result = await check('/hang', { HEALTHCHECK_TIMEOUT_MS: '300' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('TimeoutError');
    expect(result.ms).toBeLessThan(5_000);
  });

  it('fails when nothing listens on the port', async () => {
    const closed = await freePort();
    const result = await check(LIVENESS, { PORT: String(closed) });
    expect(result).toMatchObject({ code: 1, stdout: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('Dockerfile', () => {
  const dockerfile = rootFile('Dockerfile');

  it('checks liveness with the probe script copied into the image, without curl', () => {
    expect(dockerfile).toMatch(
      /^HEALTHCHECK .*\\\n\s+CMD \["node", "healthcheck\.mjs", "\/health\/live"\]$/m,
    );
    expect(dockerfile).not.toMatch(/curl|wget/);
    expect(dockerfile).toMatch(/^COPY deploy\/docker\/healthcheck\.mjs \.\/healthcheck\.mjs$/m);
    // .dockerignore leaves deploy/ out of the build context, all but the probe.
    expect(rootFile('.dockerignore').split('\n')).toEqual(
      expect.arrayContaining(['deploy', '!deploy/docker/healthcheck.mjs']),
    );
  });

  it('runs as a numeric non-root user and binds every interface', () => {
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/HOST=0\.0\.0\.0/);
  });
});

describe('compose secrets (deploy/secrets/create.sh)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tether-secrets-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates random secrets once, without a trailing newline, never group- or world-writable', async () => {
    await run('sh', [deployFile('secrets/create.sh'), dir]);
    const read = () => ['session_secret', 'jwt_secret'].map((name) => readFileSync(join(dir, name), 'utf8'));
    const [session, jwt] = read();
    for (const secret of [session, jwt]) expect(secret).toMatch(/^[A-Za-z0-9+/]{64}$/);
    expect(session).not.toBe(jwt);
    for (const name of ['session_secret', 'jwt_secret']) {
      expect(statSync(join(dir, name)).mode & 0o022).toBe(0);
    }
    // A second run must not log everyone out by replacing the session secret.
    await run('sh', [deployFile('secrets/create.sh'), dir]);
    expect(read()).toEqual([session, jwt]);
  });
});

interface ComposeService {
  profiles?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  secrets?: { source: string }[];
  volumes?: ({ source?: string } | string)[];
}

describeWithBinary(requireBinary('docker-compose'), 'docker-compose.yml', ([compose]) => {
  let services: Record<string, ComposeService>;
  let secretFiles: Record<string, { file: string }>;
  const tetherNames = () => Object.keys(services).filter((name) => /^tether\d+$/.test(name));
  // Bind mounts' host paths, absolute once resolved; docker-compose v1 prints the short syntax.
  const hostSources = (service: ComposeService) =>
    (service.volumes ?? [])
      .map((v) => (typeof v === 'string' ? v.split(':')[0] : v.source))
      .filter((source): source is string => !!source?.startsWith('/'));

  beforeAll(async () => {
    // Every profile, so HAProxy, Prometheus and Grafana are resolved and checked too.
    const profiles = ['--profile', 'haproxy', '--profile', 'monitoring'];
    const { stdout } = await run(compose, [...profiles, 'config'], { cwd: root });
    const config = parseYaml(stdout) as {
      services: Record<string, ComposeService>;
      secrets: Record<string, { file: string }>;
    };
    services = config.services;
    secretFiles = config.secrets;
  });

  it('runs MongoDB, Redis, three instances and nginx, HAProxy and monitoring in profiles', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['grafana', 'haproxy', 'mongo', 'nginx', 'prometheus', 'redis', 'tether1', 'tether2', 'tether3'].sort(),
    );
    expect(services.haproxy.profiles).toEqual(['haproxy']);
    expect(services.prometheus.profiles).toEqual(['monitoring']);
    expect(services.grafana.profiles).toEqual(['monitoring']);
    for (const name of ['mongo', 'redis', 'nginx', ...tetherNames()])
      expect(services[name].profiles).toBeUndefined();
  });

  it('checks every instance for readiness, and starts it once MongoDB and Redis are healthy', () => {
    for (const name of tetherNames()) {
      expect(services[name].healthcheck?.test).toEqual(['CMD', 'node', 'healthcheck.mjs', READINESS]);
      expect(services[name].depends_on).toEqual({
        mongo: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
    for (const name of ['mongo', 'redis']) expect(services[name].healthcheck?.test.length).toBeGreaterThan(1);
  });

  it('starts each proxy only once every instance is healthy', () => {
    const healthy = Object.fromEntries(tetherNames().map((name) => [name, { condition: 'service_healthy' }]));
    expect(services.nginx.depends_on).toEqual(healthy);
    expect(services.haproxy.depends_on).toEqual(healthy);
  });

  it('shares one Redis for rate limits and keeps MongoDB for data, sessions and the adapter', () => {
    for (const name of tetherNames()) {
      const env = services[name].environment!;
      expect(new URL(env.REDIS_URL).hostname).toBe('redis');
      expect(new URL(env.MONGO_URL).hostname).toBe('mongo');
      expect([env.DATA_STORE, env.SESSION_STORE, env.IO_ADAPTER]).toEqual(['mongo', 'mongo', 'mongo']);
      expect(env.HOST).toBe('0.0.0.0');
      expect(env.INSTANCE_ID).toBe(name);
    }
  });

  it('reads the secrets from docker secrets files, never from the environment', () => {
    for (const name of tetherNames()) {
      const { environment: env = {}, secrets = [] } = services[name];
      for (const variable of ['SESSION_SECRET', 'JWT_SECRET', 'API_KEY'])
        expect(env).not.toHaveProperty(variable);
      const mounted = secrets.map((s) => `/run/secrets/${s.source}`);
      expect([env.SESSION_SECRET_FILE, env.JWT_SECRET_FILE]).toEqual(mounted);
    }
    for (const { file } of Object.values(secretFiles)) {
      expect(file.startsWith(resolvePath(root, 'deploy/secrets') + '/')).toBe(true);
    }
  });

  it('has Prometheus scrape every instance on its METRICS_PORT, keeping its instance label', () => {
    const source = hostSources(services.prometheus).find((s) => s.endsWith('/prometheus.yml'));
    const scrape = parseYaml(readFileSync(source!, 'utf8')) as {
      scrape_configs: { honor_labels?: boolean; static_configs: { targets: string[] }[] }[];
    };
    const [job] = scrape.scrape_configs;
    expect(job.honor_labels).toBe(true);
    expect(job.static_configs.flatMap((c) => c.targets).sort()).toEqual(
      tetherNames().map((name) => `${name}:${services[name].environment!.METRICS_PORT}`),
    );
  });

  it('mounts only files and directories that exist', () => {
    const sources = Object.values(services).flatMap(hostSources);
    expect(sources.length).toBeGreaterThanOrEqual(5);
    for (const source of sources) expect(existsSync(source), source).toBe(true);
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

  it('sends users only to ready instances', () => {
    const config = readFileSync(deployFile('haproxy.cfg'), 'utf8');
    expect(config).toMatch(new RegExp(`^\\s*option httpchk GET ${READINESS}$`, 'm'));
    expect(config).toMatch(/^\s*http-check expect status 200$/m);
  });
});

/**
 * The metrics Tether exports (`TETHER_METRICS`) and the prom-client defaults the dashboard uses, each
 * with the labels it carries besides `instance`.
 * Histograms also export `_bucket` (label `le`), `_sum` and `_count`.
 */
const METRICS: Record<string, { labels: string[]; histogram?: boolean }> = {
  ...Object.fromEntries(
    Object.values(TETHER_METRICS).map((m) => [
      m.name,
      { labels: [...m.labels], histogram: m.type === 'histogram' },
    ]),
  ),
  nodejs_eventloop_lag_seconds: { labels: [] },
  nodejs_heap_size_used_bytes: { labels: [] },
  process_cpu_seconds_total: { labels: [] },
  nodejs_gc_duration_seconds: { labels: ['kind'], histogram: true },
};
const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool']);
const PROMQL_OPERATORS = new Set(['and', 'or', 'unless', 'offset']);

/** Metric names an expression selects: identifiers that are not functions, keywords or labels. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*\()/g)]
    .map((m) => m[1])
    .filter((word) => !PROMQL_KEYWORDS.has(word) && !PROMQL_OPERATORS.has(word));
}

/** Label names an expression groups by or matches on. */
function labelNames(expr: string): string[] {
  const grouped = [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) => m[1].split(','));
  const matched = [...expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) =>
    [...m[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]),
  );
  return [...grouped, ...matched].map((l) => l.trim()).filter(Boolean);
}

describe('Grafana dashboard (deploy/grafana/dashboards/tether.json)', () => {
  interface Panel {
    type: string;
    title: string;
    datasource?: { uid: string };
    targets?: { expr: string; legendFormat?: string }[];
    panels?: Panel[];
  }
  const dashboard = JSON.parse(readFileSync(deployFile('grafana/dashboards/tether.json'), 'utf8')) as {
    uid: string;
    panels: Panel[];
    templating: { list: { name: string; type: string; query: string | { query: string } }[] };
  };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
  const variableQueries = dashboard.templating.list
    .filter((v) => v.type === 'query')
    .map((v) =>
      (typeof v.query === 'string' ? v.query : v.query.query).replace(/^label_values\((.*),\s*\w+\)$/, '$1'),
    );
  const exprs = [...panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)), ...variableQueries];
  const series = (name: string) =>
    METRICS[name]?.histogram ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
  const known = new Set(Object.keys(METRICS).flatMap(series));

  it('has panels that all query through the data source variable', () => {
    expect(panels.length).toBeGreaterThanOrEqual(10);
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it('references only the metrics Tether exports, and every one of them', () => {
    const used = new Set(exprs.flatMap(metricNames));
    expect([...used].filter((name) => !known.has(name))).toEqual([]);
    for (const name of Object.keys(METRICS)) {
      expect(
        series(name).some((s) => used.has(s)),
        name,
      ).toBe(true);
    }
  });

  it('groups and filters only by labels those metrics carry', () => {
    const labels = new Set(['instance', 'le', ...Object.values(METRICS).flatMap((m) => m.labels)]);
    const used = [
      ...exprs.flatMap(labelNames),
      ...panels.flatMap((p) =>
        (p.targets ?? []).flatMap((t) =>
          [...(t.legendFormat ?? '').matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]),
        ),
      ),
    ];
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((label) => !labels.has(label))).toEqual([]);
  });

  it('reads PromQL the way the checks above assume', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, event) (rate(tether_ack_duration_seconds_bucket{instance=~"$i"}[5m])))',
      ),
    ).toEqual(['tether_ack_duration_seconds_bucket']);
    expect(metricNames('sum(rate(a_total[1m])) / on (instance) b')).toEqual(['a_total', 'b']);
    expect(labelNames('sum by (instance, kind) (x{job="t", le!=""})')).toEqual([
      'instance',
      'kind',
      'job',
      'le',
    ]);
  });
});

/** The kinds deploy/k8s may hold, each with the Kubernetes schema validator for it. */
const K8S_MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
}

function validateK8s(objects: K8sObject[]): void {
  for (const object of objects) {
    const Model = K8S_MODELS[`${object.apiVersion}/${object.kind}`];
    if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}: add it to K8S_MODELS`);
    new Model(object as never).validate();
  }
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  const k8sDir = deployFile('k8s/');
  const kustomization = parseYaml(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
  };
  const objects = kustomization.resources.flatMap((file) =>
    parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8')).map((doc) => doc.toJS() as K8sObject),
  );
  const one = <T>(kind: string) => {
    const found = objects.filter((o) => o.kind === kind);
    if (found.length !== 1) throw new Error(`deploy/k8s has ${found.length} ${kind} objects, not one`);
    return found[0] as unknown as T;
  };
  const deployment = one<IDeployment>('Deployment');
  const config = one<IConfigMap>('ConfigMap');
  const service = one<IService>('Service');
  const ingress = one<IIngress>('Ingress');
  const pod = deployment.spec!.template.spec!;
  const [container] = pod.containers;
  const podLabels = deployment.spec!.template.metadata!.labels!;

  it('validates every resource of the kustomization against the Kubernetes schemas', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'Ingress', 'PodDisruptionBudget', 'Service'].sort(),
    );
    expect(() => validateK8s(objects)).not.toThrow();
  });

  it('has a validator that rejects a malformed Deployment', () => {
    const broken = structuredClone(deployment) as unknown as { spec: { replicas: unknown } };
    broken.spec.replicas = 'three';
    expect(() => validateK8s([broken as unknown as K8sObject])).toThrow(/replicas must be integer/);
  });

  it('runs three replicas, probing liveness, readiness and startup on the http port', () => {
    expect(deployment.spec!.replicas).toBe(3);
    expect(deployment.spec!.selector.matchLabels).toEqual(podLabels);
    const http = container.ports!.find((p) => p.name === 'http')!;
    expect(String(http.containerPort)).toBe(config.data!.PORT);
    expect(container.livenessProbe?.httpGet).toEqual({ path: LIVENESS, port: 'http' });
    expect(container.readinessProbe?.httpGet).toEqual({ path: READINESS, port: 'http' });
    expect(container.startupProbe?.httpGet).toEqual({ path: LIVENESS, port: 'http' });
    expect(config.data!.HOST).toBe('0.0.0.0');
  });

  it('pauses before SIGTERM and gives the drain more time than SHUTDOWN_TIMEOUT plus the pause', () => {
    const command = container.lifecycle?.preStop?.exec?.command ?? [];
    expect(command.slice(0, 1)).toEqual(['sleep']);
    const pause = Number(command[1]);
    expect(pause).toBeGreaterThan(0);
    const shutdownTimeout = Number(config.data!.SHUTDOWN_TIMEOUT);
    expect(shutdownTimeout).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(shutdownTimeout + pause);
  });

  it('requests resources and runs non-root on a read-only root filesystem, DATA_DIR on a volume', () => {
    expect(Object.keys(container.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    const dataMount = container.volumeMounts!.find((m) => m.mountPath === config.data!.DATA_DIR);
    const dataVolume = pod.volumes!.find((v) => v.name === dataMount?.name);
    expect(dataVolume?.emptyDir ?? dataVolume?.persistentVolumeClaim).toBeDefined();
  });

  it('takes its settings from the ConfigMap and its secrets from files of a mounted Secret', () => {
    expect(container.envFrom).toEqual([{ configMapRef: { name: config.metadata!.name } }]);
    const env = Object.fromEntries(container.env!.map((e) => [e.name, e]));
    for (const variable of ['SESSION_SECRET', 'JWT_SECRET']) {
      expect(env).not.toHaveProperty(variable);
      expect(config.data).not.toHaveProperty(variable);
      const file = env[`${variable}_FILE`].value!;
      const mount = container.volumeMounts!.find((m) => file.startsWith(`${m.mountPath}/`))!;
      const secret = pod.volumes!.find((v) => v.name === mount.name)!.secret!;
      expect(secret.items!.map((i) => `${mount.mountPath}/${i.path}`)).toContain(file);
      expect(secret.defaultMode! & 0o077).toBe(0o040);
    }
  });

  it('serves the Service from the pods by port name, and the Ingress from the Service', () => {
    expect(service.spec!.selector).toEqual(podLabels);
    const portNames = container.ports!.map((p) => p.name);
    for (const port of service.spec!.ports!) expect(portNames).toContain(port.targetPort);
    const backend = ingress.spec!.rules![0].http!.paths[0].backend.service!;
    expect(backend.name).toBe(service.metadata!.name);
    expect(service.spec!.ports!.map((p) => p.name)).toContain(backend.port!.name);
    const metrics = container.ports!.find((p) => p.name === 'metrics')!;
    expect(String(metrics.containerPort)).toBe(config.data!.METRICS_PORT);
  });

  it('pins a client to one pod with a cookie and outlasts the Socket.IO heartbeat', () => {
    const annotations = ingress.metadata!.annotations!;
    expect(ingress.spec!.ingressClassName).toBe('nginx');
    expect(annotations['nginx.ingress.kubernetes.io/affinity']).toBe('cookie');
    for (const timeout of ['proxy-read-timeout', 'proxy-send-timeout']) {
      expect(Number(annotations[`nginx.ingress.kubernetes.io/${timeout}`])).toBeGreaterThan(
        HEARTBEAT_SECONDS,
      );
    }
  });

  it('keeps a disruption budget over the same pods', () => {
    const budget = one<{ spec: { selector: { matchLabels: unknown }; maxUnavailable: number } }>(
      'PodDisruptionBudget',
    );
    expect(budget.spec.selector.matchLabels).toEqual(podLabels);
    expect(budget.spec.maxUnavailable).toBeLessThan(deployment.spec!.replicas!);
  });
});

describeWithBinary(requireBinary('kubectl'), 'kustomization (kubectl kustomize)', ([kubectl]) => {
  it('builds, with the image set, into resources that pass the Kubernetes schemas', async () => {
    const { stdout } = await run(kubectl, ['kustomize', deployFile('k8s/')]);
    const built = parseAllDocuments(stdout).map((doc) => doc.toJS() as K8sObject);
    expect(built.map((o) => o.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'Ingress', 'PodDisruptionBudget', 'Service'].sort(),
    );
    validateK8s(built);
    const deployment = built.find((o) => o.kind === 'Deployment') as unknown as IDeployment;
    expect(deployment.spec!.template.spec!.containers[0].image).toMatch(/^[^:]+\/tether:[\w.-]+$/);
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
