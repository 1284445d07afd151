/**
 * The floor: bare Socket.IO plus only what Tether's contract needs per cookie handshake, and
 * message persistence. It shows how close to bare a server with Tether's guarantees can get.
 *
 * Per handshake: parse the Cookie header, unsign `tether.sid` (cookie-signature), read the session
 * once from the store, look up the user (auth epoch) and the session's revocation in SQLite, and
 * join `user:<id>` and `session:<hash>`. `message:send` inserts into SQLite (idempotent per author
 * and clientMsgId), broadcasts, acks. `room:join` acks, like bare's.
 *
 * `POST /login {username}` is the harness's setup, not under test: it creates the user and a
 * session (no password: argon2 is not what the floor measures) and returns the signed cookie.
 *
 * Environment: PORT, DATA_DIR, SESSION_SECRET, SESSION_STORE (`file` | `redis`), REDIS_URL.
 */
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import signature from 'cookie-signature';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { messageId, portFromEnv, startChatServer } from './chat-server.mjs';
import { openFloorDb, openSessionStore, SESSION_TTL_SEC } from './floor-storage.mjs';

const COOKIE_NAME = 'tether.sid';
const ABSOLUTE_TIMEOUT_MS = 604_800_000;

const port = portFromEnv();
const dataDir = process.env.DATA_DIR;
const secret = process.env.SESSION_SECRET;
if (!dataDir || !secret) {
  process.stderr.write('DATA_DIR and SESSION_SECRET are required\n');
  process.exit(1);
}
const db = openFloorDb(dataDir);
const sessions = await openSessionStore(process.env.SESSION_STORE ?? 'file', dataDir, process.env.REDIS_URL);

const sessionHash = (sid) => createHash('sha256').update(sid).digest('base64url').slice(0, 32);
const publicUser = (row) => ({ id: row.id, username: row.username, displayName: row.display_name });

async function login(username) {
  db.upsertUser.run(randomUUID(), username, username);
  const user = db.userByName.get(username);
  const sid = randomBytes(24).toString('base64url');
  await sessions.set(sid, {
    cookie: {
      originalMaxAge: SESSION_TTL_SEC * 1000,
      expires: new Date(Date.now() + SESSION_TTL_SEC * 1000).toISOString(),
      httpOnly: true,
      path: '/',
      sameSite: 'lax',
    },
    passport: { user: { id: user.id, epoch: user.auth_epoch, iat: Date.now() } },
  });
  return serializeCookie(COOKIE_NAME, `s:${signature.sign(sid, secret)}`, { httpOnly: true, path: '/' });
}

function onRequest(req, res) {
  if (req.method !== 'POST' || req.url !== '/login') {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    login(String(JSON.parse(body).username)).then(
      (cookie) => res.writeHead(200, { 'Set-Cookie': cookie }).end(),
      (error) => res.writeHead(500).end(String(error)),
    );
  });
}

/** The identity behind a handshake's cookie, or the contract's refusal code. */
async function authenticate(cookieHeader) {
  const raw = cookieHeader ? parseCookies(cookieHeader)[COOKIE_NAME] : undefined;
  const sid = raw?.startsWith('s:') ? signature.unsign(raw.slice(2), secret) : false;
  if (!sid) return { refusal: 'UNAUTHENTICATED' };
  const stored = (await sessions.get(sid))?.passport?.user;
  if (!stored || Date.now() - stored.iat > ABSOLUTE_TIMEOUT_MS) return { refusal: 'SESSION_EXPIRED' };
  const user = db.userById.get(stored.id);
  const hash = sessionHash(sid);
  if (!user || user.auth_epoch !== stored.epoch || db.isRevoked.get(hash, Date.now()))
    return { refusal: 'SESSION_EXPIRED' };
  return { identity: { user: publicUser(user), sessionHash: hash } };
}

const { chat } = startChatServer({
  port,
  onRequest,
  persist: (socket, roomId, text, clientMsgId) => {
    const author = socket.data.user;
    const createdAt = new Date().toISOString();
    const { changes, lastInsertRowid } = db.insertMessage.run(
      roomId,
      author.id,
      text,
      clientMsgId,
      createdAt,
    );
    if (changes === 0) {
      const row = db.messageByClientId.get(author.id, clientMsgId);
      return {
        message: {
          id: messageId(row.seq),
          roomId,
          author,
          text: row.text,
          clientMsgId,
          createdAt: row.created_at,
        },
        created: false,
      };
    }
    return {
      message: { id: messageId(lastInsertRowid), roomId, author, text, clientMsgId, createdAt },
      created: true,
    };
  },
});

chat.use((socket, next) => {
  authenticate(socket.handshake.headers.cookie).then(({ identity, refusal }) => {
    if (!identity) {
      const error = new Error(refusal);
      error.data = { code: refusal, message: refusal };
      next(error);
      return;
    }
    socket.data = identity;
    next();
  }, next);
});

chat.on('connection', (socket) => {
  void socket.join([`user:${socket.data.user.id}`, `session:${socket.data.sessionHash}`]);
});
