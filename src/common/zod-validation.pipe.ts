import { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import type { FieldError } from '../protocol/errors.js';
import { AppException } from './errors.js';

/** Zod issues as `{field, message}` pairs. Zod's messages describe the rule, never the value. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...at, key].join('.'), message: 'is not allowed' }));
    }
    return [{ field: at.length > 0 ? at.join('.') : '(body)', message: issue.message }];
  });
}

/** Parses with a zod schema, or throws VALIDATION naming each bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = fieldErrors(result.error);
    throw new AppException('VALIDATION', `Invalid ${details.map((d) => d.field).join(', ')}`, details);
  }
  return result.data;
}

export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    return parseOrThrow(this.schema, value);
  }
}
