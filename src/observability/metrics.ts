import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import { AckHistogram } from './ack-histogram.js';
import { CLIENT_EVENTS } from '../protocol/socket.js';

/**
 * Every metric Tether exports, once: its name, help, labels (besides `instance`, which every
 * series carries) and type. The Grafana dashboard and its test (`test/deploy.e2e-spec.ts`) read
 * these names; prom-client's default process and Node metrics come on top.
 */
export const TETHER_METRICS = {
  socketsConnected: {
    name: 'tether_sockets_connected',
    help: 'Sockets connected to /chat on this instance, by how they authenticated.',
    labels: ['auth'],
    type: 'gauge',
  },
  handshakes: {
    name: 'tether_handshakes_total',
    help: 'Socket.IO handshakes to /chat: accepted, or the code that refused them.',
    labels: ['result'],
    type: 'counter',
  },
  messages: {
    name: 'tether_messages_total',
    help: 'Messages stored (a resend of a stored clientMsgId is not counted again).',
    labels: [],
    type: 'counter',
  },
  ackDuration: {
    name: 'tether_ack_duration_seconds',
    help: 'Time from a client event reaching its handler to its acknowledgement, by event.',
    labels: ['event'],
    type: 'histogram',
  },
  loginFailures: {
    name: 'tether_login_failures_total',
    help: 'Failed logins and wrong current passwords (the security event login_failed).',
    labels: [],
    type: 'counter',
  },
  rateLimited: {
    name: 'tether_rate_limited_total',
    help: 'Requests, events and handshakes refused by a rate limit, by limit.',
    labels: ['limit'],
    type: 'counter',
  },
} as const;

/** What a socket authenticated with (`SocketData.via`). */
export type SocketAuth = 'session' | 'ticket' | 'token';

/**
 * One registry per process: one Tether runs per process, and module-level instruments keep the
 * hot paths (an ack, a connection) at a counter increment, with no lookup through Nest.
 */
export const registry = new Registry();

const sockets = new Gauge({ ...spec('socketsConnected'), registers: [registry] });
const handshakes = new Counter({ ...spec('handshakes'), registers: [registry] });
const messages = new Counter({ ...spec('messages'), registers: [registry] });
const acks = new AckHistogram(
  TETHER_METRICS.ackDuration.name,
  TETHER_METRICS.ackDuration.help,
  [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  Object.keys(CLIENT_EVENTS),
);
registry.registerMetric(acks as unknown as Metric);
const loginFailures = new Counter({ ...spec('loginFailures'), registers: [registry] });
const rateLimited = new Counter({ ...spec('rateLimited'), registers: [registry] });

function spec(key: keyof typeof TETHER_METRICS) {
  const { name, help, labels } = TETHER_METRICS[key];
  return { name, help, labelNames: [...labels] };
}

// Children bound once per label value: the hot path never builds a labels object. Each series
// exists from the start, at zero, so a dashboard's rate() has something to start from.
const socketsBy = Object.fromEntries(
  (['session', 'ticket', 'token'] as const).map((auth) => [auth, sockets.labels(auth)]),
) as Record<SocketAuth, ReturnType<typeof sockets.labels>>;
const handshakesBy = new Map<string, ReturnType<typeof handshakes.labels>>();
const rateLimitedBy = new Map<string, ReturnType<typeof rateLimited.labels>>();

let defaultsStarted = false;

/** Names this instance on every series, and starts prom-client's process and Node metrics. */
export function startMetrics(instanceId: string): void {
  registry.setDefaultLabels({ instance: instanceId });
  if (defaultsStarted) return;
  defaultsStarted = true;
  collectDefaultMetrics({ register: registry });
}

/**
 * Times one acknowledged event; `startedAt` is `performance.now()` when its handler began. Whatever
 * dispatches events calls this once per ack.
 */
export function observeAck(event: string, startedAt: number): void {
  acks.observe(event, (performance.now() - startedAt) / 1000);
}

export function countSocket(auth: SocketAuth, delta: 1 | -1): void {
  socketsBy[auth].inc(delta);
}

/** `result`: `accepted`, or the refusal's code (connect_error codes, CROSS_ORIGIN, UNAVAILABLE: a closed set). */
export function countHandshake(result: string): void {
  let child = handshakesBy.get(result);
  if (!child) handshakesBy.set(result, (child = handshakes.labels(result)));
  child.inc();
}

export function countMessage(): void {
  messages.inc();
}

/** Fed by `loginFailed` only: the log line and the metric cannot disagree. */
export function countLoginFailure(): void {
  loginFailures.inc();
}

/** Fed by `rateLimited` only; `limit` is a limiter's name, a closed set. */
export function countRateLimited(limit: string): void {
  let child = rateLimitedBy.get(limit);
  if (!child) rateLimitedBy.set(limit, (child = rateLimited.labels(limit)));
  child.inc();
}
