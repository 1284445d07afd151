import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A real TCP hop between a client and the server that can lose the server's answers: once it
 * has forwarded a request containing `cutAfter`, it forwards nothing more back to the client
 * (the request itself still arrives), as when a connection dies with an ack on the wire.
 */
export class CutProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private cut = false;
  private cutAfter?: string;

  private constructor(private readonly targetPort: number) {
    this.server = createServer((client) => this.relay(client));
  }

  static async start(targetPort: number): Promise<CutProxy & { url: string }> {
    const proxy = new CutProxy(targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.server.address() as { port: number };
    return Object.assign(proxy, { url: `http://127.0.0.1:${port}` });
  }

  /** From the next request that contains `text` on, the server's bytes stop reaching the client. */
  loseAnswersAfter(text: string): void {
    this.cutAfter = text;
  }

  /** Forwards both ways again, on new connections; the old ones are dropped. */
  heal(): void {
    this.cut = false;
    this.cutAfter = undefined;
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const upstream = connect(this.targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      if (this.cutAfter !== undefined && chunk.toString('latin1').includes(this.cutAfter)) this.cut = true;
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!this.cut) client.write(chunk);
    });
  }
}
