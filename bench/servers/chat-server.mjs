/**
 * What the bare and floor servers share: an HTTP server with a Socket.IO 4.8 server on it, with
 * Tether's server options where they change what a socket costs, and a `/chat` namespace that
 * speaks Tether's event names and ack shapes for the two events the benchmark sends.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

/**
 * The options of Tether's `createIOServer` (src/realtime/session-io.adapter.ts) that matter to a
 * websocket client: keep them equal to Tether's. Connection state recovery is left off on
 * purpose: it is a cost of Tether's that the benchmark shows (its fate is the hardening issue's).
 */
export const SOCKET_OPTIONS = {
  path: '/socket.io',
  serveClient: false,
  maxHttpBufferSize: 65_536,
  pingInterval: 25_000,
  pingTimeout: 20_000,
  connectTimeout: 10_000,
  cookie: false,
};

/** Port from the environment, or exit: these servers are only ever started by the harness. */
export function portFromEnv() {
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0) {
    process.stderr.write('PORT must be a port number\n');
    process.exit(1);
  }
  return port;
}

/**
 * Starts the server on 127.0.0.1:`port`. `onRequest` serves plain HTTP (the floor's login);
 * `persist(socket, roomId, text, clientMsgId)` stores a message and returns it, or returns
 * `{message, created: false}` for a repeated clientMsgId, which is acked but not broadcast.
 */
export function startChatServer({ port, onRequest, persist }) {
  const httpServer = createServer(onRequest ?? ((_req, res) => res.writeHead(404).end()));
  const io = new Server(httpServer, SOCKET_OPTIONS);
  const chat = io.of('/chat');

  chat.on('connection', (socket) => {
    // Ack and nothing else: no history, no presence (Tether's extra work is what is measured).
    socket.on('room:join', (payload, ack) => {
      const roomId = String(payload?.roomId);
      void socket.join(`room:${roomId}`);
      ack({
        ok: true,
        room: { id: roomId, name: roomId, visibility: 'public', ownerId: 'bench', createdAt: STARTED_AT },
        messages: [],
        online: [],
      });
    });

    // Tether's order: broadcast to the rest of the room, then ack the sender.
    socket.on('message:send', (payload, ack) => {
      const roomId = String(payload?.roomId);
      const { message, created } = persist(
        socket,
        roomId,
        String(payload?.text),
        String(payload?.clientMsgId),
      );
      if (created) socket.to(`room:${roomId}`).emit('message:new', message);
      ack({ ok: true, message });
    });
  });

  httpServer.listen(port, '127.0.0.1');
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => {
      void io.close();
      process.exit(0);
    });
  }
  return { io, chat };
}

const STARTED_AT = new Date().toISOString();

/** Message ids as Tether writes them: 16-digit, zero-padded sequence numbers. */
export const messageId = (seq) => String(seq).padStart(16, '0');
