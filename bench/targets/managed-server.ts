import { fileURLToPath, pathToFileURL } from 'node:url';
import { startService, type Service } from '../../tools/processes.js';
import { epochMs } from '../clock.js';
import { IpcClient } from '../ipc.js';

const PROBE = pathToFileURL(fileURLToPath(new URL('../servers/probe.mjs', import.meta.url))).href;

/** What a start-up figure says when the probe could not see the listen (older Node lines). */
export const NO_LISTEN_CHANNEL = { reason: 'this Node has no net.server.listen tracing channel' };

/** Server-side figures, read through the probe preloaded into the server (bench/servers/probe.mjs). */
export class Probe {
  constructor(private readonly ipc: IpcClient) {}
  cpuMs = () => this.ipc.call<number>('cpu');
  /** After forced full GCs. */
  heap = () => this.ipc.call<{ heapUsed: number; rss: number }>('heap');
  allocatedBytes = () => this.ipc.call<number>('alloc');
  tcpSockets = () => this.ipc.call<number>('sockets');
  /** ms since the epoch, or null when this Node lacks the listen tracing channel. */
  listeningAt = () => this.ipc.call<number | null>('listening');
}

/**
 * A server under test as a child process with the probe: `node --expose-gc --import probe.mjs
 * <entry>`. It keeps its port (and whatever data directory its environment names) across restarts.
 */
export class ManagedServer {
  private service!: Service;
  probe!: Probe;

  private constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: NodeJS.ProcessEnv,
    readonly port: number,
  ) {}

  static async start(
    name: string,
    entry: string,
    env: NodeJS.ProcessEnv,
    port: number,
  ): Promise<ManagedServer> {
    const server = new ManagedServer(name, entry, env, port);
    await server.spawn();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Kills the server outright (SIGKILL: no drain, like a crash) and starts it again on the same
   * port. Resolves once the port accepts connections; returns when the new process was spawned.
   */
  async restart(): Promise<number> {
    await this.service.stop('SIGKILL');
    return this.spawn();
  }

  stop(): Promise<void> {
    return this.service.stop('SIGKILL');
  }

  private async spawn(): Promise<number> {
    const spawnedAt = epochMs();
    this.service = await startService(
      process.execPath,
      ['--expose-gc', '--import', PROBE, this.entry],
      this.port,
      { env: { ...this.env, PORT: String(this.port) }, ipc: true, timeoutMs: 60_000 },
    );
    this.probe = new Probe(new IpcClient(this.service.process, this.name));
    return spawnedAt;
  }
}
