import { Histogram, Registry, type Metric } from 'prom-client';
import { AckHistogram } from './ack-histogram.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVED: [string, number][] = [
  ['message:send', 0.0004],
  ['message:send', 0.001],
  ['message:send', 0.05],
  ['room:join', 2],
  ['message:send', 0.2],
];

describe('AckHistogram', () => {
  it('exposes exactly what a prom-client histogram exposes for the same observations', async () => {
    const reference = new Registry();
    const histogram = new Histogram({
      name: 'acks',
      help: 'help',
      labelNames: ['event'],
      buckets: BUCKETS,
      registers: [reference],
    });
    const ours = new Registry();
    const acks = new AckHistogram('acks', 'help', BUCKETS, ['message:send', 'room:join']);
    ours.registerMetric(acks as unknown as Metric);
    for (const registry of [reference, ours]) registry.setDefaultLabels({ instance: 'i-1' });
    for (const [event, seconds] of OBSERVED) {
      histogram.labels(event).observe(seconds);
      acks.observe(event, seconds);
    }
    expect(await ours.metrics()).toBe(await reference.metrics());
  });

  it('counts no event it was not built for', async () => {
    const acks = new AckHistogram('acks', 'help', BUCKETS, ['message:send']);
    acks.observe('made:up', 0.1);
    expect(acks.get().values.map((v) => v.sharedLabels.event)).not.toContain('made:up');
  });
});
