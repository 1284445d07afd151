import { connect, type Socket } from 'node:net';

/** A raw TCP connection to the app, for tests where the HTTP framing itself is under test. */
export interface RawConnection {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves once the server has sent `text` (or the connection closed without it); rejects after `timeoutMs`. */
  waitFor(text: string, timeoutMs?: number): Promise<string>;
  /** Resolves with the ms from `connect` until the server closed the connection; rejects after `timeoutMs`. */
  closed(timeoutMs?: number): Promise<number>;
}

export async function rawConnect(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const started = Date.now();
  let data = '';
  let closedAt: number | undefined;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    data += chunk;
    wake();
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closedAt = Date.now();
    wake();
  });
  const until = <T>(ready: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = ready();
        if (value === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received: ${data.slice(0, 300)}`),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    socket,
    received: () => data,
    waitFor: (text, timeoutMs = 5000) =>
      until(() => (data.includes(text) || closedAt !== undefined ? data : undefined), timeoutMs, `"${text}"`),
    closed: (timeoutMs = 5000) =>
      until(
        () => (closedAt === undefined ? undefined : closedAt - started),
        timeoutMs,
        'the server to close',
      ),
  };
}

/** The status code and JSON body of the first response in `raw`. */
export function parseResponse(raw: string): { status: number; headers: string; body: unknown } {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const text = rest.join('\r\n\r\n');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status, headers: head, body };
}
