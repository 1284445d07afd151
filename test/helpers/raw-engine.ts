import WebSocket from 'ws';

/** One frame as the server sent it: text, or a binary attachment. */
export type Frame = string | Buffer;

export interface RawClientOptions {
  cookie?: string;
  origin?: string;
  /** Answer the server's pings (`2` -> `3`) so the connection stays up. @default true */
  pong?: boolean;
}

/**
 * A raw Engine.IO v4 client over a WebSocket, for tests where the protocol itself is under test:
 * it sends exactly the frames it is told to (`40/chat,`, `41/chat,`, `42/chat,["event"]`, ...).
 */
export class RawEngineClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<number>;
  /** The Engine.IO session id from the open packet. */
  sid = '';
  private readonly waiters = new Set<{ test: (f: Frame) => boolean; resolve: (f: Frame) => void }>();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => {
      const frame: Frame = isBinary ? Buffer.from(data as Buffer) : (data as Buffer).toString();
      this.frames.push(frame);
      for (const waiter of this.waiters) {
        if (waiter.test(frame)) {
          this.waiters.delete(waiter);
          waiter.resolve(frame);
        }
      }
    });
  }

  /** Opens the Engine.IO connection and waits for its open packet. */
  static async open(url: string, options: RawClientOptions = {}): Promise<RawEngineClient> {
    const headers: Record<string, string> = {};
    if (options.cookie) headers.Cookie = options.cookie;
    if (options.origin) headers.Origin = options.origin;
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      headers,
    });
    const client = new RawEngineClient(ws);
    if (options.pong !== false) {
      ws.on('message', (data, isBinary) => {
        if (!isBinary && (data as Buffer).toString() === '2' && ws.readyState === WebSocket.OPEN)
          ws.send('3');
      });
    }
    const opened = client.next((f) => typeof f === 'string' && f.startsWith('0{'));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`handshake answered ${res.statusCode}`)),
      );
      ws.once('error', reject);
    });
    client.sid = (JSON.parse(((await opened) as string).slice(1)) as { sid: string }).sid;
    return client;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: Frame): void {
    if (this.isOpen) this.ws.send(frame);
  }

  /** The next frame (from now on, or already received when `seen` is set) that passes `test`. */
  next(test: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: (f: Frame) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out waiting for a frame (got ${this.frames.length} frames)`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Sends a Socket.IO CONNECT to `nsp` and resolves with the server's answer: `40...` or `44...`. */
  async connectNamespace(nsp = '/chat', auth?: object, timeoutMs = 5000): Promise<string> {
    const prefix = nsp === '/' ? '' : `${nsp},`;
    const answer = this.next(
      (f) =>
        typeof f === 'string' &&
        (f.startsWith(`40${prefix}`) || f.startsWith(`44${prefix}`)) &&
        (nsp !== '/' || !f.startsWith('40/')),
      timeoutMs,
    );
    this.send(`40${prefix}${auth ? JSON.stringify(auth) : ''}`);
    return (await answer) as string;
  }

  /** Emits `event` on `/chat` with ack id `id` and resolves with the ack's payload. */
  async ack(id: number, event: string, payload: unknown, timeoutMs = 5000): Promise<unknown> {
    const prefix = `43/chat,${id}[`;
    const answer = this.next((f) => typeof f === 'string' && f.startsWith(prefix), timeoutMs);
    this.send(`42/chat,${id}${JSON.stringify([event, payload])}`);
    return (JSON.parse(((await answer) as string).slice(prefix.length - 1)) as unknown[])[0];
  }

  /** Resolves with the close code once the server closed the connection; rejects after `timeoutMs`. */
  waitClosed(timeoutMs = 5000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('timed out waiting for the server to close')),
        timeoutMs,
      );
      void this.closed.then((code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  close(): void {
    this.ws.terminate();
  }
}
