interface Series {
  /** Per bucket, not cumulative; the last one is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  /** Labels every sample of a series shares, written after `labels` (as prom-client's own do). */
  sharedLabels: Record<string, string>;
  value: number;
}

/**
 * A Prometheus histogram with one series per known event, shaped as prom-client's registry reads
 * custom metrics (`registerMetric`). prom-client's own children build a labels object and hash it
 * on every observation; this one adds to preallocated numbers, so an ack costs no allocation. The
 * label set is fixed at construction: an unknown event is not counted (and cannot mint series).
 */
export class AckHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
    events: readonly string[],
  ) {
    for (const event of events) this.series.set(event, this.empty());
  }

  observe(event: string, seconds: number): void {
    const series = this.series.get(event);
    if (!series) return;
    let bucket = 0;
    while (bucket < this.buckets.length && seconds > this.buckets[bucket]) bucket += 1;
    series.counts[bucket] += 1;
    series.sum += seconds;
    series.count += 1;
  }

  /** What `Registry#metrics()` asks for at scrape time. */
  get(): { name: string; help: string; type: string; aggregator: string; values: Sample[] } {
    const values: Sample[] = [];
    for (const [event, series] of this.series) {
      const sharedLabels = { event };
      let cumulative = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        cumulative += series.counts[i];
        const le = i < this.buckets.length ? this.buckets[i] : '+Inf';
        values.push({ metricName: `${this.name}_bucket`, labels: { le }, sharedLabels, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels: {}, sharedLabels, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: {}, sharedLabels, value: series.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    for (const event of this.series.keys()) this.series.set(event, this.empty());
  }

  private empty(): Series {
    return { counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
  }
}
