/**
 * `GET /search` latency on 100,000 messages: the built server (SQLite, FTS5) over real HTTP, one
 * logged-in user who sees 40 public rooms and 5 of 10 private ones. Each query kind is asked
 * `--requests` times, one at a time, after a warm-up; p50 and p99 are nearest-rank. Writes
 * `bench/search-report.json` and `bench/SEARCH.md`.
 *
 *   npm run build && node --import tsx bench/search.ts [--messages 100000] [--requests 300]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openSqlite } from '../src/storage/sqlite.js';
import { freePort, startService } from '../tools/processes.js';
import { percentile, sig4 } from './stats.js';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '100000' }, requests: { type: 'string', default: '300' } },
});
const MESSAGES = Number(values.messages);
const REQUESTS = Number(values.requests);
const ROOT = new URL('..', import.meta.url).pathname;
const PASSWORD = 'correct horse battery staple';

/** A Zipf-like vocabulary: a few words are everywhere, most are rare, as in chat. */
const VOCABULARY = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
const pickWord = (random: () => number) => VOCABULARY[Math.floor(VOCABULARY.length ** random()) - 1];

function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

function populate(dataDir: string, userId: string): void {
  const db = openSqlite(dataDir);
  const random = seeded(42);
  const rooms = Array.from({ length: 50 }, (_, i) => ({
    id: `bench-room-${i}`,
    visibility: i < 40 ? 'public' : 'private',
  }));
  const insertRoom = db.prepare(
    `INSERT INTO rooms (id, name, visibility, owner_id, created_at) VALUES (?, ?, ?, 'bench-owner', ?)`,
  );
  const member = db.prepare(`INSERT INTO room_members (room_id, user_id) VALUES (?, ?)`);
  const insert = db.prepare(
    `INSERT INTO messages (room_id, author_id, author_name, author_display, text, client_msg_id, created_at)
     VALUES (?, 'bench-author', 'author', 'Author', ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const room of rooms) insertRoom.run(room.id, room.id, room.visibility, new Date().toISOString());
    for (const room of rooms.slice(40, 45)) member.run(room.id, userId);
    for (let i = 0; i < MESSAGES; i++) {
      const words = Array.from({ length: 5 + Math.floor(random() * 15) }, () => pickWord(random));
      const room = rooms[Math.floor(random() * rooms.length)];
      insert.run(room.id, words.join(' '), randomUUID(), new Date().toISOString());
    }
  })();
  db.close();
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-search-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startService(process.execPath, [join(ROOT, 'dist/main.js')], port, {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      DATA_DIR: dataDir,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      JWT_SECRET: randomBytes(32).toString('base64url'),
    },
    timeoutMs: 30_000,
  });
  try {
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const username = 'searcher';
    const user = (await (await post('/auth/register', { username, password: PASSWORD })).json()) as {
      user: { id: string };
    };
    const login = await post('/auth/login', { username, password: PASSWORD });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const started = Date.now();
    populate(dataDir, user.user.id);
    console.log(`stored ${MESSAGES} messages in ${Date.now() - started} ms`);

    const kinds: Record<string, () => Record<string, string>> = {
      'common word': () => ({ q: VOCABULARY[1] }),
      'mid-frequency word': () => ({ q: VOCABULARY[60] }),
      'rare word': () => ({ q: VOCABULARY[400] }),
      'two words (AND)': () => ({ q: `${VOCABULARY[2]} ${VOCABULARY[5]}` }),
      phrase: () => ({ q: `"${VOCABULARY[1]} ${VOCABULARY[2]}"` }),
      'common word in one room': () => ({ q: VOCABULARY[1], roomId: 'bench-room-3' }),
      'common word, page 5': () => ({ q: VOCABULARY[1], cursor: '80' }),
      'no match': () => ({ q: 'zzzznothing' }),
    };
    const results: Record<string, { p50: number; p99: number; hits: number }> = {};
    for (const [kind, query] of Object.entries(kinds)) {
      const ask = async () => {
        const res = await fetch(`${url}/search?${new URLSearchParams(query())}`, { headers: { cookie } });
        if (res.status !== 200) throw new Error(`${kind}: HTTP ${res.status} ${await res.text()}`);
        return ((await res.json()) as { results: unknown[] }).results.length;
      };
      for (let i = 0; i < 20; i++) await ask();
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const t0 = performance.now();
        hits = await ask();
        times.push(performance.now() - t0);
      }
      results[kind] = { p50: sig4(percentile(times, 50)), p99: sig4(percentile(times, 99)), hits };
      console.log(`${kind}: p50 ${results[kind].p50} ms, p99 ${results[kind].p99} ms (${hits} results)`);
    }

    const report = {
      messages: MESSAGES,
      requests: REQUESTS,
      at: new Date().toISOString(),
      node: process.version,
      results,
    };
    writeFileSync(join(ROOT, 'bench/search-report.json'), `${JSON.stringify(report, null, 2)}\n`);
    const rows = Object.entries(results).map(([k, r]) => `| ${k} | ${r.p50} | ${r.p99} | ${r.hits} |`);
    writeFileSync(
      join(ROOT, 'bench/SEARCH.md'),
      [
        `# GET /search on ${MESSAGES.toLocaleString('en')} messages`,
        '',
        `SQLite FTS5, the built server over HTTP on this machine (${process.version}), ${REQUESTS} requests per`,
        'query one at a time after 20 warm-up requests; nearest-rank percentiles in milliseconds. The',
        'user sees 45 of 50 rooms; words follow a Zipf-like distribution over 5,000 words, 5-19 per message.',
        `Run ${report.at} by \`node --import tsx bench/search.ts\`.`,
        '',
        '| query | p50 ms | p99 ms | results |',
        '|---|---|---|---|',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
