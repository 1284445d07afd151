import type { z } from 'zod';
import { TetherError } from './errors.js';
import {
  API_KEY_HEADER,
  ApiErrorSchema,
  ERRORS,
  routePath,
  ROUTES,
  type HttpRoute,
  type RouteName,
} from './protocol.js';
import type { SessionCookie } from './session-cookie.js';

type RouteOf<R extends RouteName> = (typeof ROUTES)[R];
type Success<R extends RouteName> = RouteOf<R>['responses'][keyof RouteOf<R>['responses']];

/** What a route answers on success (`void` for 204). */
export type ResponseOf<R extends RouteName> = Success<R> extends z.ZodType ? z.output<Success<R>> : void;

/** What a route takes: its path parameters, query and body, each only where the table has one. */
export type RequestOf<R extends RouteName> = (RouteOf<R> extends { params: infer P extends z.ZodType }
  ? { params: z.input<P> }
  : { params?: never }) &
  (RouteOf<R> extends { query: infer Q extends z.ZodType }
    ? { query?: { [K in keyof z.input<Q>]?: string | number } }
    : { query?: never }) &
  (RouteOf<R> extends { body: infer B extends z.ZodType } ? { body?: z.input<B> } : { body?: never });

export interface HttpOptions {
  baseUrl: string;
  /** Outside a browser: the session cookie this client keeps itself. */
  jar?: SessionCookie;
  /** A bearer token for the routes that take one, when there is no session cookie to use. */
  bearer: () => string | undefined;
  /** The server API key, sent on the server API's routes only. */
  apiKey?: string;
}

/** The HTTP API, typed by the route table: `call('getRoom', {params: {id}})`. */
export class HttpApi {
  constructor(private readonly options: HttpOptions) {}

  async call<R extends RouteName>(
    name: R,
    request: RequestOf<R> = {} as RequestOf<R>,
  ): Promise<ResponseOf<R>> {
    const route: HttpRoute = ROUTES[name];
    const { params, query, body } = request as {
      params?: Record<string, string>;
      query?: Record<string, string | number | undefined>;
      body?: unknown;
    };
    const search = new URLSearchParams(
      Object.entries(query ?? {}).flatMap(([key, value]) =>
        value === undefined ? [] : [[key, String(value)]],
      ),
    ).toString();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const { jar, bearer } = this.options;
    if (jar?.header) headers.Cookie = jar.header;
    const token = bearer();
    if (route.auth === 'sessionOrBearer' && token && !jar?.header) headers.Authorization = `Bearer ${token}`;
    if (route.auth === 'apiKey' && this.options.apiKey) headers[API_KEY_HEADER] = this.options.apiKey;

    let res: Response;
    try {
      res = await fetch(`${this.options.baseUrl}${routePath(route, params)}${search ? `?${search}` : ''}`, {
        method: route.method,
        headers,
        // In a browser the browser keeps the cookie (also for an allowed cross-origin server).
        credentials: jar ? 'omit' : 'include',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new TetherError('NETWORK', 'The server could not be reached');
    }
    jar?.update(res.headers);
    if (res.ok) return (res.status === 204 ? undefined : await res.json()) as ResponseOf<R>;
    throw await failure(res);
  }
}

/** The error body of a failed response, or a generic one when the body is not Tether's. */
async function failure(res: Response): Promise<TetherError> {
  const parsed = ApiErrorSchema.safeParse(await res.json().catch(() => undefined));
  if (parsed.success) {
    const error = TetherError.from(parsed.data, res.status);
    const header = Number(res.headers.get('Retry-After'));
    return error.retryAfterSec === undefined && header > 0
      ? new TetherError(error.code, error.message, res.status, { retryAfterSec: header })
      : error;
  }
  return new TetherError(
    res.status >= ERRORS.INTERNAL.status ? 'INTERNAL' : 'VALIDATION',
    res.statusText || `HTTP ${res.status}`,
    res.status,
  );
}
