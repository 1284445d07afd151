import { Inject, Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { AppException } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { IdSchema } from '../protocol/socket.js';
import { LIMITS } from '../protocol/limits.js';
import { UserSchema, type User } from '../protocol/models.js';
import { contained } from './contained.js';
import { CENSUS_EVENT, chatRoom, type ChatNamespace } from './socket-types.js';

/**
 * Past the cluster adapter's own request timeout (5 s in every adapter Tether uses, after which it
 * answers with what arrived): only an adapter that never answers at all meets this one.
 */
const CENSUS_TIMEOUT_MS = 7_000;

const CensusQuerySchema = z.strictObject({ roomId: IdSchema.optional() });
export type CensusQuery = z.output<typeof CensusQuerySchema>;

/** What each instance reports of itself; from our own Redis or MongoDB, still checked. */
const ReportSchema = z.strictObject({
  id: z.string().max(64),
  sockets: z.number().int().min(0),
  startedAt: z.iso.datetime(),
  /** The users with a socket in the queried room, at most `LIMITS.onlineListMax`. */
  online: z.array(UserSchema).max(LIMITS.onlineListMax),
});
export type InstanceReport = z.output<typeof ReportSchema>;

export interface Census {
  reports: InstanceReport[];
  /** Instances the adapter knows of that did not answer in time. */
  missing: number;
}

/**
 * The cluster-wide view of the `/chat` namespace for the server API: every instance reports its
 * own sockets when asked (a server-side event with an ack), and an instance that does not answer
 * within the adapter's timeout is counted as missing rather than waited for.
 */
@Injectable()
export class ClusterCensus {
  private readonly logger = new Logger(ClusterCensus.name);
  private readonly startedAt = new Date().toISOString();
  private namespace?: ChatNamespace;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Called by `NamespaceLifecycle`: answers other instances' queries; returns the stop function. */
  listen(namespace: ChatNamespace): () => void {
    this.namespace = namespace;
    const answer = (query: unknown, reply?: unknown) =>
      contained(this.logger, 'a census query from another instance', () => {
        const parsed = CensusQuerySchema.safeParse(query);
        if (parsed.success && typeof reply === 'function') reply(this.report(namespace, parsed.data));
      });
    namespace.on(CENSUS_EVENT, answer);
    return () => {
      namespace.off(CENSUS_EVENT, answer);
      this.namespace = undefined;
    };
  }

  async take(query: CensusQuery): Promise<Census> {
    const namespace = this.namespace;
    if (!namespace) throw new AppException('UNAVAILABLE');
    const local = this.report(namespace, query);
    if (this.config.ioAdapter === 'memory') return { reports: [local], missing: 0 };
    const expected = (await namespace.adapter.serverCount()) - 1;
    const answers = await askPeers(namespace, query);
    const reports = answers.flatMap((answer) => {
      const parsed = ReportSchema.safeParse(answer);
      if (!parsed.success) this.logger.warn('ignored a malformed census report from another instance');
      return parsed.success ? [parsed.data] : [];
    });
    return { reports: [local, ...reports], missing: Math.max(0, expected - reports.length) };
  }

  private report(namespace: ChatNamespace, { roomId }: CensusQuery): InstanceReport {
    const online = new Map<string, User>();
    for (const id of roomId ? (namespace.adapter.rooms.get(chatRoom(roomId)) ?? []) : []) {
      const user = namespace.sockets.get(id)?.data.user;
      if (user) online.set(user.id, user);
      if (online.size === LIMITS.onlineListMax) break;
    }
    return {
      id: this.config.instanceId,
      sockets: namespace.sockets.size,
      startedAt: this.startedAt,
      online: [...online.values()],
    };
  }
}

/** The answers of the other instances; on a timeout, those that arrived. Never rejects. */
function askPeers(namespace: ChatNamespace, query: CensusQuery): Promise<unknown[]> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve([]), CENSUS_TIMEOUT_MS);
    const answered = (_error: Error | null, responses: unknown[] | undefined) => {
      clearTimeout(timer);
      resolve(Array.isArray(responses) ? responses : []);
    };
    // Through the adapter, as `SocketRevocation` does: its promise is caught here.
    const adapter = namespace.adapter as { serverSideEmit(packet: unknown[]): unknown };
    Promise.resolve(adapter.serverSideEmit([CENSUS_EVENT, query, answered])).catch(() => {
      clearTimeout(timer);
      resolve([]);
    });
  });
}
