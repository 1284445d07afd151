import { Logger } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import { logEvent } from '../observability/events.js';

type Engine = Server['engine'];
type Connection = Socket['conn'];

const QUEUED = Symbol('tether.queuedBytes');
type Watched = Connection & { [QUEUED]: number };

/**
 * Cuts any connection whose client leaves more than `limitBytes` unread: a client that stops
 * reading while asking for large acks would otherwise grow the server's memory without bound.
 * Unread is what the engine queued since its last flush to the transport, plus what the websocket
 * has not handed to the kernel yet (`bufferedAmount`); a polling transport holds no more than one
 * poll's worth, which came out of that same queue. Checked as each packet is queued, so nothing
 * outgoing escapes the count, broadcasts included.
 */
export function capOutboundBuffers(engine: Engine, limitBytes: number): void {
  const logger = new Logger('OutboundBuffers');
  // Shared by every connection (engine.io calls listeners with `this` = the connection): one
  // number per connection, no closure.
  function onPacket(this: Watched, packet: { data?: unknown }): void {
    try {
      this[QUEUED] += sizeOf(packet.data);
      const unread = this[QUEUED] + transportBuffered(this);
      if (unread <= limitBytes) return;
      this.off('packetCreate', onPacket);
      logEvent('socket_cut_slow_reader', { transport: this.transport.name, unreadBytes: unread, limitBytes });
      cut(this);
    } catch (error) {
      logger.error(`outbound buffer check failed: ${String(error)}`);
    }
  }
  function onFlush(this: Watched): void {
    // A flush hands the whole queue to the transport, where `bufferedAmount` counts it.
    this[QUEUED] = 0;
  }
  engine.on('connection', (conn: Connection) => {
    (conn as Watched)[QUEUED] = 0;
    conn.on('packetCreate', onPacket);
    conn.on('flush', onFlush);
  });
}

function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

function transportBuffered(conn: Connection): number {
  const ws = (conn.transport as { socket?: { bufferedAmount?: unknown } }).socket;
  return typeof ws?.bufferedAmount === 'number' ? ws.bufferedAmount : 0;
}

/**
 * Drops the connection and what it holds at once. A websocket's own close would queue a close
 * frame behind the unread data and wait up to 30 s for it; terminating frees the buffers now.
 */
function cut(conn: Connection): void {
  const ws = (conn.transport as { socket?: { terminate?: () => void } }).socket;
  if (conn.transport.name === 'websocket' && typeof ws?.terminate === 'function') ws.terminate();
  else conn.close(true);
}
