import { z } from 'zod';
import { byStatus, type ErrorCode } from './errors.js';
import {
  AddMemberSchema,
  ChangePasswordSchema,
  CreateRoomSchema,
  EmptyBodySchema,
  HealthResponseSchema,
  InfoResponseSchema,
  LivenessResponseSchema,
  LoginSchema,
  MessageResponseSchema,
  MessagesQuerySchema,
  MessagesResponseSchema,
  PresenceResponseSchema,
  ProtocolInfoSchema,
  PublishMessageSchema,
  RegisterSchema,
  RegistrationResponseSchema,
  RoomIdPathSchema,
  RoomResponseSchema,
  RoomsQuerySchema,
  RoomsResponseSchema,
  SetPasswordSchema,
  TicketResponseSchema,
  TokenResponseSchema,
  UsernamePathSchema,
  UserResponseSchema,
} from './http.js';
import { API_KEY_HEADER } from './limits.js';

/** How a route authenticates its caller. */
export const ROUTE_AUTH = {
  none: 'No credential needed.',
  session: 'The session cookie only: a bearer token cannot mint credentials, log out or change the password.',
  sessionOrBearer: 'The session cookie, or `Authorization: Bearer <accessToken>` from `POST /auth/token`.',
  apiKey: `The server API key (\`API_KEY\`) in \`${API_KEY_HEADER}\`, from operators and other backends, never from a browser. Without \`API_KEY\` the server API is off and answers 404.`,
} as const;
export type RouteAuth = keyof typeof ROUTE_AUTH;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRoute {
  method: HttpMethod;
  /** With `{name}` for each path parameter, as OpenAPI writes it. */
  path: `/${string}`;
  summary: string;
  auth: RouteAuth;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Success statuses with their bodies (`null`: no body). */
  responses: Readonly<Record<number, z.ZodType | null>>;
  /** Error codes of this route beyond those every route of its kind may answer (`routeErrors`). */
  errors: readonly ErrorCode[];
}

const RoomPathSchema = z.strictObject({ id: z.string().min(1) });

/** Server API routes on a user; unknown usernames are NOT_FOUND. */
const userAction = (action: string, summary: string) =>
  ({
    method: 'POST',
    path: `/api/users/{username}/${action}`,
    summary,
    auth: 'apiKey',
    params: UsernamePathSchema,
    body: EmptyBodySchema,
    responses: { 204: null },
    errors: ['NOT_FOUND'],
  }) as const;

/** The server API, for operators and other backends (`API_KEY`). */
const SERVER_API_ROUTES = {
  apiCreateUser: {
    method: 'POST',
    path: '/api/users',
    summary: 'Create an account (also when registration is closed).',
    auth: 'apiKey',
    body: RegisterSchema,
    responses: { 201: UserResponseSchema },
    errors: ['CONFLICT'],
  },
  apiUnlockUser: userAction('unlock', 'Clear the login lockout of this username.'),
  apiDisableUser: userAction(
    'disable',
    'Disable the account: its logins answer ACCOUNT_DISABLED, and every session, ticket, token and socket of it ends on every instance (`session:ended {reason: disabled}`).',
  ),
  apiEnableUser: userAction(
    'enable',
    'Enable a disabled account: it may log in again. Sessions ended by disabling stay ended.',
  ),
  apiRevokeSessions: userAction(
    'sessions/revoke',
    'End every session, ticket, token and socket of the user on every instance (`session:ended {reason: revoked}`); the next request of any of them is 401.',
  ),
  apiSetPassword: {
    method: 'POST',
    path: '/api/users/{username}/password',
    summary:
      'An operator\u2019s password reset: every session, ticket, token and socket of the user ends (`session:ended {reason: password_changed}`).',
    auth: 'apiKey',
    params: UsernamePathSchema,
    body: SetPasswordSchema,
    responses: { 204: null },
    errors: ['NOT_FOUND'],
  },
  apiPublish: {
    method: 'POST',
    path: '/api/rooms/{roomId}/messages',
    summary:
      'Store a message and hand it to every member on every instance, as a user\u2019s (`message:new`); by the system author unless `author` names a user who may post there. The same `clientMsgId` again returns the stored message.',
    auth: 'apiKey',
    params: RoomIdPathSchema,
    body: PublishMessageSchema,
    responses: { 201: MessageResponseSchema },
    errors: ['NOT_FOUND', 'FORBIDDEN', 'ACCOUNT_DISABLED', 'CONFLICT'],
  },
  apiPresence: {
    method: 'GET',
    path: '/api/rooms/{roomId}/presence',
    summary:
      'Who has a socket in the room, on every instance that answered in time (`missing` counts those that did not).',
    auth: 'apiKey',
    params: RoomIdPathSchema,
    responses: { 200: PresenceResponseSchema },
    errors: ['NOT_FOUND'],
  },
  apiInfo: {
    method: 'GET',
    path: '/api/info',
    summary:
      'Every instance of the cluster that answered in time, with its sockets (`missing` counts those that did not).',
    auth: 'apiKey',
    responses: { 200: InfoResponseSchema },
    errors: [],
  },
} as const satisfies Record<string, HttpRoute>;

/**
 * Every HTTP route, once. The OpenAPI document, the typed client, the contract test and the check
 * that Nest serves exactly these routes all read this table: a new endpoint starts here.
 * The keys are the OpenAPI `operationId`s.
 */
export const ROUTES = {
  register: {
    method: 'POST',
    path: '/auth/register',
    summary:
      'Create an account. It does not log in. Registrations are rate limited per client address; with `REGISTRATION=closed` only the server API creates accounts.',
    auth: 'none',
    body: RegisterSchema,
    responses: { 201: UserResponseSchema },
    errors: ['CONFLICT', 'RATE_LIMITED', 'REGISTRATION_CLOSED'],
  },
  registration: {
    method: 'GET',
    path: '/auth/registration',
    summary:
      'Whether `POST /auth/register` takes new accounts (`open`) or only the server API does (`closed`).',
    auth: 'none',
    responses: { 200: RegistrationResponseSchema },
    errors: [],
  },
  login: {
    method: 'POST',
    path: '/auth/login',
    summary:
      'Log in: sets a new session cookie. Unknown user and wrong password answer alike; repeated failures are rate limited; a disabled account is ACCOUNT_DISABLED whatever the password.',
    auth: 'none',
    body: LoginSchema,
    responses: { 200: UserResponseSchema },
    errors: ['INVALID_CREDENTIALS', 'ACCOUNT_DISABLED', 'RATE_LIMITED'],
  },
  logout: {
    method: 'POST',
    path: '/auth/logout',
    summary:
      'Destroy and revoke the session, clear its cookie, end its sockets (`session:ended {reason: logout}`).',
    auth: 'session',
    responses: { 204: null },
    errors: [],
  },
  me: {
    method: 'GET',
    path: '/auth/me',
    summary: 'The authenticated user.',
    auth: 'sessionOrBearer',
    responses: { 200: UserResponseSchema },
    errors: [],
  },
  changePassword: {
    method: 'POST',
    path: '/auth/password',
    summary:
      'Change the password: this session moves to a new id (a new cookie; its cookie sockets reconnect with it), every other session of the user ends (`session:ended {reason: password_changed}`). Wrong current passwords count as failed logins.',
    auth: 'session',
    body: ChangePasswordSchema,
    responses: { 204: null },
    errors: ['INVALID_CREDENTIALS', 'RATE_LIMITED'],
  },
  wsTicket: {
    method: 'POST',
    path: '/auth/ws-ticket',
    summary: 'A one-time ticket for one socket handshake (`auth: {ticket}`), tied to this session.',
    auth: 'session',
    body: EmptyBodySchema,
    responses: { 201: TicketResponseSchema },
    errors: [],
  },
  token: {
    method: 'POST',
    path: '/auth/token',
    summary: 'A short-lived access token (`auth: {token}`, `Authorization: Bearer`), tied to this session.',
    auth: 'session',
    body: EmptyBodySchema,
    responses: { 201: TokenResponseSchema },
    errors: [],
  },
  listRooms: {
    method: 'GET',
    path: '/rooms',
    summary:
      'A page of the public rooms and the private rooms the user belongs to, oldest first; `nextCursor` fetches the next page (null on the last).',
    auth: 'sessionOrBearer',
    query: RoomsQuerySchema,
    responses: { 200: RoomsResponseSchema },
    errors: [],
  },
  createRoom: {
    method: 'POST',
    path: '/rooms',
    summary:
      'Create a room; the creator owns it and is a member. Creations are rate limited per user, and a user owns a limited number of rooms.',
    auth: 'sessionOrBearer',
    body: CreateRoomSchema,
    responses: { 201: RoomResponseSchema },
    errors: ['LIMIT_REACHED', 'RATE_LIMITED'],
  },
  getRoom: {
    method: 'GET',
    path: '/rooms/{id}',
    summary: 'One room. A private room the user is not in is NOT_FOUND, like a missing one.',
    auth: 'sessionOrBearer',
    params: RoomPathSchema,
    responses: { 200: RoomResponseSchema },
    errors: ['NOT_FOUND'],
  },
  addMember: {
    method: 'POST',
    path: '/rooms/{id}/members',
    summary: 'Add a user to a room (owner only; idempotent).',
    auth: 'sessionOrBearer',
    params: RoomPathSchema,
    body: AddMemberSchema,
    responses: { 204: null },
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  },
  roomMessages: {
    method: 'GET',
    path: '/rooms/{id}/messages',
    summary: 'A page of a room\u2019s history, oldest first (members; public rooms: any user).',
    auth: 'sessionOrBearer',
    params: RoomPathSchema,
    query: MessagesQuerySchema,
    responses: { 200: MessagesResponseSchema },
    errors: ['NOT_FOUND'],
  },
  health: {
    method: 'GET',
    path: '/health',
    summary: 'Readiness, as `GET /health/ready` (kept for load balancer configs that probe `/health`).',
    auth: 'none',
    responses: { 200: HealthResponseSchema },
    errors: [],
  },
  healthReady: {
    method: 'GET',
    path: '/health/ready',
    summary:
      'Readiness, for load balancers: 200 when every dependency in use answers a short ping; 503 `UNAVAILABLE` with `details: {instance, draining, checks}` while draining or when one does not.',
    auth: 'none',
    responses: { 200: HealthResponseSchema },
    errors: [],
  },
  healthLive: {
    method: 'GET',
    path: '/health/live',
    summary:
      'Liveness, for restarting a stuck process: 200 whenever the event loop answers; never checks dependencies.',
    auth: 'none',
    responses: { 200: LivenessResponseSchema },
    errors: [],
  },
  protocol: {
    method: 'GET',
    path: '/protocol',
    summary: 'The protocol version this server speaks, and where its specifications are published.',
    auth: 'none',
    responses: { 200: ProtocolInfoSchema },
    errors: [],
  },
  ...SERVER_API_ROUTES,
} as const satisfies Record<string, HttpRoute>;

export type RouteName = keyof typeof ROUTES;

const UNSAFE_METHODS: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every error code a route may answer with: its own, those of its auth mode, `CROSS_ORIGIN` and the
 * body errors (malformed or oversized JSON) for unsafe methods, `VALIDATION` wherever input is
 * parsed, and everywhere `PAYLOAD_TOO_LARGE` (a request of any method whose `Content-Length`
 * announces a body over the limit is refused before it is read), `UNAVAILABLE` (a backing service
 * out of reach) and `INTERNAL`.
 */
export function routeErrors(route: HttpRoute): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.errors);
  if (route.auth !== 'none') codes.add('UNAUTHENTICATED');
  if (route.auth === 'sessionOrBearer') codes.add('TOKEN_INVALID').add('TOKEN_EXPIRED');
  // The server API: off (404 like an unknown route), refused to browsers of other origins whatever
  // the method, and rate limited per client address before the key is checked.
  if (route.auth === 'apiKey') codes.add('NOT_FOUND').add('CROSS_ORIGIN').add('RATE_LIMITED');
  if (UNSAFE_METHODS.has(route.method)) codes.add('CROSS_ORIGIN').add('VALIDATION');
  if (route.body || route.query || route.params) codes.add('VALIDATION');
  codes.add('PAYLOAD_TOO_LARGE').add('UNAVAILABLE').add('INTERNAL');
  return [...codes].sort(byStatus);
}

/**
 * Every success a route may answer: its own, and 304 Not Modified (no body) to a conditional GET
 * whose `If-None-Match` still matches the ETag the server sent with the last 200.
 */
export function routeSuccesses(route: HttpRoute): Readonly<Record<number, z.ZodType | null>> {
  return route.method === 'GET' ? { ...route.responses, 304: null } : route.responses;
}

/** A route's path with its parameters filled in (each URI-encoded). */
export function routePath(route: Pick<HttpRoute, 'path'>, params: Record<string, string> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${route.path}`);
    return encodeURIComponent(value);
  });
}
