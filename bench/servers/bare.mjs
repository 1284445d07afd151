/**
 * The benchmark's yardstick: bare Socket.IO (the same `socket.io` package as Tether) with no auth,
 * no storage, no validation, no rate limit and no presence. Messages get an id from a counter and
 * one fixed author. Started by the harness: `PORT=<n> node bench/servers/bare.mjs`.
 */
import { messageId, portFromEnv, startChatServer } from './chat-server.mjs';

// About as big on the wire as Tether's author object.
const AUTHOR = { id: '00000000-0000-4000-8000-000000000000', username: 'bare', displayName: 'Bare' };
let seq = 0;

startChatServer({
  port: portFromEnv(),
  persist: (_socket, roomId, text, clientMsgId) => {
    seq += 1;
    const createdAt = new Date().toISOString();
    return {
      message: { id: messageId(seq), roomId, author: AUTHOR, text, clientMsgId, createdAt },
      created: true,
    };
  },
});
