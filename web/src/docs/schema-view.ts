import { el } from '../dom.js';

/** The JSON Schema subset zod emits: enough to describe every Tether payload to a reader. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  description?: string;
}

/** `#/components/schemas/User` -> `User`, the anchor `#schema-User` of its entry on this page. */
export const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);
export const schemaAnchor = (name: string): string => `schema-${name}`;

/** One line for a schema that needs no table: a reference, a scalar with its rules, an array of those. */
function inline(schema: Schema): Node | undefined {
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return el('a', { href: `#${schemaAnchor(name)}`, className: 'ref' }, name);
  }
  if (schema.const !== undefined) return el('code', {}, JSON.stringify(schema.const));
  if (schema.enum) return el('code', {}, schema.enum.map((v) => JSON.stringify(v)).join(' | '));
  if (schema.type === 'array' && schema.items) {
    const item = inline(schema.items);
    return item ? el('span', {}, 'array of ', item, rules(schema)) : undefined;
  }
  if (schema.type === 'object' || schema.properties || schema.anyOf || schema.oneOf || schema.allOf) {
    return undefined;
  }
  return el('span', {}, el('code', {}, [schema.type ?? 'any'].flat().join(' | ')), rules(schema));
}

/** The constraints a value must meet, in words. */
function rules(schema: Schema): string {
  const parts: string[] = [];
  if (schema.format) parts.push(schema.format);
  if (schema.minLength !== undefined || schema.maxLength !== undefined) {
    parts.push(`${schema.minLength ?? 0}\u2013${schema.maxLength ?? '\u221e'} characters`);
  }
  if (schema.minimum !== undefined || schema.maximum !== undefined) {
    parts.push(`${schema.minimum ?? '\u2212\u221e'}\u2013${schema.maximum ?? '\u221e'}`);
  }
  if (schema.minItems !== undefined || schema.maxItems !== undefined) {
    parts.push(`${schema.minItems ?? 0}\u2013${schema.maxItems ?? '\u221e'} items`);
  }
  if (schema.pattern) parts.push(`matching ${schema.pattern}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** A schema as readable DOM: a line when it is simple, a property table or a list of variants otherwise. */
export function schemaView(schema: Schema): HTMLElement {
  const line = inline(schema);
  if (line) return el('p', { className: 'schema-line' }, line);
  const variants = schema.oneOf ?? schema.anyOf ?? schema.allOf;
  if (variants) {
    const label = schema.allOf ? 'All of:' : 'One of:';
    return el(
      'div',
      { className: 'variants' },
      el('p', {}, label),
      el('ol', {}, ...variants.map((v) => el('li', {}, schemaView(v)))),
    );
  }
  const entries = Object.entries(schema.properties ?? {});
  if (entries.length === 0) {
    return el(
      'p',
      { className: 'schema-line' },
      el('code', {}, '{}'),
      schema.additionalProperties === false ? ' (no fields)' : '',
    );
  }
  const required = new Set(schema.required ?? []);
  return el(
    'table',
    { className: 'properties' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'field'), el('th', { scope: 'col' }, 'schema'))),
    el(
      'tbody',
      {},
      ...entries.map(([name, property]) =>
        el(
          'tr',
          {},
          el(
            'th',
            { scope: 'row' },
            el('code', {}, name),
            required.has(name) ? '' : el('span', { className: 'optional' }, ' optional'),
          ),
          el(
            'td',
            {},
            schemaView(property),
            property.description ? el('p', { className: 'description' }, property.description) : '',
          ),
        ),
      ),
    ),
  );
}
