import type { Document } from 'mongodb';

const valueAt = (document: Document, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value as Document | undefined)?.[key], document);

/** Numbers, strings and dates compare by value, as BSON does within one type. */
const order = (value: unknown) => (value instanceof Date ? value.getTime() : (value as number | string));
const comparable = (value: unknown, operand: unknown) =>
  value !== undefined && value !== null && typeof order(value) === typeof order(operand);

const OPERATORS: Record<string, (value: unknown, operand: unknown) => boolean> = {
  $eq: (value, operand) => order(value) === order(operand),
  $ne: (value, operand) => order(value) !== order(operand),
  $gt: (value, operand) => comparable(value, operand) && order(value) > order(operand),
  $gte: (value, operand) => comparable(value, operand) && order(value) >= order(operand),
  $lt: (value, operand) => comparable(value, operand) && order(value) < order(operand),
  $lte: (value, operand) => comparable(value, operand) && order(value) <= order(operand),
  $in: (value, operand) => (operand as unknown[]).includes(value),
  $nin: (value, operand) => !(operand as unknown[]).includes(value),
  $exists: (value, operand) => (value !== undefined) === operand,
};

/**
 * Whether `document` matches a query filter, for the subset of the query language Tether's Mongo
 * code and its libraries send (dotted paths, equality, comparisons, `$in`, `$nin`, `$exists`,
 * `$or`, `$and`). Anything else throws, so a fake server can never quietly match what a real one
 * would not.
 */
export function matches(document: Document, filter: Document): boolean {
  return Object.entries(filter).every(([path, condition]) => {
    if (path === '$or') return (condition as Document[]).some((branch) => matches(document, branch));
    if (path === '$and') return (condition as Document[]).every((branch) => matches(document, branch));
    if (path.startsWith('$')) throw new Error(`fake MongoDB: query operator ${path} is not supported`);
    const value = valueAt(document, path);
    const isOperators =
      typeof condition === 'object' &&
      condition !== null &&
      Object.keys(condition).length > 0 &&
      Object.keys(condition).every((key) => key.startsWith('$'));
    if (!isOperators) return order(value) === order(condition);
    return Object.entries(condition as Document).every(([operator, operand]) => {
      const test = OPERATORS[operator];
      if (!test) throw new Error(`fake MongoDB: query operator ${operator} is not supported`);
      return test(value, operand);
    });
  });
}
