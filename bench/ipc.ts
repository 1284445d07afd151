import type { ChildProcess } from 'node:child_process';

/**
 * Request/response over a child's IPC channel: requests `{id, type, ...}`, answers `{id, result}`
 * or `{id, error}`. The server probe (bench/servers/probe.mjs) and the client workers both speak it.
 */
interface Answer {
  id: number;
  result?: unknown;
  error?: string;
}

export class IpcClient {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
  ) {
    child.on('message', (answer: Answer) => {
      const waiter = this.pending.get(answer.id);
      if (!waiter) return;
      this.pending.delete(answer.id);
      if (answer.error === undefined) waiter.resolve(answer.result);
      else waiter.reject(new Error(`${name}: ${answer.error}`));
    });
    child.once('exit', (code, signal) => {
      for (const waiter of this.pending.values())
        waiter.reject(new Error(`${name} exited (${signal ?? code}) before answering`));
      this.pending.clear();
    });
  }

  call<T>(type: string, args: object = {}, timeoutMs = 600_000): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: no answer to ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, type, ...args });
    });
  }
}

/** The child's side: answers each request with its handler's (possibly async) result. */
export function serveIpc(handlers: Record<string, (request: never) => unknown>): void {
  process.on('message', (request: { id: number; type: string }) => {
    const handler = handlers[request.type] as ((request: unknown) => unknown) | undefined;
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown request ${request.type}`);
        return handler(request);
      })
      .then(
        (result) => process.send!({ id: request.id, result }),
        (error: unknown) =>
          process.send!({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
      );
  });
}
