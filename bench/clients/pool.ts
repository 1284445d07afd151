import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { IpcClient } from '../ipc.js';
import type { JoinResult, OpenResult, RejoinResult, SendResult } from './protocol.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** Handshakes in flight per worker: a storm, but within the server's listen backlog. */
export const CONNECT_CONCURRENCY = 64;

/**
 * The client workers of a run. A group of sockets is spread round-robin over the workers (socket
 * i lives in worker i mod W), so every worker carries an equal share of every scenario.
 */
export class ClientPool {
  private constructor(
    private readonly children: ChildProcess[],
    private readonly workers: IpcClient[],
  ) {}

  static async start(count: number): Promise<ClientPool> {
    const children = Array.from({ length: count }, () =>
      fork(WORKER, [], {
        execArgv: ['--import', 'tsx'],
        // Latency samples travel back as large arrays: structured clone beats JSON.
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const workers = children.map((child, i) => new IpcClient(child, `client worker ${i + 1}`));
    const pool = new ClientPool(children, workers);
    // Each worker answers once it has loaded.
    await pool.cpuMs();
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** `items` dealt round-robin: worker w gets items w, w + W, w + 2W, ... */
  deal<T>(items: T[]): T[][] {
    return this.workers.map((_, w) => items.filter((_item, i) => i % this.workers.length === w));
  }

  /** Opens one socket per entry of `cookies`; resolves when all are connected (and joined). */
  async open(
    group: string,
    url: string,
    cookies: (string | null)[],
    extra: { reconnection?: boolean; room?: string; concurrency?: number } = {},
  ): Promise<number[]> {
    const shares = this.deal(cookies);
    const results = await Promise.all(
      this.workers.map((worker, w) =>
        worker.call<OpenResult>('open', {
          group,
          url,
          cookies: shares[w],
          concurrency: extra.concurrency ?? CONNECT_CONCURRENCY,
          reconnection: extra.reconnection ?? false,
          room: extra.room,
        }),
      ),
    );
    return results.flatMap((r) => r.connectMs);
  }

  async join(group: string, room: string, concurrency: number): Promise<number[]> {
    const results = await Promise.all(
      this.workers.map((worker) => worker.call<JoinResult>('join', { group, room, concurrency })),
    );
    return results.flatMap((r) => r.ackMs);
  }

  async close(group: string): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.call('close', { group })));
  }

  /** Marks where the group stands; `rejoined` then waits for every socket to join again. */
  async watch(group: string): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.call('watch', { group })));
  }

  rejoined(group: string, timeoutMs: number): Promise<RejoinResult> {
    return Promise.all(
      this.workers.map((worker) => worker.call<RejoinResult>('rejoined', { group }, timeoutMs)),
    ).then((results) => ({
      lastJoinAt: Math.max(...results.map((r) => r.lastJoinAt)),
      connectErrors: results.reduce((n, r) => n + r.connectErrors, 0),
    }));
  }

  /** `counts[i]`: messages the group's i-th socket (in opening order) sends. */
  async send(group: string, room: string, runId: string, counts: number[]): Promise<SendResult[]> {
    const total = counts.reduce((a, b) => a + b, 0);
    const shares = this.deal(counts);
    await Promise.all(
      this.workers.map((worker, w) => worker.call('arm', { group, room, runId, counts: shares[w], total })),
    );
    return Promise.all(this.workers.map((worker) => worker.call<SendResult>('send', { runId })));
  }

  /** CPU time of all workers together, ms. */
  async cpuMs(): Promise<number> {
    const each = await Promise.all(this.workers.map((worker) => worker.call<number>('cpu')));
    return each.reduce((a, b) => a + b, 0);
  }

  stop(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }
}
