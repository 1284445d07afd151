import type { ApiError, Message, Room, User } from '../../src/protocol/index.js';

export interface FieldError {
  field: string;
  message: string;
}

/** A failed request: an error body from the server, or `NETWORK` when none arrived. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiError['code'] | 'NETWORK',
    message: string,
    readonly details?: unknown,
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'RequestError';
  }

  get fieldErrors(): FieldError[] {
    return Array.isArray(this.details)
      ? this.details.filter(
          (d): d is FieldError => typeof d?.field === 'string' && typeof d?.message === 'string',
        )
      : [];
  }
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new RequestError(0, 'NETWORK', 'Cannot reach the server. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => undefined);
  if (res.ok) return data as T;
  const error = (data ?? {}) as Partial<ApiError>;
  const header = Number(res.headers.get('Retry-After'));
  const fromDetails = (error.details as { retryAfterSec?: unknown } | undefined)?.retryAfterSec;
  const retryAfterSec =
    typeof fromDetails === 'number'
      ? fromDetails
      : Number.isFinite(header) && header > 0
        ? header
        : undefined;
  throw new RequestError(
    res.status,
    error.code ?? (res.status >= 500 ? 'INTERNAL' : 'VALIDATION'),
    error.message ?? res.statusText,
    error.details,
    retryAfterSec,
  );
}

export const api = {
  me: () => request<{ user: User }>('GET', '/auth/me'),
  login: (username: string, password: string) =>
    request<{ user: User }>('POST', '/auth/login', { username, password }),
  register: (input: { username: string; password: string; displayName?: string }) =>
    request<{ user: User }>('POST', '/auth/register', input),
  logout: () => request<void>('POST', '/auth/logout'),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('POST', '/auth/password', { currentPassword, newPassword }),
  rooms: (cursor?: string) =>
    request<{ rooms: Room[]; nextCursor: string | null }>(
      'GET',
      cursor === undefined ? '/rooms' : `/rooms?${new URLSearchParams({ cursor })}`,
    ),
  /** Every page of `GET /rooms`. */
  async allRooms(): Promise<Room[]> {
    const rooms: Room[] = [];
    for (let cursor: string | undefined; ;) {
      const page = await api.rooms(cursor);
      rooms.push(...page.rooms);
      if (page.nextCursor === null) return rooms;
      cursor = page.nextCursor;
    }
  },
  createRoom: (name: string, visibility: Room['visibility']) =>
    request<{ room: Room }>('POST', '/rooms', { name, visibility }),
  addMember: (roomId: string, username: string) =>
    request<void>('POST', `/rooms/${encodeURIComponent(roomId)}/members`, { username }),
  olderMessages: (roomId: string, before: string, limit = 50) =>
    request<{ messages: Message[] }>(
      'GET',
      `/rooms/${encodeURIComponent(roomId)}/messages?${new URLSearchParams({ before, limit: String(limit) })}`,
    ),
};

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
  if (!(error instanceof RequestError)) return 'Something went wrong. Try again.';
  switch (error.code) {
    case 'NETWORK':
      return error.message;
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
