/**
 * What the harness asks of a client worker (bench/clients/worker.ts). Sockets live in named
 * groups inside the worker; times are ms since the Unix epoch so that workers and servers, which
 * are separate processes, share one clock.
 */
export interface OpenRequest {
  group: string;
  url: string;
  /** One per socket to open; null opens it without a cookie. */
  cookies: (string | null)[];
  /** Handshakes in flight at once in this worker. */
  concurrency: number;
  /** socket.io-client's reconnection with its default backoff; also re-joins `room` on every connect. */
  reconnection: boolean;
  /** Joined right after connecting. */
  room?: string;
}
export interface OpenResult {
  /** Per socket, from creating it to its `connect` event. */
  connectMs: number[];
}

export interface JoinRequest {
  group: string;
  room: string;
  concurrency: number;
}
export interface JoinResult {
  ackMs: number[];
}

export interface GroupRequest {
  group: string;
}

/** Resolves once every socket of the group has reconnected and re-joined its room. */
export interface RejoinResult {
  /** Time of the last re-join ack. */
  lastJoinAt: number;
  /** `connect_error` events between the request and the last re-join. */
  connectErrors: number;
}

export interface SendRequest {
  group: string;
  room: string;
  /** Marks this phase's messages; part of every clientMsgId and text. */
  runId: string;
  /** Messages each socket of the group sends, one after another, each after the previous ack. */
  counts: number[];
  /** Messages sent by everyone in the room this phase: each member receives all but its own. */
  total: number;
}
export interface SendResult {
  ackMs: number[];
  /** From send to receipt at each member (fan-out), for this worker's members. */
  deliveryMs: number[];
  startedAt: number;
  lastAckAt: number;
  lastDeliveryAt: number;
}
