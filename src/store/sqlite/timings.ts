/**
 * A batch's duration distributions (store/timings.ts) kept exactly, in the change's transaction:
 * `batch_timings`, a sparse histogram per metric (how many workflows took each whole ms), and
 * `batch_p95s`, where each metric's p95 sits in it (the value, and how many values lie above).
 * A change moves the histogram rows it touches and steps the p95 over the values it crossed
 * (model/stats.ts `settleRank`), so reading a running batch's p95s is one lookup, whatever its
 * size or spread, and the answer is what sorting its workflows' values gives.
 */
import type { Database as DB, Statement } from 'better-sqlite3';
import { settleRank, type HistogramSteps, type RankPosition } from '../../model/stats.js';
import { METRIC, METRICS, netCounts, type Metric, type Samples } from '../timings.js';
import type { P95s } from '../views.js';

/** How many values each metric holds, by metric number: the batch counters, which move with them. */
export type MetricCounts = readonly number[];

/** Where a walk from the largest value starts: above everything, nothing above it. */
const TOP: RankPosition = { value: Number.POSITIVE_INFINITY, above: 0 };

export class BatchTimings {
  readonly #add: Statement;
  readonly #dropEmpty: Statement;
  readonly #countAt: Statement;
  readonly #nextUp: Statement;
  readonly #nextDown: Statement;
  readonly #position: Statement;
  readonly #positions: Statement;
  readonly #setPosition: Statement;

  constructor(db: DB) {
    this.#add = db.prepare(`INSERT INTO batch_timings (batch_seq, metric, ms, n) VALUES (?, ?, ?, ?)
      ON CONFLICT (batch_seq, metric, ms) DO UPDATE SET n = n + excluded.n`);
    this.#dropEmpty = db.prepare('DELETE FROM batch_timings WHERE batch_seq = +? AND metric = +? AND ms = +? AND n <= 0');
    this.#countAt = db.prepare('SELECT n FROM batch_timings WHERE batch_seq = +? AND metric = +? AND ms = +?').pluck();
    this.#nextUp = db.prepare('SELECT ms, n FROM batch_timings WHERE batch_seq = +? AND metric = +? AND ms > +? ORDER BY ms LIMIT 1').raw();
    this.#nextDown = db.prepare('SELECT ms, n FROM batch_timings WHERE batch_seq = +? AND metric = +? AND ms < +? ORDER BY ms DESC LIMIT 1').raw();
    this.#position = db.prepare('SELECT ms AS value, above FROM batch_p95s WHERE batch_seq = ? AND metric = ?');
    this.#positions = db.prepare('SELECT metric, ms FROM batch_p95s WHERE batch_seq = ?').raw();
    this.#setPosition = db.prepare(`INSERT INTO batch_p95s (batch_seq, metric, ms, above) VALUES (?, ?, ?, ?)
      ON CONFLICT (batch_seq, metric) DO UPDATE SET ms = excluded.ms, above = excluded.above`);
  }

  /**
   * Adds the samples to the batch's histograms (one row change per distinct metric and ms) and
   * moves each changed metric's p95 to where its new count puts it.
   */
  apply(batchSeq: number, samples: Samples, counts: MetricCounts): void {
    if (samples.length === 0) return;
    const changes = netCounts(samples);
    for (const { metric, ms, n } of changes) {
      this.#add.run(batchSeq, metric, ms, n);
      // Only a requeue takes values back; a value no workflow has any more leaves no row.
      if (n < 0) this.#dropEmpty.run(batchSeq, metric, ms);
    }
    for (let metric = 0; metric < METRICS.length; metric++) {
      const changed = changes.filter((c) => c.metric === metric);
      if (changed.length === 0) continue;
      // Count what changed above the kept position; with none yet (a batch made before these
      // tables), walk down from the largest value.
      const kept = this.#position.get(batchSeq, metric) as RankPosition | undefined;
      if (kept) for (const c of changed) if (c.ms > kept.value) kept.above += c.n;
      const to = settleRank(kept ?? TOP, counts[metric]!, 95, this.#steps(batchSeq, metric));
      if (Number.isFinite(to.value)) this.#setPosition.run(batchSeq, metric, to.value, to.above);
    }
  }

  /** The batch's p95s: one lookup (a metric with no position yet walks its histogram). */
  p95s(batchSeq: number, counts: MetricCounts): P95s {
    const kept = new Map(this.#positions.all(batchSeq) as Array<[number, number]>);
    const p95s = {} as P95s;
    METRICS.forEach((metric: Metric, i) => {
      const count = counts[i]!;
      const value = count <= 0 ? null : (kept.get(i) ?? settleRank(TOP, count, 95, this.#steps(batchSeq, i)).value);
      p95s[metric] = value !== null && Number.isFinite(value) ? value : null;
    });
    return p95s;
  }

  #steps(batchSeq: number, metric: number): HistogramSteps {
    return {
      countAt: (ms) => (this.#countAt.get(batchSeq, metric, ms) as number | undefined) ?? 0,
      nextUp: (ms) => this.#nextUp.get(batchSeq, metric, ms) as [number, number] | undefined,
      nextDown: (ms) => this.#nextDown.get(batchSeq, metric, ms) as [number, number] | undefined,
    };
  }
}

/** SQL for the largest value of a metric of the batch `@seq`: one index step (zeros never stay). */
export const maxSql = (metric: Metric): string =>
  `(SELECT max(ms) FROM batch_timings WHERE batch_seq = @seq AND metric = ${METRIC[metric]} AND n > 0)`;
