import { LIMITS } from '../protocol/limits.js';
import { parseSearchQuery, toFts5Query, toMongoTextSearch } from './search-query.js';

describe('parseSearchQuery', () => {
  it.each([
    ['plain words', 'hello  world', [['hello'], ['world']]],
    ['a phrase and a word', '"big cat" dog', [['big', 'cat'], ['dog']]],
    ['an unclosed quote running to the end', 'dog "big cat', [['dog'], ['big', 'cat']]],
    [
      'operators as words or nothing',
      'a OR b NOT c* -d (e) text:f ^g',
      [['a'], ['OR'], ['b'], ['NOT'], ['c'], ['d'], ['e'], ['text'], ['f'], ['g']],
    ],
    ['quotes inside words', 'ab"cd"ef', [['ab'], ['cd'], ['ef']]],
    ['letters of any script and accents', 'Grüße 東京 café', [['Grüße'], ['東京'], ['café']]],
    ['punctuation only', '"*()-:^', []],
  ])('reads %s', (_, query, phrases) => {
    expect(parseSearchQuery(query)).toEqual(phrases);
  });

  it('keeps at most the first searchTermsMax terms', () => {
    const words = Array.from({ length: LIMITS.searchTermsMax + 5 }, (_, i) => `w${i}`);
    expect(parseSearchQuery(words.join(' '))).toHaveLength(LIMITS.searchTermsMax);
  });

  it('builds store queries of quoted strings only', () => {
    const phrases = parseSearchQuery('"big cat" OR dog');
    expect(toFts5Query(phrases)).toBe('"big cat" AND "OR" AND "dog"');
    expect(toMongoTextSearch(phrases)).toBe('"big cat" "OR" "dog"');
  });
});
