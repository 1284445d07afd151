/**
 * Tether benchmark harness: `npm run bench` (builds first), or `node bench/run.mjs [options]`.
 *
 *   --rounds R     interleaved rounds (default 8: even, so each server goes first equally often)
 *   --pairs N      sender/receiver pairs, all in one room (default 10)
 *   --messages M   messages per message run, spread over the N senders (default 10000)
 *   --sockets K    sockets opened one after another per handshake run (default 200)
 *   --out DIR      where <timestamp>.json and <timestamp>.md go (default bench/results)
 *   --smoke        1 round, tiny sizes: checks the harness works, measures nothing useful
 *
 * Every figure is a ratio Tether / baseline, where the baseline is a bare Socket.IO server
 * (bench/baseline-server.mjs) measured in the same run by the same client code. The machines this
 * runs on are shared, have 2 cores and are noisy, so absolute numbers mean little from one run to
 * the next; a ratio taken minutes apart on the same machine means much more. See the README section
 * "Benchmarks" for how to read the output.
 *
 * Both servers run as child processes so that neither shares this process's event loop, which is
 * busy being 2N clients. Only one of them is under load at any time: the other sits idle.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, arch, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { freePort, startService } from '../tools/processes.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TETHER_MAIN = join(ROOT, 'dist/main.js');
const BASELINE_MAIN = join(ROOT, 'bench/baseline-server.mjs');
const ROOM_ID = 'general'; // Tether's built-in public room; the baseline accepts any id.
const PASSWORD = 'bench password, long enough';
const ACK_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 10_000;
// After each run the server gets a moment to finish closing the run's sockets (presence, session
// bookkeeping) so that work does not leak into the next timed run, which shares the two cores.
const SETTLE_MS = 300;

// About a minute on 2 cores. Runs much shorter than a second are dominated by the odd stall.
const DEFAULTS = { rounds: 8, pairs: 10, messages: 10000, sockets: 200 };
const SMOKE = { rounds: 1, pairs: 2, messages: 40, sockets: 5 };

// ---------------------------------------------------------------------------------------------
// Options

/** A bad command line: reported without a stack trace. */
class UsageError extends Error {}

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      rounds: { type: 'string' },
      pairs: { type: 'string' },
      messages: { type: 'string' },
      sockets: { type: 'string' },
      out: { type: 'string' },
      smoke: { type: 'boolean', default: false },
    },
  });
  const base = values.smoke ? SMOKE : DEFAULTS;
  const int = (name) => {
    if (values[name] === undefined) return base[name];
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number >= 1`);
    return n;
  };
  const options = {
    smoke: values.smoke,
    rounds: int('rounds'),
    pairs: int('pairs'),
    messages: int('messages'),
    sockets: int('sockets'),
    out: values.out ?? join(ROOT, 'bench/results'),
  };
  if (options.messages < options.pairs) throw new UsageError('--messages must be at least --pairs');
  return options;
}

// ---------------------------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile of an unsorted sample. */
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const median = (values) => percentile(values, 50);
/** 4 significant digits: enough for figures this noisy, and readable in the JSON. */
const sig4 = (x) => Number(x.toPrecision(4));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * CPU time in ms that process `pid` has used so far, summed over its threads (nanosecond
 * `schedstat`, not the 10 ms ticks of `/proc/<pid>/stat`); null where there is no /proc.
 * Server CPU per unit of work is the least noisy figure here: a neighbour stealing the core makes
 * a run slower, but barely changes how much CPU the server itself spent on it.
 */
function cpuTimeMs(pid) {
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let ns = 0;
  for (const task of tasks) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return ns / 1e6;
}

/** Per-unit CPU of `pid` between two `cpuTimeMs` readings, or null if it cannot be measured. */
function cpuPer(before, after, units) {
  return before === null || after === null || after <= before ? null : (after - before) / units;
}

/** This process's CPU time in ms (all threads). */
function ownCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Servers under test

/** The environment of a child, without anything that would switch Tether off its embedded profile. */
function cleanEnv() {
  const env = { ...process.env };
  for (const name of [
    'MONGO_URL',
    'REDIS_URL',
    'DATA_STORE',
    'SESSION_STORE',
    'IO_ADAPTER',
    'ALLOWED_ORIGINS',
    'TRUST_PROXY',
  ])
    delete env[name];
  return env;
}

async function startBaseline() {
  const port = await freePort();
  const service = await startService(process.execPath, [BASELINE_MAIN], port, {
    env: { ...cleanEnv(), PORT: String(port) },
  });
  return {
    name: 'baseline',
    url: `http://127.0.0.1:${port}`,
    pid: service.process.pid,
    // No users, no sessions: every client connects without a cookie.
    clientCookies: async (count) => Array.from({ length: count }, () => undefined),
    login: null,
    stop: () => service.stop('SIGKILL'),
  };
}

/** The built server on the embedded profile (SQLite + file sessions in a temp DATA_DIR). */
async function startTether() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-bench-'));
  const service = await startService(process.execPath, [TETHER_MAIN], port, {
    env: {
      ...cleanEnv(),
      NODE_ENV: 'development',
      PORT: String(port),
      DATA_DIR: dataDir,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      // The per-user message limiter, the connection caps and the per-IP registration limiter
      // would otherwise refuse most of the load: one user, one address.
      MESSAGE_RATE_LIMIT: '100000',
      HANDSHAKE_RATE_LIMIT: '1000000',
      SOCKET_MAX_PER_USER: '1000000',
      REGISTER_RATE_LIMIT: '100000',
    },
    timeoutMs: 30_000,
  }).catch((error) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const url = `http://127.0.0.1:${port}`;
  // Users are registered once per process (argon2 is deliberately slow; that is not what is
  // measured here) and their sessions reused by every message run.
  const cookies = [];
  const handshakeUser = 'bench_handshake';
  const stop = async () => {
    await service.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  await register(url, handshakeUser).catch(async (error) => {
    await stop();
    throw error;
  });
  return {
    name: 'tether',
    url,
    pid: service.process.pid,
    clientCookies: async (count) => {
      while (cookies.length < count) {
        const username = `bench_${cookies.length + 1}`;
        await register(url, username);
        cookies.push(await login(url, username));
      }
      return cookies.slice(0, count);
    },
    login: () => login(url, handshakeUser),
    stop,
  };
}

async function register(url, username) {
  const res = await postJson(`${url}/auth/register`, { username, password: PASSWORD });
  if (res.status !== 201) throw new Error(`register ${username}: HTTP ${res.status} ${await res.text()}`);
}

/** Logs in and returns the `tether.sid=...` cookie pair. */
async function login(url, username) {
  const res = await postJson(`${url}/auth/login`, { username, password: PASSWORD });
  if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tether.sid='));
  if (!cookie) throw new Error(`login ${username}: no session cookie`);
  return cookie.split(';')[0];
}

function postJson(url, body) {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

// ---------------------------------------------------------------------------------------------
// Client harness: identical for both servers, only the URL and cookie differ.

function chatClient(url, cookie) {
  return io(`${url}/chat`, {
    autoConnect: false,
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    extraHeaders: cookie ? { Cookie: cookie } : {},
  });
}

function connect(socket) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out connecting')), CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.connect();
  });
}

async function emitOk(socket, event, payload) {
  const response = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
  if (!response?.ok) throw new Error(`${event} refused: ${JSON.stringify(response?.error ?? response)}`);
  return response;
}

let runCounter = 0;

/**
 * 2N clients join one room; each of the N senders sends its share of `messages` one after another
 * (closed loop: the next only after the ack), so N messages are in flight at most. The paired
 * receiver of each sender timestamps its `message:new`. Everyone else in the room receives it too,
 * as real room members would.
 */
async function messageRun(target, { pairs, messages }) {
  const cookies = await target.clientCookies(2 * pairs);
  const sockets = cookies.map((cookie) => chatClient(target.url, cookie));
  try {
    await Promise.all(sockets.map(connect));
    for (const socket of sockets) await emitOk(socket, 'room:join', { roomId: ROOM_ID });
    const senders = sockets.slice(0, pairs);
    const receivers = sockets.slice(pairs);

    // clientMsgId -> { pair, sentAt, timed } until its paired receiver has it; `onAllDelivered`
    // is the current phase's waiter.
    const inFlight = new Map();
    let expected = 0;
    let delivered = 0;
    let lastDeliveryAt = 0;
    let onAllDelivered = () => {};
    const deliveryLatencies = [];
    receivers.forEach((socket, pair) =>
      socket.on('message:new', (message) => {
        const sent = inFlight.get(message.clientMsgId);
        if (!sent || sent.pair !== pair) return;
        const now = performance.now();
        inFlight.delete(message.clientMsgId);
        if (sent.timed) deliveryLatencies.push(now - sent.sentAt);
        delivered += 1;
        lastDeliveryAt = now;
        if (delivered === expected) onAllDelivered();
      }),
    );

    const runId = `${process.pid}-${++runCounter}`;
    const ackLatencies = [];
    const phase = async (perSender, timed) => {
      expected += perSender.reduce((a, b) => a + b, 0);
      const allDelivered = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for deliveries')), 60_000);
        onAllDelivered = () => {
          clearTimeout(timer);
          resolve();
        };
        if (delivered === expected) onAllDelivered();
      });
      const serverCpuBefore = cpuTimeMs(target.pid);
      const clientCpuBefore = ownCpuMs();
      const start = performance.now();
      await Promise.all(
        senders.map(async (socket, pair) => {
          for (let i = 0; i < perSender[pair]; i++) {
            const clientMsgId = `${runId}-${timed ? 'm' : 'w'}-${pair}-${i}`;
            const sentAt = performance.now();
            inFlight.set(clientMsgId, { pair, sentAt, timed });
            await emitOk(socket, 'message:send', {
              roomId: ROOM_ID,
              text: `message ${i} of pair ${pair}`,
              clientMsgId,
            });
            if (timed) ackLatencies.push(performance.now() - sentAt);
          }
        }),
      );
      const lastAckAt = performance.now();
      await allDelivered;
      const elapsedMs = Math.max(lastAckAt, lastDeliveryAt) - start;
      return {
        elapsedMs,
        serverCpuMs: cpuPer(serverCpuBefore, cpuTimeMs(target.pid), 1),
        clientCpuShare: (ownCpuMs() - clientCpuBefore) / elapsedMs,
      };
    };

    // Warm-up (untimed): room join broadcasts settle, JIT warms the send path.
    await phase(spread(Math.max(pairs, Math.ceil(messages / 10)), pairs), false);
    const { elapsedMs, serverCpuMs, clientCpuShare } = await phase(spread(messages, pairs), true);
    return {
      ackP50Ms: percentile(ackLatencies, 50),
      ackP95Ms: percentile(ackLatencies, 95),
      deliveryP50Ms: percentile(deliveryLatencies, 50),
      deliveryP95Ms: percentile(deliveryLatencies, 95),
      throughputPerSec: messages / (elapsedMs / 1000),
      serverCpuMsPerMessage: serverCpuMs === null ? null : serverCpuMs / messages,
      elapsedMs,
      // Share of one core this harness used: near 1 means the client, not the server, set the pace.
      clientCpuShare,
    };
  } finally {
    for (const socket of sockets) socket.close();
    await sleep(SETTLE_MS);
  }
}

/** `total` split over `parts` as evenly as possible. */
function spread(total, parts) {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/**
 * What a user pays to come online: Tether logs in once (password check, new session), then opens
 * K sockets one after another, each handshake reading that session through the session middleware
 * and passport. The baseline just opens K sockets.
 */
async function handshakeRun(target, { sockets: count }) {
  const sockets = [];
  try {
    const start = performance.now();
    const cookie = target.login ? await target.login() : undefined;
    const loggedInAt = performance.now();
    const serverCpuBefore = cpuTimeMs(target.pid);
    const connectLatencies = [];
    for (let i = 0; i < count; i++) {
      const socket = chatClient(target.url, cookie);
      sockets.push(socket);
      const t = performance.now();
      await connect(socket);
      connectLatencies.push(performance.now() - t);
    }
    const end = performance.now();
    const serverCpuMsPerSocket = cpuPer(serverCpuBefore, cpuTimeMs(target.pid), count);
    return {
      totalMs: end - start,
      socketsMs: end - loggedInAt,
      connectP50Ms: percentile(connectLatencies, 50),
      connectP95Ms: percentile(connectLatencies, 95),
      serverCpuMsPerSocket,
      ...(target.login ? { loginMs: loggedInAt - start } : {}),
    };
  } finally {
    for (const socket of sockets) socket.close();
    await sleep(SETTLE_MS);
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const METRICS = {
  messages: {
    ackP50Ms: { label: 'message ack latency p50', better: 'lower', unit: 'ms' },
    ackP95Ms: { label: 'message ack latency p95', better: 'lower', unit: 'ms' },
    deliveryP50Ms: { label: 'delivery latency p50', better: 'lower', unit: 'ms' },
    deliveryP95Ms: { label: 'delivery latency p95', better: 'lower', unit: 'ms' },
    throughputPerSec: { label: 'throughput (higher is better)', better: 'higher', unit: 'msg/s' },
    serverCpuMsPerMessage: { label: 'server CPU per message', better: 'lower', unit: 'ms' },
  },
  handshake: {
    totalMs: { label: 'come online: login + K sockets', better: 'lower', unit: 'ms' },
    socketsMs: { label: 'K sockets, sequential', better: 'lower', unit: 'ms' },
    connectP50Ms: { label: 'socket connect p50', better: 'lower', unit: 'ms' },
    connectP95Ms: { label: 'socket connect p95', better: 'lower', unit: 'ms' },
    serverCpuMsPerSocket: { label: 'server CPU per socket handshake', better: 'lower', unit: 'ms' },
  },
};

/**
 * Ratios are taken within each round (Tether and baseline measured a few seconds apart, under
 * the same background load) and the median over rounds is reported. The median, unlike the mean,
 * shrugs off the odd round in which a neighbour on this shared machine stole the CPU.
 */
function summarize(rounds) {
  const summary = {};
  for (const [group, metrics] of Object.entries(METRICS)) {
    summary[group] = {};
    for (const name of Object.keys(metrics)) {
      // CPU figures are null where /proc is missing; such rounds do not count.
      const measured = rounds.filter(
        (r) => r.baseline[group][name] !== null && r.tether[group][name] !== null,
      );
      const baseline = measured.map((r) => r.baseline[group][name]);
      const tether = measured.map((r) => r.tether[group][name]);
      const ratios = measured.map((_, i) => tether[i] / baseline[i]);
      if (measured.length === 0) {
        summary[group][name] = { ratio: null, ratioMin: null, ratioMax: null, tether: null, baseline: null };
        continue;
      }
      summary[group][name] = {
        ratio: sig4(median(ratios)),
        ratioMin: sig4(Math.min(...ratios)),
        ratioMax: sig4(Math.max(...ratios)),
        tether: sig4(median(tether)),
        baseline: sig4(median(baseline)),
      };
    }
  }
  // Login has no baseline counterpart; it is expressed in bare socket handshakes of the same round.
  const loginRatios = rounds.map((r) => r.tether.handshake.loginMs / r.baseline.handshake.connectP50Ms);
  summary.login = {
    inBareHandshakes: sig4(median(loginRatios)),
    tetherMs: sig4(median(rounds.map((r) => r.tether.handshake.loginMs))),
  };
  // Not a result but a caveat: a client harness near 100% of a core caps the baseline's throughput,
  // which makes the throughput ratio look better for Tether than it is.
  summary.clientCpuShare = {
    baseline: sig4(median(rounds.map((r) => r.baseline.messages.clientCpuShare))),
    tether: sig4(median(rounds.map((r) => r.tether.messages.clientCpuShare))),
  };
  return summary;
}

const fmtRatio = (x) => `${x.toFixed(2)}×`;
const fmtValue = (x, unit) =>
  unit === 'msg/s' ? `${Math.round(x)} ${unit}` : `${Number(x.toPrecision(3))} ${unit}`;

function markdown(report) {
  const { options: o, machine: m, summary: s } = report;
  const lines = [
    `# Tether benchmark, ${report.startedAt}`,
    '',
    `Machine: ${m.platform}/${m.arch}, ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}; ` +
      `load average ${m.loadavgStart.join(' ')} at start, ${m.loadavgEnd.join(' ')} at end.`,
    `Sizes: ${o.rounds} round(s), ${o.pairs} pairs (${2 * o.pairs} clients) in one room, ${o.messages} messages ` +
      `per message run, ${o.sockets} sockets per handshake run${o.smoke ? ' (smoke run: figures are meaningless)' : ''}.`,
    `Servers: Tether \`dist/main.js\` (SQLite, file sessions, memory adapter, NODE_ENV=development) vs a bare ` +
      `socket.io ${report.versions.socketIo} server; client socket.io-client ${report.versions.socketIoClient}, websocket transport.`,
    '',
    'Ratio = Tether / baseline, median of the per-round ratios (range over rounds). For latencies and times ' +
      '> 1 means Tether is slower; for throughput < 1 means Tether is slower. Absolute medians are for ' +
      'orientation only: they move with the machine, the ratios much less.',
    '',
    '| metric | Tether / baseline | range | Tether | baseline |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const [group, metrics] of Object.entries(METRICS)) {
    for (const [name, meta] of Object.entries(metrics)) {
      const v = s[group][name];
      if (v.ratio === null) {
        lines.push(`| ${meta.label} | n/a (no /proc) | | | |`);
        continue;
      }
      lines.push(
        `| ${meta.label} | **${fmtRatio(v.ratio)}** | ${v.ratioMin.toFixed(2)}–${v.ratioMax.toFixed(2)} | ` +
          `${fmtValue(v.tether, meta.unit)} | ${fmtValue(v.baseline, meta.unit)} |`,
      );
    }
  }
  lines.push(
    '',
    `Tether's login (argon2id check + new session) costs as much as ${s.login.inBareHandshakes.toFixed(1)} bare ` +
      `socket handshakes (${s.login.tetherMs.toFixed(1)} ms); it is included in "come online".`,
    `The client harness used ${Math.round(s.clientCpuShare.baseline * 100)}% (baseline runs) and ` +
      `${Math.round(s.clientCpuShare.tether * 100)}% (Tether runs) of one core during the timed message phase; ` +
      'near 100% the client, not the server, caps throughput and the throughput ratio flatters Tether ' +
      '(server CPU per message does not have that problem).',
    '',
  );
  return lines.join('\n');
}

function versionOf(pkg) {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    throw error?.code?.startsWith('ERR_PARSE_ARGS') ? new UsageError(error.message) : error;
  }
  const startedAt = new Date().toISOString();
  const machine = {
    platform: platform(),
    arch: arch(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadavgStart: loadavg().map((x) => sig4(x)),
  };
  const log = (line) => process.stderr.write(`${line}\n`);

  const servers = [];
  const stopAll = () => Promise.allSettled(servers.map((server) => server.stop()));
  const onSignal = () => void stopAll().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    log('starting the baseline and Tether ...');
    const baseline = await startBaseline();
    servers.push(baseline);
    const tether = await startTether();
    servers.push(tether);

    // One untimed pass on each so that round 1 does not pay for cold JIT and lazy setup alone.
    for (const target of [baseline, tether]) {
      await messageRun(target, { pairs: options.pairs, messages: Math.min(options.messages, 1000) });
      await handshakeRun(target, { sockets: Math.min(options.sockets, 20) });
    }

    // Interleaved rounds, alternating who goes first: slow drift in the machine's background load
    // then hits both servers alike instead of whichever happened to run during the busy minute.
    const rounds = [];
    for (let r = 1; r <= options.rounds; r++) {
      const order = r % 2 === 1 ? [baseline, tether] : [tether, baseline];
      const round = { round: r, order: order.map((t) => t.name) };
      for (const target of order) {
        round[target.name] = {
          messages: await messageRun(target, options),
          handshake: await handshakeRun(target, options),
        };
      }
      rounds.push(round);
      const ratio = round.tether.messages.throughputPerSec / round.baseline.messages.throughputPerSec;
      log(`round ${r}/${options.rounds}: throughput ratio ${ratio.toFixed(2)}`);
    }

    const report = {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: { ...machine, loadavgEnd: loadavg().map((x) => sig4(x)) },
      versions: { socketIo: versionOf('socket.io'), socketIoClient: versionOf('socket.io-client') },
      options: { ...options, out: undefined },
      summary: summarize(rounds),
      rounds,
    };
    const md = markdown(report);
    mkdirSync(options.out, { recursive: true });
    const stem = join(options.out, startedAt.replace(/[:.]/g, '-'));
    writeFileSync(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(`${stem}.md`, md);
    process.stdout.write(md);
    log(`wrote ${stem}.json and ${stem}.md`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopAll();
  }
}

main().then(
  // Sockets that are still closing must not keep the process (and `npm run bench`) waiting.
  () => process.exit(0),
  (error) => {
    const usage =
      'usage: node bench/run.mjs [--rounds R] [--pairs N] [--messages M] [--sockets K] [--out DIR] [--smoke]';
    process.stderr.write(
      error instanceof UsageError
        ? `${error.message}\n${usage}\n`
        : `benchmark failed: ${error?.stack ?? error}\n`,
    );
    process.exit(1);
  },
);
