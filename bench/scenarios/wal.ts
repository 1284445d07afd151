import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startTether } from '../targets/targets.js';
import type { Scenario, Value } from './scenario.js';
import { chatRoom } from './sends.js';

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

const TETHER_ONLY = { reason: 'Tether only' };

export const wal: Scenario = {
  name: 'wal',
  title: 'SQLite WAL',
  perRound: false,
  about: (o) =>
    `A fresh Tether (new data directory) takes ${o.wal} \`message:send\` from ${o.senders} senders in ` +
    'a room of only them, closed loop, and nothing reads history; then the size of ' +
    '`DATA_DIR/tether.db-wal` is read. Measured once per run: it depends on SQLite, not on the machine.',
  figures: (o) => [
    { key: 'walBytes', label: `WAL file after ${o.wal} sends`, unit: 'B', better: 'lower', compare: false },
  ],
  run: async ({ options, pool }) => {
    const tether = await startTether('file');
    let walBytes: Value;
    try {
      const room = await chatRoom(tether, pool, options.senders, options.senders);
      await room.send(options.wal);
      await room.close();
      walBytes = fileBytes(join(tether.dataDir!, 'tether.db-wal'));
    } finally {
      await tether.stop();
    }
    return {
      bare: { walBytes: TETHER_ONLY },
      floor: { walBytes: TETHER_ONLY },
      tether: { walBytes: walBytes },
    };
  },
};
