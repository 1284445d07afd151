import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { ackKey, clientKey, CONNECT_ERROR, serverKey } from '../../tools/specs/asyncapi.js';
import { asyncApiDocument, openApiDocument } from '../../tools/specs/index.js';

/**
 * Validators compiled by ajv from the published documents themselves (generated here exactly as
 * the build generates them; `specs.e2e-spec.ts` checks the two agree), so what the server is held
 * to is what it publishes, not the zod schemas behind it.
 */

type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

const OPENAPI_ID = 'https://tether.invalid/openapi.json';
const ASYNCAPI_ID = 'https://tether.invalid/asyncapi.json';
const JSON_TYPE = 'application/json';

const pointer = (...segments: string[]) =>
  segments.map((s) => `/${s.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

export const openapi = openApiDocument() as Json & { paths: Record<string, Record<string, Operation>> };
export const asyncapi = asyncApiDocument() as Json & {
  operations: Record<string, { action: 'send' | 'receive' }>;
  components: { messages: Record<string, { name: string }> };
};

// The documents are not schemas at their top level: strict mode would reject `paths`, `info`, ...
const http = new Ajv2020({ strict: false, allErrors: true });
formats.default(http);
http.addSchema(openapi, OPENAPI_ID);
const socket = new Ajv({ strict: false, allErrors: true });
formats.default(socket);
socket.addSchema(asyncapi, ASYNCAPI_ID);

const compiled = new Map<string, ValidateFunction>();
function validator(ajv: Ajv | Ajv2020, ref: string): ValidateFunction {
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.getSchema(ref);
    if (!validate) throw new Error(`the specification has nothing at ${ref}`);
    compiled.set(ref, validate);
  }
  return validate;
}

function problemsOf(validate: ValidateFunction, value: unknown, what: string): string[] {
  if (validate(value)) return [];
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
  return [
    `${what} does not match the specification: ${errors.join('; ')}; got ${JSON.stringify(value)?.slice(0, 500)}`,
  ];
}

/** Each path template as a pattern; literal paths first, so `/rooms/new` would beat `/rooms/{id}`. */
const ROUTE_PATTERNS = Object.entries(openapi.paths)
  .map(([template, item]) => ({
    template,
    item,
    params: (template.match(/\{/g) ?? []).length,
    pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
  }))
  .sort((a, b) => a.params - b.params);

export interface HttpExchange {
  method: string;
  path: string;
  status: number;
  contentType: string | undefined;
  body: string;
}

/** The `operationId` an HTTP request is served by, if the specification has it. */
export function operationOf(
  method: string,
  path: string,
): { operationId: string; template: string } | undefined {
  for (const { template, item, pattern } of ROUTE_PATTERNS) {
    const operation = item[method.toLowerCase()];
    if (operation && pattern.test(path)) return { operationId: operation.operationId, template };
  }
  return undefined;
}

/** What is wrong with one HTTP response, judged by the OpenAPI document; `key` names it for coverage. */
export function checkHttp(exchange: HttpExchange): { key?: string; problems: string[] } {
  const { method, path, status, contentType, body } = exchange;
  const found = operationOf(method, path);
  const isJson = contentType?.startsWith(JSON_TYPE) ?? false;
  const what = `${method} ${path} -> ${status}`;
  if (!found) {
    // Not an operation (unknown route, static file): an error it answers must still be the error shape.
    if (status < 400 || !isJson) return { problems: [] };
    return { problems: checkJson(validator(http, `${OPENAPI_ID}#/components/schemas/ApiError`), body, what) };
  }
  const key = `http ${found.operationId} ${status}`;
  const response = openapi.paths[found.template][method.toLowerCase()].responses[String(status)];
  if (!response)
    return { key, problems: [`${what}: the specification declares no ${status} for ${found.operationId}`] };
  if (!response.content) {
    return {
      key,
      problems:
        body.length > 0 ? [`${what}: the specification declares no body, got ${body.slice(0, 200)}`] : [],
    };
  }
  if (!isJson)
    return { key, problems: [`${what}: expected ${JSON_TYPE}, got ${contentType ?? 'no content type'}`] };
  const ref = `${OPENAPI_ID}#${pointer('paths', found.template, method.toLowerCase(), 'responses', String(status), 'content', JSON_TYPE, 'schema')}`;
  return { key, problems: checkJson(validator(http, ref), body, what) };
}

function checkJson(validate: ValidateFunction, body: string, what: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return [`${what}: the body is not JSON: ${body.slice(0, 200)}`];
  }
  return problemsOf(validate, value, what);
}

const messageRef = (key: string) => `${ASYNCAPI_ID}#${pointer('components', 'messages', key, 'payload')}`;

/** A server event's arguments, judged by the AsyncAPI document. */
export function checkServerEvent(event: string, args: unknown[]): { key: string; problems: string[] } {
  const key = serverKey(event);
  if (!(key in asyncapi.components.messages)) {
    return { key, problems: [`the server emitted ${event}, which the specification does not declare`] };
  }
  if (args.length !== 1)
    return { key, problems: [`${event} carried ${args.length} arguments, not one payload`] };
  return { key, problems: problemsOf(validator(socket, messageRef(key)), args[0], `event ${event}`) };
}

/** The acknowledgement of a client event, judged by the AsyncAPI document. */
export function checkAck(event: string, args: unknown[]): { key: string; problems: string[] } {
  const key = ackKey(event);
  if (!(clientKey(event) in asyncapi.components.messages)) {
    return { key, problems: [`the server acknowledged ${event}, which the specification does not declare`] };
  }
  if (args.length !== 1)
    return { key, problems: [`the ${event} ack carried ${args.length} arguments, not one`] };
  const outcome =
    (args[0] as { ok?: unknown; error?: { code?: unknown } } | null)?.ok === true
      ? 'ok'
      : String((args[0] as { error?: { code?: unknown } })?.error?.code);
  return {
    key: `${key} ${outcome}`,
    problems: problemsOf(validator(socket, messageRef(key)), args[0], `the ${event} ack`),
  };
}

/** The `data` of a refused handshake. */
export function checkConnectError(data: unknown): { key: string; problems: string[] } {
  const key = serverKey(CONNECT_ERROR);
  const code = (data as { code?: unknown } | null)?.code;
  return {
    key: `${key} ${String(code)}`,
    problems: problemsOf(validator(socket, messageRef(key)), data, 'connect_error data'),
  };
}

/**
 * Every operation of both documents, named as the observation keys that cover it begin: an HTTP
 * operation by any response, a client event by any acknowledgement, a server event by itself.
 */
export function specOperations(): string[] {
  const http = Object.values(openapi.paths).flatMap((item) =>
    Object.values(item).map((op) => `http ${op.operationId}`),
  );
  const socket = Object.entries(asyncapi.operations).map(([key, op]) =>
    op.action === 'receive' ? ackKey(asyncapi.components.messages[key].name) : key,
  );
  return [...http, ...socket];
}

/** Whether an observation key counts for an operation named by `specOperations`. */
export const covers = (observed: string, operation: string): boolean =>
  observed === operation || observed.startsWith(`${operation} `);
