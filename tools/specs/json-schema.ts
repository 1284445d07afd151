import { z } from 'zod';
import {
  ApiErrorSchema,
  ConnectErrorSchema,
  FieldErrorSchema,
  MessageSchema,
  PresenceEventSchema,
  RetryAfterSchema,
  RoomSchema,
  SessionEndedEventSchema,
  TypingEventSchema,
  UserSchema,
} from '../../src/protocol/index.js';

export type JsonSchema = { [keyword: string]: unknown };

/** The schemas the specifications name: each becomes one component that the others `$ref`. */
const NAMED: [string, z.ZodType][] = [
  ['User', UserSchema],
  ['Room', RoomSchema],
  ['Message', MessageSchema],
  ['ApiError', ApiErrorSchema],
  ['FieldError', FieldErrorSchema],
  ['RetryAfter', RetryAfterSchema],
  ['PresenceEvent', PresenceEventSchema],
  ['TypingEvent', TypingEventSchema],
  ['SessionEndedEvent', SessionEndedEventSchema],
  ['ConnectError', ConnectErrorSchema],
];

/**
 * zod 4's `z.toJSONSchema`, with every named schema hoisted out of each result's `$defs` into one
 * shared components object, so a document carries each model once.
 */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};
  private readonly registry = z.registry<{ id: string }>();
  private readonly defsKey: '$defs' | 'definitions';

  constructor(
    private readonly target: 'draft-2020-12' | 'draft-07',
    /** Where the document keeps its components, e.g. `#/components/schemas/`. */
    private readonly refBase: string,
  ) {
    for (const [id, schema] of NAMED) this.registry.add(schema, { id });
    this.defsKey = target === 'draft-2020-12' ? '$defs' : 'definitions';
  }

  /** `io: 'input'` for what clients send (defaults optional), `'output'` for what the server answers. */
  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, {
      target: this.target,
      io,
      metadata: this.registry,
      override: ({ jsonSchema }) => tidy(jsonSchema),
    }) as JsonSchema;
    delete json.$schema;
    const defs = (json[this.defsKey] ?? {}) as Record<string, JsonSchema>;
    delete json[this.defsKey];
    for (const [id, def] of Object.entries(defs)) {
      const body = this.rewrite(def) as JsonSchema;
      const known = this.schemas[id];
      if (known && JSON.stringify(known) !== JSON.stringify(body)) {
        throw new Error(`schema ${id} converts differently as ${io}; name only schemas without transforms`);
      }
      this.schemas[id] = body;
    }
    return this.rewrite(json) as JsonSchema;
  }

  private rewrite(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.rewrite(v));
    if (typeof value !== 'object' || value === null) return value;
    const prefix = `#/${this.defsKey}/`;
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        key === '$ref' && typeof v === 'string' && v.startsWith(prefix)
          ? this.refBase + v.slice(prefix.length)
          : this.rewrite(v),
      ]),
    );
  }
}

/** Drops what says nothing to a reader: zod's full date-time regex (the format says it) and safe-integer bounds. */
function tidy(json: JsonSchema): void {
  if (json.format === 'date-time') delete json.pattern;
  if (json.maximum === Number.MAX_SAFE_INTEGER) delete json.maximum;
  if (json.minimum === Number.MIN_SAFE_INTEGER) delete json.minimum;
}

/** Whether a request part may be left out (an optional body). */
export const isOptional = (schema: z.ZodType): boolean => schema.safeParse(undefined).success;
