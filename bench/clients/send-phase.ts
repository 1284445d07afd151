/**
 * A closed-loop send phase inside a client worker: each socket sends its share one message after
 * another (the next after the previous ack), and every socket of the group timestamps the others'
 * `message:new`. The text carries the send time, so a delivery's latency needs no shared state.
 */
import { epochMs } from '../clock.js';
import { ACK_TIMEOUT_MS, groupOf } from './groups.js';
import type { SendRequest, SendResult } from './protocol.js';

interface Armed {
  request: SendRequest;
  deliveryMs: number[];
  lastDeliveryAt: number;
  allDelivered: Promise<void>;
  disarm(): void;
}
const armed = new Map<string, Armed>();

/**
 * Starts listening for a send phase's deliveries. Every worker is armed before any sends, or an
 * early sender's messages would reach members whose worker is not yet listening.
 */
export function arm(request: SendRequest): void {
  const group = groupOf(request.group);
  const marker = `${request.runId} `;
  const expected = group.reduce((n, _c, i) => n + request.total - (request.counts[i] ?? 0), 0);
  let onAllDelivered = () => {};
  const state: Armed = {
    request,
    deliveryMs: [],
    lastDeliveryAt: 0,
    allDelivered: new Promise<void>((resolve) => (onAllDelivered = resolve)),
    disarm: () => {
      for (const client of group) client.socket.off('message:new', onMessage);
      armed.delete(request.runId);
    },
  };
  const onMessage = (message: { text: string }) => {
    if (!message.text.startsWith(marker)) return;
    state.lastDeliveryAt = epochMs();
    state.deliveryMs.push(state.lastDeliveryAt - Number(message.text.slice(marker.length)));
    if (state.deliveryMs.length === expected) onAllDelivered();
  };
  if (expected === 0) onAllDelivered();
  for (const client of group) client.socket.on('message:new', onMessage);
  armed.set(request.runId, state);
}

/** Sends the armed phase's messages (closed loop per socket), then waits for its deliveries. */
export async function send(request: { runId: string }): Promise<SendResult> {
  const state = armed.get(request.runId);
  if (!state) throw new Error(`send phase ${request.runId} was not armed`);
  const { group: name, room, runId, counts } = state.request;
  const group = groupOf(name);
  const startedAt = epochMs();
  const ackMs: number[] = [];
  let lastAckAt = startedAt;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.all(
      group.map(async (client, i) => {
        for (let k = 0; k < (counts[i] ?? 0); k++) {
          const sentAt = epochMs();
          const response = await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', {
            roomId: room,
            text: `${runId} ${sentAt}`,
            clientMsgId: `${runId}-${process.pid}-${i}-${k}`,
          });
          if (!response.ok) throw new Error(`message:send refused: ${JSON.stringify(response.error)}`);
          lastAckAt = epochMs();
          ackMs.push(lastAckAt - sentAt);
        }
      }),
    );
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`deliveries missing 60 s after the last ack`)), 60_000);
    });
    await Promise.race([state.allDelivered, timedOut]);
  } finally {
    clearTimeout(timer);
    state.disarm();
  }
  const { deliveryMs, lastDeliveryAt } = state;
  return { ackMs, deliveryMs, startedAt, lastAckAt, lastDeliveryAt };
}
