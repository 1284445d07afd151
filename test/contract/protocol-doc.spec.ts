import { readFileSync } from 'node:fs';
import {
  CLIENT_EVENTS,
  CONNECT_ERROR_CODES,
  ERRORS,
  LIMITS,
  PROTOCOL_VERSION,
  ROUTES,
  SERVER_EVENTS,
  SESSION_END_REASONS,
} from '../../src/protocol/index.js';

/**
 * docs/protocol.md restates the protocol for people; these checks keep its tables equal to
 * `src/protocol/`, so a new code, route, event or limit cannot be left out, nor a number go stale.
 */

const DOC = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

/** The rows of the tables under a heading, as cells without their backticks. */
function rows(heading: string): string[][] {
  const start = DOC.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/protocol.md has no heading "${heading}"`);
  const rest = DOC.slice(start + heading.length + 2);
  const end = rest.search(/\n#{2,3} /);
  return (end < 0 ? rest : rest.slice(0, end))
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('|---'))
    .map((line) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim().replaceAll('`', '')),
    );
}

const firstCells = (heading: string) => rows(heading).map((cells) => cells[0]);

describe('docs/protocol.md', () => {
  it('states the current protocol version', () => {
    expect(DOC).toContain(`currently **${PROTOCOL_VERSION}**`);
  });

  it('lists every error code with its status', () => {
    const table = rows('### Errors').filter((cells) => cells[0] in ERRORS);
    expect(Object.fromEntries(table.map(([code, status]) => [code, Number(status)]))).toEqual(
      Object.fromEntries(Object.entries(ERRORS).map(([code, { status }]) => [code, status])),
    );
  });

  it('lists every limit with its value', () => {
    const table = rows('### Limits').filter((cells) => cells[0] in LIMITS);
    expect(Object.fromEntries(table.map(([name, value]) => [name, Number(value)]))).toEqual(LIMITS);
  });

  it('lists every HTTP route of the table, and no other', () => {
    expect(
      firstCells('## HTTP')
        .filter((cell) => cell !== 'route')
        .sort(),
    ).toEqual(
      Object.values(ROUTES)
        .map((route) => `${route.method} ${route.path}`)
        .sort(),
    );
  });

  it('lists every client event, server event, connect_error code and session:ended reason', () => {
    expect(
      firstCells('### Client to server')
        .filter((c) => c !== 'event')
        .sort(),
    ).toEqual(Object.keys(CLIENT_EVENTS).sort());
    const serverSection = rows('### Server to client').map((cells) => cells[0]);
    expect(serverSection.filter((c) => c in SERVER_EVENTS).sort()).toEqual(Object.keys(SERVER_EVENTS).sort());
    expect(
      serverSection.filter((c) => (SESSION_END_REASONS as readonly string[]).includes(c)).sort(),
    ).toEqual([...SESSION_END_REASONS].sort());
    expect(
      firstCells('### Connecting')
        .filter((c) => c !== 'code')
        .sort(),
    ).toEqual([...CONNECT_ERROR_CODES].sort());
  });
});
