import { Inject, Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SESSION_END_REASONS } from '../protocol/socket.js';
import { SessionEvents, type SessionRevocation } from '../session/session-events.js';
import { contained } from './contained.js';
import {
  cookieSessionRoom,
  REVOKED_EVENT,
  sessionRoom,
  userRoom,
  type ChatNamespace,
  type ChatSocket,
} from './socket-types.js';

/** How long an instance waits for the others to confirm a revocation before it tries once more. */
const CONFIRM_TIMEOUT_MS = 10_000;

const Hash = z.string().min(1).max(64);
/** What another instance sends: from our own Redis or MongoDB, still checked before it acts. */
const RevocationSchema = z.discriminatedUnion('scope', [
  z.strictObject({ scope: z.literal('session'), sessionHash: Hash, reason: z.enum(SESSION_END_REASONS) }),
  z.strictObject({
    scope: z.literal('user'),
    userId: Hash,
    exceptCookieSessionHash: Hash.optional(),
    reason: z.enum(SESSION_END_REASONS),
  }),
  z.strictObject({ scope: z.literal('renewed'), sessionHash: Hash }),
]);

/**
 * What revoking a session or a user does to sockets: every instance ends its own. The revocation
 * goes to the other instances as a server-side event, and each instance, for each of its sockets
 * in the target rooms, emits `session:ended` and then disconnects it, so the event always comes
 * first (a broadcast plus `disconnectSockets` through the adapter gives no such order: the Mongo
 * adapter delivers even a local broadcast a tick later).
 */
@Injectable()
export class SocketRevocation {
  private readonly logger = new Logger(SocketRevocation.name);

  constructor(
    private readonly events: SessionEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts acting on revocations, local and from other instances; returns the stop function. */
  listen(namespace: ChatNamespace): () => void {
    const fromPeer = (revocation: unknown, confirm?: unknown) =>
      contained(this.logger, 'a revocation from another instance', () => {
        const parsed = RevocationSchema.safeParse(revocation);
        if (parsed.success) endLocalSockets(namespace, parsed.data);
        else this.logger.warn('ignored a malformed revocation from another instance');
        if (typeof confirm === 'function') confirm(parsed.success);
      });
    namespace.on(REVOKED_EVENT, fromPeer);
    const unsubscribe = this.events.subscribe(async (revocation) => {
      // `publish` waits for this: this instance's sockets are told before the HTTP response.
      endLocalSockets(namespace, revocation);
      if (this.config.ioAdapter !== 'memory') this.tellPeers(namespace, revocation);
    });
    return () => {
      unsubscribe();
      namespace.off(REVOKED_EVENT, fromPeer);
    };
  }

  /**
   * Asks every other instance to act and to confirm; unconfirmed, it asks once more (ending
   * sockets twice is harmless). The Redis streams adapter carries server-side events over
   * pub/sub, which drops a message an instance was not subscribed for at that instant.
   */
  private tellPeers(namespace: ChatNamespace, revocation: SessionRevocation, attempt = 1): void {
    confirmedByPeers(namespace, revocation).catch((error: unknown) => {
      if (attempt === 1) {
        this.logger.warn(`revocation not confirmed by every instance, sending it again: ${String(error)}`);
        this.tellPeers(namespace, revocation, 2);
        return;
      }
      this.logger.error(
        `revocation not confirmed by every instance: ${String(error)}; their sockets of it end at their next renewal or expiry`,
      );
    });
  }
}

function confirmedByPeers(namespace: ChatNamespace, revocation: SessionRevocation): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer')), CONFIRM_TIMEOUT_MS);
    const answered = (error: Error | null, responses: unknown[]) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(responses);
    };
    // Through the adapter rather than `namespace.serverSideEmit`, whose adapter promise (the Redis
    // adapter counts subscribers first) nobody would catch.
    const adapter = namespace.adapter as { serverSideEmit(packet: unknown[]): unknown };
    Promise.resolve(adapter.serverSideEmit([REVOKED_EVENT, revocation, answered])).catch((error: unknown) => {
      clearTimeout(timer);
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

/** Ends this instance's sockets of the revocation. */
function endLocalSockets(namespace: ChatNamespace, revocation: SessionRevocation): void {
  if (revocation.scope === 'renewed') {
    // Closing the transport (no DISCONNECT packet) makes the client reconnect by itself, with the
    // new cookie its browser now holds.
    for (const socket of localMembers(namespace, cookieSessionRoom(revocation.sessionHash))) {
      socket.conn.close();
    }
    return;
  }
  const sockets =
    revocation.scope === 'session'
      ? localMembers(namespace, sessionRoom(revocation.sessionHash))
      : localMembers(
          namespace,
          userRoom(revocation.userId),
          revocation.exceptCookieSessionHash && cookieSessionRoom(revocation.exceptCookieSessionHash),
        );
  for (const socket of sockets) {
    socket.emit('session:ended', { reason: revocation.reason });
    socket.disconnect(true);
  }
}

/** This instance's sockets in `room` and not in `except`, collected before any is disconnected. */
function localMembers(namespace: ChatNamespace, room: string, except?: string): ChatSocket[] {
  const rooms = namespace.adapter.rooms;
  const excluded = except ? rooms.get(except) : undefined;
  const members: ChatSocket[] = [];
  for (const id of rooms.get(room) ?? []) {
    const socket = namespace.sockets.get(id);
    if (socket && !excluded?.has(id)) members.push(socket);
  }
  return members;
}
