import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalCluster } from './local-cluster.js';

const { values } = parseArgs({
  options: {
    instances: { type: 'string', short: 'n', default: '3' },
    'data-dir': { type: 'string', default: './data/cluster' },
  },
});
const instances = Number(values.instances);
if (!Number.isInteger(instances) || instances < 1 || instances > 16) {
  process.stderr.write('--instances must be a whole number from 1 to 16\n');
  process.exit(2);
}

const starting = startLocalCluster({
  instances,
  dataDir: resolve(values['data-dir']),
  redisBinary: process.env.REDIS_SERVER ?? 'redis-server',
  nginxBinary: process.env.NGINX ?? '/usr/sbin/nginx',
  onOutput: (line) => process.stdout.write(`${line}\n`),
});
// Listening before anything starts: a Ctrl-C during startup (or just after the URL is printed)
// must stop what was started, not kill this process and orphan Redis and the instances.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopping = true;
    void starting
      .then((cluster) => cluster.stop())
      .catch(() => undefined)
      .then(() => process.exit(0));
  });
}
const cluster = await starting;
if (!stopping)
  process.stdout.write(
    [
      '',
      `Tether cluster: ${instances} instances behind nginx, Redis at ${cluster.redisUrl}`,
      ...cluster.instances.map((i) => `  ${i.id}: ${i.url}`),
      `Open ${cluster.url}  (Ctrl-C stops everything)`,
      '',
    ].join('\n'),
  );
