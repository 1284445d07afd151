import type { z } from 'zod';
import {
  ackSchema,
  CHAT_NAMESPACE,
  CLIENT_EVENTS,
  ConnectErrorSchema,
  eventErrors,
  PROTOCOL_VERSION,
  SERVER_EVENTS,
  SOCKET_IO_PATH,
  type ClientEventName,
  type ServerEventName,
} from '../../src/protocol/index.js';
import { SchemaComponents, type JsonSchema } from './json-schema.js';

/** The pseudo-event a refused handshake delivers (socket.io-client's `connect_error`). */
export const CONNECT_ERROR = 'connect_error';

/**
 * AsyncAPI keys must be plain (`[A-Za-z0-9._-]`) and one name may go both ways (`typing`): the client's
 * `room:join` is keyed `client.room.join`, its acknowledgement `client.room.join.ack`, the server's
 * `typing` `server.typing`. Each message's `name` is the Socket.IO event itself.
 */
export const clientKey = (event: string) => `client.${event.replaceAll(':', '.')}`;
export const ackKey = (event: string) => `${clientKey(event)}.ack`;
export const serverKey = (event: string) => `server.${event.replaceAll(':', '.')}`;

const CHANNEL = 'chat';
const channelRef = { $ref: `#/channels/${CHANNEL}` };
const messageRef = (key: string) => ({ $ref: `#/channels/${CHANNEL}/messages/${key}` });

/**
 * The AsyncAPI 3 document of the `/chat` namespace, from `CLIENT_EVENTS` and `SERVER_EVENTS`.
 * Actions are the server's: it `receive`s client events (and replies with the ack) and `send`s
 * server events. Payloads are JSON Schema draft-07, AsyncAPI's default schema format.
 */
export function asyncApiDocument(): JsonSchema {
  const components = new SchemaComponents('draft-07', '#/components/schemas/');
  const messages: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};
  const message = (key: string, event: string, title: string, summary: string, payload: JsonSchema) =>
    add(messages, key, { name: event, title, summary, payload });

  const clientEvents = Object.entries(CLIENT_EVENTS) as [
    ClientEventName,
    (typeof CLIENT_EVENTS)[ClientEventName],
  ][];
  for (const [event, spec] of clientEvents) {
    message(clientKey(event), event, event, spec.summary, components.convert(spec.payload, 'input'));
    const codes = eventErrors(event).map((code) => `\`${code}\``);
    message(
      ackKey(event),
      event,
      `${event} acknowledgement`,
      `\`{ok: true, ...result}\`, or \`{ok: false, error}\` with ${codes.join(', ')}.`,
      components.convert(ackSchema(event), 'output'),
    );
    add(operations, clientKey(event), {
      action: 'receive',
      channel: channelRef,
      summary: spec.summary,
      messages: [messageRef(clientKey(event))],
      reply: { channel: channelRef, messages: [messageRef(ackKey(event))] },
    });
  }

  const serverEvents: [string, { summary: string; payload: z.ZodType }][] = [
    ...(Object.entries(SERVER_EVENTS) as [ServerEventName, (typeof SERVER_EVENTS)[ServerEventName]][]),
    [
      CONNECT_ERROR,
      {
        summary:
          'The `data` of the `connect_error` a refused handshake gets; no `connect` follows and the server closes the transport.',
        payload: ConnectErrorSchema,
      },
    ],
  ];
  for (const [event, spec] of serverEvents) {
    message(serverKey(event), event, event, spec.summary, components.convert(spec.payload, 'output'));
    add(operations, serverKey(event), {
      action: 'send',
      channel: channelRef,
      summary: spec.summary,
      messages: [messageRef(serverKey(event))],
    });
  }

  return {
    asyncapi: '3.1.0',
    info: {
      title: 'Tether /chat',
      version: PROTOCOL_VERSION,
      description:
        `Socket.IO namespace \`${CHAT_NAMESPACE}\` (Engine.IO path \`${SOCKET_IO_PATH}\`, transports websocket and polling). ` +
        'A handshake authenticates with the session cookie, `auth: {ticket}` or `auth: {token}`. ' +
        'Every client event takes an acknowledgement callback; its reply is the argument of that callback. ' +
        'The HTTP half of the contract is the OpenAPI document.',
    },
    defaultContentType: 'application/json',
    channels: {
      [CHANNEL]: {
        address: CHAT_NAMESPACE,
        title: 'The chat namespace',
        messages: Object.fromEntries(
          Object.keys(messages).map((key) => [key, { $ref: `#/components/messages/${key}` }]),
        ),
      },
    },
    operations,
    components: { messages, schemas: components.schemas },
  };
}

/** A key written twice would silently replace the first: refuse instead. */
function add(map: Record<string, JsonSchema>, key: string, value: JsonSchema): void {
  if (key in map) throw new Error(`AsyncAPI key ${key} is used twice`);
  map[key] = value;
}
