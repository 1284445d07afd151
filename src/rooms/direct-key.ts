/**
 * The key of a pair of users, the same whichever of them comes first: what makes a direct room
 * unique per pair. User ids never contain the separator.
 */
export function directKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** The pair a key names, `first` (the opener) first. */
export function fromDirectKey(key: string, first: string): [string, string] {
  const [a, b] = key.split('|') as [string, string];
  return a === first ? [a, b] : [b, a];
}
