/**
 * The benchmark baseline: a bare Socket.IO server (same `socket.io` package as Tether, default
 * options) with a `/chat` namespace that speaks Tether's event names and ack shapes, and does
 * nothing else: no auth, no validation, no persistence, no rate limit, no presence.
 *
 * Whatever Tether costs on top of this is what the benchmark's ratios show. Started by
 * bench/run.mjs as a child process (`PORT=<n> node bench/baseline-server.mjs`), never imported.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('PORT must be a port number\n');
  process.exit(1);
}

// One fixed author: the baseline has no users, but the payload should be about as big as Tether's.
const AUTHOR = { id: 'u_baseline', username: 'baseline', displayName: 'Baseline' };
let nextId = 0;

const httpServer = createServer();
const io = new Server(httpServer);

io.of('/chat').on('connection', (socket) => {
  socket.on('room:join', (payload, ack) => {
    const roomId = String(payload?.roomId);
    void socket.join(`room:${roomId}`);
    ack({
      ok: true,
      room: {
        id: roomId,
        name: roomId,
        visibility: 'public',
        ownerId: AUTHOR.id,
        createdAt: new Date().toISOString(),
      },
      messages: [],
      online: [],
    });
  });

  // Same order as Tether's gateway: broadcast to the rest of the room, then ack the sender.
  socket.on('message:send', (payload, ack) => {
    nextId += 1;
    const message = {
      id: String(nextId).padStart(26, '0'),
      roomId: String(payload?.roomId),
      author: AUTHOR,
      text: String(payload?.text),
      clientMsgId: String(payload?.clientMsgId),
      createdAt: new Date().toISOString(),
    };
    socket.to(`room:${message.roomId}`).emit('message:new', message);
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
