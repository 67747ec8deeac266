/**
 * The duration distributions a batch reports — queue wait, workflow run time, each stage's run —
 * and the samples a change adds to them or takes back (transitions.ts puts them in its `Delta`),
 * so a backend can keep each distribution exactly (sqlite/timings.ts: a sparse histogram of whole
 * milliseconds) and read its percentiles without a workflow scan.
 */
import { STAGES } from '../model/statuses.js';

/** The distributions, in the order of their numbers: a backend stores a metric as its index. */
export const METRICS = ['wait', 'workflow', ...STAGES] as const;
export type Metric = (typeof METRICS)[number];

/** Each metric's number. Stored in data (the SQLite batch_timings migration wrote them): never reorder. */
export const METRIC = Object.fromEntries(METRICS.map((m, i) => [m, i])) as Record<Metric, number>;

/**
 * Samples as flat triples `metric, ms, n` (n = +1 added, −1 taken back): a change appends a few
 * numbers, and merging changes is an append, with no object per sample on the hot path.
 */
export type Samples = number[];

export function addSample(samples: Samples, metric: Metric, ms: number, n: 1 | -1): void {
  samples.push(METRIC[metric], ms, n);
}

/**
 * The net count per (metric, ms) of `samples`, zeros left out: what a backend writes, one row
 * change per distinct value however many workflows share it.
 */
export function netCounts(samples: Samples): Array<{ metric: number; ms: number; n: number }> {
  const byMetric = METRICS.map(() => new Map<number, number>());
  for (let i = 0; i < samples.length; i += 3) {
    const counts = byMetric[samples[i]!]!;
    const ms = samples[i + 1]!;
    counts.set(ms, (counts.get(ms) ?? 0) + samples[i + 2]!);
  }
  const net: Array<{ metric: number; ms: number; n: number }> = [];
  byMetric.forEach((counts, metric) => {
    for (const [ms, n] of counts) if (n !== 0) net.push({ metric, ms, n });
  });
  return net;
}

/** How many values each metric of a batch row holds (its counters move with them), in METRICS order. */
export function metricCounts(row: { wait_count: number; wf_count: number; [column: string]: unknown }): number[] {
  return METRICS.map((m) => (m === 'wait' ? row.wait_count : m === 'workflow' ? row.wf_count : row[`${m}_succeeded`] as number));
}
