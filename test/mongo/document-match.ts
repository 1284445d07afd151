import type { Document } from 'mongodb';

const valueAt = (document: Document, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value as Document | undefined)?.[key], document);

const OPERATORS: Record<string, (value: unknown, operand: unknown) => boolean> = {
  $eq: (value, operand) => value === operand,
  $ne: (value, operand) => value !== operand,
  $in: (value, operand) => (operand as unknown[]).includes(value),
  $nin: (value, operand) => !(operand as unknown[]).includes(value),
  $exists: (value, operand) => (value !== undefined) === operand,
};

/**
 * Whether `document` matches a query filter, for the subset of the query language Tether's Mongo
 * code sends (dotted paths, equality, `$eq`, `$ne`, `$in`, `$nin`, `$exists`). Anything else throws,
 * so a fake server can never quietly match what a real one would not.
 */
export function matches(document: Document, filter: Document): boolean {
  return Object.entries(filter).every(([path, condition]) => {
    const value = valueAt(document, path);
    const isOperators =
      typeof condition === 'object' &&
      condition !== null &&
      Object.keys(condition).length > 0 &&
      Object.keys(condition).every((key) => key.startsWith('$'));
    if (!isOperators) return value === condition;
    return Object.entries(condition as Document).every(([operator, operand]) => {
      const test = OPERATORS[operator];
      if (!test) throw new Error(`fake MongoDB: query operator ${operator} is not supported`);
      return test(value, operand);
    });
  });
}
