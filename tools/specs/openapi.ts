import type { z } from 'zod';
import {
  API_KEY_HEADER,
  ApiErrorSchema,
  apiErrorOf,
  ROUTE_AUTH,
  ERRORS,
  PROTOCOL_VERSION,
  routeErrors,
  routeSuccesses,
  ROUTES,
  SESSION_COOKIE,
  type ErrorCode,
  type HttpRoute,
} from '../../src/protocol/index.js';
import { isOptional, SchemaComponents, type JsonSchema } from './json-schema.js';

const JSON_TYPE = 'application/json';

const SUCCESS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified: the `If-None-Match` ETag still matches.',
};

/** Security requirement objects for each auth mode: alternatives, any one of which suffices. */
const SECURITY: Record<HttpRoute['auth'], Record<string, []>[]> = {
  none: [],
  session: [{ sessionCookie: [] }],
  sessionOrBearer: [{ sessionCookie: [] }, { bearerToken: [] }],
  apiKey: [{ apiKey: [] }],
};

/** The OpenAPI 3.1 document of the HTTP API, from `ROUTES` and the zod schemas they name. */
export function openApiDocument(): JsonSchema {
  const components = new SchemaComponents('draft-2020-12', '#/components/schemas/');
  // Every error body has this shape; each response below narrows its `code`.
  components.convert(ApiErrorSchema, 'output');
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [operationId, route] of Object.entries(ROUTES) as [string, HttpRoute][]) {
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = operation(operationId, route, components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tether HTTP API',
      version: PROTOCOL_VERSION,
      summary:
        'Accounts, sessions, credentials for cookieless clients, rooms and history, and the server API for operators and backends.',
      description:
        'Bodies are JSON. Every error is `{code, message, details?}` with the status its code maps to. ' +
        'Unsafe requests from a foreign `Origin` are refused with 403 `CROSS_ORIGIN` before anything runs. ' +
        'The realtime half of the contract is the AsyncAPI document of `/chat`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: {
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE.name,
          description: `${ROUTE_AUTH.session} Named \`${SESSION_COOKIE.secureName}\` when the request came over HTTPS.`,
        },
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An access token from `POST /auth/token`.',
        },
        apiKey: { type: 'apiKey', in: 'header', name: API_KEY_HEADER, description: ROUTE_AUTH.apiKey },
      },
    },
  };
}

function operation(operationId: string, route: HttpRoute, components: SchemaComponents): JsonSchema {
  const parameters = [
    ...parametersOf(route.params, 'path', components),
    ...parametersOf(route.query, 'query', components),
  ];
  return {
    operationId,
    summary: route.summary,
    tags: [route.path.split('/')[1]],
    security: SECURITY[route.auth],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: !isOptional(route.body),
            content: { [JSON_TYPE]: { schema: components.convert(route.body, 'input') } },
          },
        }
      : {}),
    responses: { ...successes(route, components), ...failures(route, components) },
  };
}

function parametersOf(
  schema: z.ZodObject | undefined,
  where: 'path' | 'query',
  components: SchemaComponents,
): JsonSchema[] {
  return Object.entries(schema?.shape ?? {}).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !isOptional(field as z.ZodType),
    schema: components.convert(field as z.ZodType, 'input'),
  }));
}

function successes(route: HttpRoute, components: SchemaComponents): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries(routeSuccesses(route)).map(([status, body]) => [
      status,
      {
        description: SUCCESS_TEXT[Number(status)] ?? 'Success',
        ...(body ? { content: { [JSON_TYPE]: { schema: components.convert(body, 'output') } } } : {}),
      },
    ]),
  );
}

/** One response per error status, its body narrowed to the codes the route answers with there. */
function failures(route: HttpRoute, components: SchemaComponents): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of routeErrors(route)) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      String(status),
      {
        description: codes.map((code) => `\`${code}\`: ${ERRORS[code].message}.`).join(' '),
        ...(codes.includes('RATE_LIMITED')
          ? {
              headers: {
                'Retry-After': {
                  description: 'Seconds to wait; equal to `details.retryAfterSec`.',
                  schema: { type: 'integer', minimum: 1 },
                },
              },
            }
          : {}),
        content: { [JSON_TYPE]: { schema: components.convert(apiErrorOf(codes), 'output') } },
      },
    ]),
  );
}
