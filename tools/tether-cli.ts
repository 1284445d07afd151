import { parseArgs } from 'node:util';
import { API_KEY_HEADER } from '../src/protocol/limits.js';

/** What the `tether` command needs from its process: injected, so tests run it on a real server. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  /** The whole of standard input (a password), read only by the commands that need one. */
  stdin: () => Promise<string>;
  out: (line: string) => void;
  err: (line: string) => void;
}

export const EXIT = { ok: 0, refused: 1, usage: 2, unreachable: 3 } as const;

const USAGE = `usage: tether <command>   (reads TETHER_URL, default http://localhost:3000, and API_KEY)
  users create <username> [--display-name <name>]   password on standard input
  users unlock|disable|enable|revoke <username>
  users password <username>                         new password on standard input
  rooms publish <roomId> <text> [--id <clientMsgId>] [--author <username>]
  rooms presence <roomId>
  info`;

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: object;
}

class UsageError extends Error {}

const USER_ACTIONS: Record<string, string> = {
  unlock: 'unlock',
  disable: 'disable',
  enable: 'enable',
  revoke: 'sessions/revoke',
};

/** Runs one command; resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let call: Call;
  try {
    call = await toCall(argv, io);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof TypeError)) throw error;
    io.err(`error: ${error.message}\n${USAGE}`);
    return EXIT.usage;
  }
  const key = io.env.API_KEY;
  if (!key) {
    io.err('error: API_KEY is not set (the server API key, as configured on the server)');
    return EXIT.usage;
  }
  const base = io.env.TETHER_URL ?? 'http://localhost:3000';
  if (!URL.canParse(base)) {
    io.err(`error: TETHER_URL is not a URL: ${base}`);
    return EXIT.usage;
  }
  let res: Response;
  try {
    res = await fetch(new URL(call.path, base), {
      method: call.method,
      headers: { [API_KEY_HEADER]: key, ...(call.body ? { 'Content-Type': 'application/json' } : {}) },
      body: call.body && JSON.stringify(call.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const { cause, message } = error as Error;
    io.err(`error: cannot reach ${base}: ${cause instanceof Error ? cause.message : message}`);
    return EXIT.unreachable;
  }
  const text = await res.text();
  if (res.ok) {
    if (text) io.out(JSON.stringify(JSON.parse(text), null, 2));
    return EXIT.ok;
  }
  io.err(`error: ${describeRefusal(res.status, text)}`);
  return EXIT.refused;
}

async function toCall(argv: string[], io: CliIo): Promise<Call> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'display-name': { type: 'string' },
      id: { type: 'string' },
      author: { type: 'string' },
    },
  });
  const [group, command, target, ...rest] = positionals;
  /** A required argument, as a path segment. */
  const need = (value: string | undefined, what: string) => {
    if (!value) throw new UsageError(`missing ${what}`);
    return encodeURIComponent(value);
  };
  if (group === 'info' && command === undefined) return { method: 'GET', path: '/api/info' };
  if (group === 'users' && command === 'create') {
    if (!target) throw new UsageError('missing <username>');
    const displayName = values['display-name'];
    const body = {
      username: target,
      password: await passwordFrom(io),
      ...(displayName ? { displayName } : {}),
    };
    return { method: 'POST', path: '/api/users', body };
  }
  if (group === 'users' && command === 'password') {
    const path = `/api/users/${need(target, '<username>')}/password`;
    return { method: 'POST', path, body: { newPassword: await passwordFrom(io) } };
  }
  if (group === 'users' && command && USER_ACTIONS[command]) {
    return { method: 'POST', path: `/api/users/${need(target, '<username>')}/${USER_ACTIONS[command]}` };
  }
  if (group === 'rooms' && command === 'publish') {
    const roomId = need(target, '<roomId>');
    const text = rest.join(' ');
    if (!text) throw new UsageError('missing <text>');
    const { id: clientMsgId, author } = values;
    const body = { text, ...(clientMsgId ? { clientMsgId } : {}), ...(author ? { author } : {}) };
    return { method: 'POST', path: `/api/rooms/${roomId}/messages`, body };
  }
  if (group === 'rooms' && command === 'presence') {
    return { method: 'GET', path: `/api/rooms/${need(target, '<roomId>')}/presence` };
  }
  throw new UsageError(`unknown command: ${positionals.join(' ') || '(none)'}`);
}

/** One line of standard input, without its line break: never argv, which `ps` shows everyone. */
async function passwordFrom(io: CliIo): Promise<string> {
  const password = (await io.stdin()).replace(/\r?\n$/, '');
  if (!password) throw new UsageError('the password is read from standard input, and it was empty');
  return password;
}

/** `CODE: message` and, for VALIDATION, which fields; the server's words, not ours. */
function describeRefusal(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { code: string; message: string; details?: unknown };
    const fields = Array.isArray(body.details)
      ? ` (${(body.details as { field: string; message: string }[]).map((d) => `${d.field} ${d.message}`).join('; ')})`
      : '';
    return `${body.code}: ${body.message}${fields}`;
  } catch {
    return `HTTP ${status}`;
  }
}
