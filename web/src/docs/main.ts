import './docs.css';
import { SPEC_URLS } from '../../../src/protocol/version.js';
import { byId, el, say } from '../dom.js';
import { refName, schemaAnchor, schemaView, type Schema } from './schema-view.js';

/** The parts of the OpenAPI and AsyncAPI documents this page shows. */
interface Operation {
  operationId: string;
  summary: string;
  security: Record<string, unknown>[];
  parameters?: { name: string; in: string; required: boolean; schema: Schema }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
}
interface OpenApi {
  info: { version: string; description: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}
interface SpecMessage {
  name: string;
  title: string;
  summary: string;
  payload: Schema;
}
interface AsyncApi {
  info: { version: string; description: string };
  operations: Record<
    string,
    {
      action: 'send' | 'receive';
      summary: string;
      messages: { $ref: string }[];
      reply?: { messages: { $ref: string }[] };
    }
  >;
  components: { messages: Record<string, SpecMessage>; schemas: Record<string, Schema> };
}

const JSON_TYPE = 'application/json';

/** Text with `code` spans, as the specifications write it. */
function prose(tag: 'p' | 'span', text: string, className = ''): HTMLElement {
  const parts = text.split('`').map((part, i) => (i % 2 === 1 ? el('code', {}, part) : part));
  return el(tag, className ? { className } : {}, ...parts);
}

const authText = (security: Record<string, unknown>[]): string =>
  security.length === 0 ? 'no credential' : security.map((s) => Object.keys(s).join(' + ')).join(' or ');

function httpOperation(path: string, method: string, op: Operation): HTMLElement {
  const body = op.requestBody?.content[JSON_TYPE]?.schema;
  return el(
    'article',
    { className: 'operation', id: `op-${op.operationId}` },
    el(
      'h4',
      {},
      el('span', { className: `method method-${method}` }, method.toUpperCase()),
      ' ',
      el('code', {}, path),
    ),
    prose('p', op.summary),
    el(
      'p',
      { className: 'meta' },
      `Auth: ${authText(op.security)} \u00b7 operationId `,
      el('code', {}, op.operationId),
    ),
    ...(op.parameters && op.parameters.length > 0
      ? [
          el('h5', {}, 'Parameters'),
          el(
            'ul',
            { className: 'parameters' },
            ...op.parameters.map((p) =>
              el(
                'li',
                {},
                el('code', {}, p.name),
                ` in ${p.in}${p.required ? '' : ', optional'}: `,
                schemaView(p.schema),
              ),
            ),
          ),
        ]
      : []),
    ...(body
      ? [el('h5', {}, `Request body${op.requestBody?.required ? '' : ' (optional)'}`), schemaView(body)]
      : []),
    el('h5', {}, 'Responses'),
    el(
      'dl',
      { className: 'responses' },
      ...Object.entries(op.responses).flatMap(([status, response]) => {
        const schema = response.content?.[JSON_TYPE]?.schema;
        return [
          el('dt', { className: Number(status) < 400 ? 'ok' : 'error' }, status),
          el(
            'dd',
            {},
            prose('p', response.description),
            ...(schema && Number(status) < 400 ? [schemaView(schema)] : []),
          ),
        ];
      }),
    ),
  );
}

function socketOperation(
  key: string,
  op: AsyncApi['operations'][string],
  messages: AsyncApi['components']['messages'],
): HTMLElement {
  const message = (ref: { $ref: string }) => messages[refName(ref.$ref)];
  const sent = message(op.messages[0]);
  const reply = op.reply ? message(op.reply.messages[0]) : undefined;
  const direction = op.action === 'receive' ? 'client \u2192 server' : 'server \u2192 client';
  return el(
    'article',
    { className: 'operation', id: `op-${key}` },
    el('h4', {}, el('code', {}, sent.name), ' ', el('span', { className: 'direction' }, direction)),
    prose('p', op.summary),
    el('h5', {}, 'Payload'),
    schemaView(sent.payload),
    ...(reply ? [el('h5', {}, 'Acknowledgement'), prose('p', reply.summary), schemaView(reply.payload)] : []),
  );
}

function schemaEntries(schemas: Record<string, Schema>): HTMLElement[] {
  return Object.entries(schemas).map(([name, schema]) =>
    el('article', { className: 'schema', id: schemaAnchor(name) }, el('h3', {}, name), schemaView(schema)),
  );
}

async function load<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { Accept: JSON_TYPE } });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return (await res.json()) as T;
}

async function main(): Promise<void> {
  const status = byId('status');
  let openapi: OpenApi;
  let asyncapi: AsyncApi;
  try {
    [openapi, asyncapi] = await Promise.all([
      load<OpenApi>(SPEC_URLS.openapi),
      load<AsyncApi>(SPEC_URLS.asyncapi),
    ]);
  } catch (error) {
    say(status, `The specifications could not be loaded: ${(error as Error).message}.`);
    return;
  }
  byId('version').textContent = `v${openapi.info.version}`;
  byId('http-intro').replaceWith(prose('p', openapi.info.description, 'intro'));
  byId('socket-intro').replaceWith(prose('p', asyncapi.info.description, 'intro'));
  byId('http-operations').replaceWith(
    el(
      'div',
      {},
      ...Object.entries(openapi.paths).flatMap(([path, item]) =>
        Object.entries(item).map(([method, op]) => httpOperation(path, method, op)),
      ),
    ),
  );
  byId('socket-operations').replaceWith(
    el(
      'div',
      {},
      ...Object.entries(asyncapi.operations).map(([key, op]) =>
        socketOperation(key, op, asyncapi.components.messages),
      ),
    ),
  );
  // Both documents name the same models; HTTP's come first, the socket-only ones after.
  const socketOnly = Object.fromEntries(
    Object.entries(asyncapi.components.schemas).filter(([name]) => !(name in openapi.components.schemas)),
  );
  byId('schema-list').replaceWith(
    el('div', {}, ...schemaEntries({ ...openapi.components.schemas, ...socketOnly })),
  );
  for (const id of ['http', 'socket', 'schemas']) byId(id).hidden = false;
  say(status, '');
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

void main();
