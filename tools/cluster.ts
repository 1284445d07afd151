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

const cluster = await startLocalCluster({
  instances,
  dataDir: resolve(values['data-dir']),
  redisBinary: process.env.REDIS_SERVER ?? 'redis-server',
  nginxBinary: process.env.NGINX ?? '/usr/sbin/nginx',
  onOutput: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(
  [
    '',
    `Tether cluster: ${instances} instances behind nginx, Redis at ${cluster.redisUrl}`,
    ...cluster.instances.map((i) => `  ${i.id}: ${i.url}`),
    `Open ${cluster.url}  (Ctrl-C stops everything)`,
    '',
  ].join('\n'),
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cluster.stop().then(() => process.exit(0));
  });
}
