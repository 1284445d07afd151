import { LIMITS } from '../protocol/limits.js';

/** A word or a phrase: words that must occur together, in this order. */
export type SearchPhrase = string[];

/** What separates words: anything but letters, marks, digits and private-use characters. */
const WORD = /[\p{L}\p{M}\p{N}\p{Co}]+/gu;

/**
 * A user's query as phrases, every one of which must match: `"double quoted"` parts are phrases,
 * every other word is a phrase of one. Every other character only separates words, so nothing a
 * user types is ever read as the stores' own query syntax (FTS5 operators, `-`, `NEAR`, `*`...).
 * At most `LIMITS.searchTermsMax` phrases; empty when the query holds no word.
 */
export function parseSearchQuery(query: string): SearchPhrase[] {
  const phrases: SearchPhrase[] = [];
  const parts = query.split('"');
  parts.forEach((part, i) => {
    const words = part.match(WORD) ?? [];
    // Odd parts sit between quotes (an unclosed quote runs to the end).
    if (i % 2 === 1 && words.length > 0) phrases.push(words);
    else for (const word of words) phrases.push([word]);
  });
  return phrases.slice(0, LIMITS.searchTermsMax);
}

/** FTS5: each phrase a string (quotes around words that hold none), all required. */
export const toFts5Query = (phrases: SearchPhrase[]): string =>
  phrases.map((words) => `"${words.join(' ')}"`).join(' AND ');

/** MongoDB `$text`: quoted phrases are all required (a bare word would be optional). */
export const toMongoTextSearch = (phrases: SearchPhrase[]): string =>
  phrases.map((words) => `"${words.join(' ')}"`).join(' ');
