import { TetherClient, TetherError, type Room } from '@tether/client';

let current = createClient();

function createClient(): TetherClient {
  // websocket first: a browser that can, skips the polling round trips.
  return new TetherClient({ socket: { transports: ['websocket', 'polling'] } });
}

/**
 * The tab's `@tether/client`: HTTP at any time, and the socket of the logged-in session. A client
 * whose session ended never connects again, so a new login gets a new one (`renew`).
 */
export const session = {
  get client(): TetherClient {
    return current;
  },
  renew(): TetherClient {
    current.close();
    current = createClient();
    return current;
  },
};

/** Every page of `GET /rooms`. */
export async function allRooms(): Promise<Room[]> {
  const rooms: Room[] = [];
  for (let cursor: string | undefined; ;) {
    const page = await session.client.request('listRooms', cursor === undefined ? {} : { query: { cursor } });
    rooms.push(...page.rooms);
    if (page.nextCursor === null) return rooms;
    cursor = page.nextCursor;
  }
}

export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** A sentence for the user; `context` picks the wording for codes whose meaning depends on the form. */
export function describeError(
  error: unknown,
  context: 'login' | 'register' | 'room' | 'member' | 'password',
): string {
  if (!(error instanceof TetherError)) return 'Something went wrong. Try again.';
  switch (error.code) {
    case 'NETWORK':
      return 'Cannot reach the server. Check your connection and try again.';
    case 'INVALID_CREDENTIALS':
      return context === 'password' ? 'Your current password is wrong.' : 'Wrong username or password.';
    case 'VALIDATION': {
      const fields = error.fieldErrors;
      return fields.length > 0
        ? `Please correct: ${fields.map((f) => `${labelOf(f.field)} ${f.message}`).join('; ')}.`
        : error.message;
    }
    case 'CONFLICT':
      return context === 'register' ? 'That username is taken. Choose another one.' : error.message;
    case 'RATE_LIMITED':
      return error.retryAfterSec !== undefined
        ? `Too many attempts. Try again in ${formatWait(error.retryAfterSec)}.`
        : 'Too many attempts. Wait a moment and try again.';
    case 'CROSS_ORIGIN':
      return 'The server refused the request because it did not come from this site. Reload the page and try again.';
    case 'FORBIDDEN':
      return context === 'member'
        ? 'Only the owner of this room can add members.'
        : 'You are not allowed to do that.';
    case 'NOT_FOUND':
      return context === 'member' ? 'No such user (or the room no longer exists).' : 'Not found.';
    case 'UNAUTHENTICATED':
    case 'SESSION_EXPIRED':
      return 'Your session has ended. Log in again.';
    case 'PAYLOAD_TOO_LARGE':
      return 'That is too long.';
    case 'LIMIT_REACHED':
      return context === 'room' ? 'You own as many rooms as allowed.' : error.message;
    case 'ACCOUNT_DISABLED':
      return 'This account is disabled. Ask the server’s operator.';
    case 'REGISTRATION_CLOSED':
      return 'This server does not take sign-ups. Ask its operator for an account.';
    case 'PROTOCOL_MISMATCH':
      return 'This page is out of date for the server. Reload the page.';
    default:
      return 'The server had a problem. Try again in a moment.';
  }
}

const LABELS: Record<string, string> = {
  username: 'Username',
  password: 'Password',
  displayName: 'Display name',
  currentPassword: 'Current password',
  newPassword: 'New password',
  name: 'Name',
  visibility: 'Visibility',
};

export const labelOf = (field: string): string => LABELS[field] ?? field;
