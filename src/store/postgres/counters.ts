/**
 * A batch's counters on PostgreSQL, as the port (driver.ts) moves them at the end of each
 * transaction (ops/commit.ts decides what a change does to the batch): status, progress, sums and
 * maxima in the batch row, durations in its histogram (`batch_timings`), the tenant's totals, its
 * webhook. Batch rows are locked first, in key order, so two replicas' transactions on the same
 * batches queue up instead of deadlocking, and the row lock also orders the batch's event ids
 * (events.ts).
 */
import type { BatchStatus } from '../../model/statuses.js';
import { STAGES } from '../../model/statuses.js';
import { nearestRankIndex } from '../../model/stats.js';
import type { FinishedCounts } from '../batch-finish.js';
import type { BatchHead } from '../driver.js';
import { METRIC, METRICS, metricCounts, netCounts, type Samples } from '../timings.js';
import type { Delta } from '../transitions.js';
import type { Queryable } from './database.js';
import type { BatchRow, P95s } from '../views.js';

const UPDATE = `UPDATE batches SET
    queued = queued + $2, running = running + $3, succeeded = succeeded + $4, failed = failed + $5, canceled = canceled + $6,
    started_at = COALESCE(started_at, $7),
    wait_count = wait_count + $8, wait_sum = wait_sum + $9, wait_max = GREATEST(wait_max, $10),
    wf_count = wf_count + $11, wf_sum = wf_sum + $12, wf_max = GREATEST(wf_max, $13),
    finished_runs = finished_runs + $14,
    ${STAGES.map((s, i) => {
      const p = 15 + i * 5;
      return `${s}_running = ${s}_running + $${p}, ${s}_succeeded = ${s}_succeeded + $${p + 1}, ${s}_failed = ${s}_failed + $${p + 2},
    ${s}_ms_sum = ${s}_ms_sum + $${p + 3}, ${s}_ms_max = GREATEST(${s}_ms_max, $${p + 4})`;
    }).join(',\n    ')}
  WHERE seq = $1
  RETURNING *`;

/** The largest value a metric of batch $1 holds (zeros never stay in the histogram). */
const maxOf = (metric: (typeof METRICS)[number]): string =>
  `(SELECT max(ms) FROM batch_timings WHERE batch_seq = $1 AND metric = ${METRIC[metric]} AND n > 0)`;

export async function lockBatches(db: Queryable, seqs: readonly number[]): Promise<BatchHead[]> {
  const { rows } = await db.query<BatchHead>(
    'SELECT seq, status, started_at AS "startedAt" FROM batches WHERE seq = ANY($1::bigint[]) ORDER BY seq FOR UPDATE', [seqs],
  );
  return rows;
}

export async function addCounters(db: Queryable, seq: number, d: Delta): Promise<BatchRow> {
  const { rows } = await db.query<BatchRow>(UPDATE, [
    seq, d.workflows.queued, d.workflows.running, d.workflows.succeeded, d.workflows.failed, d.workflows.canceled,
    d.startedAt, d.wait.count, d.wait.sum, d.wait.max, d.run.count, d.run.sum, d.run.max, d.finishedRuns,
    ...STAGES.flatMap((s) => [d.stages[s].running, d.stages[s].succeeded, d.stages[s].failed, d.stages[s].msSum, d.stages[s].msMax]),
  ]);
  return rows[0]!;
}

/** Moves the histogram by the samples: one row per distinct value. */
export async function addSamples(db: Queryable, seq: number, samples: Samples): Promise<void> {
  const net = netCounts(samples);
  if (net.length === 0) return;
  await db.query(`INSERT INTO batch_timings (batch_seq, metric, ms, n)
      SELECT $1, * FROM unnest($2::int[], $3::bigint[], $4::int[])
    ON CONFLICT (batch_seq, metric, ms) DO UPDATE SET n = batch_timings.n + excluded.n`,
  [seq, net.map((c) => c.metric), net.map((c) => c.ms), net.map((c) => c.n)]);
  // Only a requeue takes values back; a value no workflow has any more leaves no row.
  if (net.some((c) => c.n < 0)) await db.query('DELETE FROM batch_timings WHERE batch_seq = $1 AND n <= 0', [seq]);
}

export async function recomputeMaxima(db: Queryable, seq: number): Promise<void> {
  await db.query(`UPDATE batches SET wait_max = ${maxOf('wait')}, wf_max = ${maxOf('workflow')} WHERE seq = $1`, [seq]);
}

export async function setBatchStatus(db: Queryable, seq: number, status: BatchStatus, finishedAt: number | null, p95s: string | null): Promise<void> {
  await db.query('UPDATE batches SET status = $2, finished_at = $3, p95s = $4 WHERE seq = $1', [seq, status, finishedAt, p95s]);
}

/** Finished (due at `dueAt`) or reopened (not due): a fresh delivery, nothing tried yet. */
export async function armWebhook(db: Queryable, seq: number, dueAt: number | null): Promise<void> {
  await db.query(`UPDATE batches SET webhook_status = 'pending', webhook_attempts = 0, webhook_last_error = NULL,
      webhook_delivered_at = NULL, webhook_next_at = $2, webhook_claim = NULL
    WHERE seq = $1 AND webhook_url IS NOT NULL`, [seq, dueAt]);
}

export async function addTenantTotals(db: Queryable, tenant: string, c: FinishedCounts): Promise<void> {
  await db.query(`INSERT INTO tenant_totals (tenant, succeeded, failed, canceled) VALUES ($1, $2, $3, $4)
    ON CONFLICT (tenant) DO UPDATE SET succeeded = tenant_totals.succeeded + excluded.succeeded,
      failed = tenant_totals.failed + excluded.failed, canceled = tenant_totals.canceled + excluded.canceled`,
  [tenant, c.succeeded, c.failed, c.canceled]);
}

/**
 * The batch's p95s: frozen when it finished, else nearest-rank from its histograms in one query
 * (the smallest value whose running count reaches the rank), whatever the batch's size.
 */
export async function p95sOf(db: Queryable, row: BatchRow): Promise<P95s> {
  if (row.p95s) return JSON.parse(row.p95s) as P95s;
  const counts = metricCounts(row);
  const p95s = Object.fromEntries(METRICS.map((m) => [m, null])) as P95s;
  if (counts.every((n) => n <= 0)) return p95s;
  const { rows } = await db.query<{ metric: number; p95: number }>(`SELECT h.metric, min(h.ms) AS p95
    FROM (SELECT metric, ms, sum(n) OVER (PARTITION BY metric ORDER BY ms) AS below FROM batch_timings WHERE batch_seq = $1) h
    JOIN unnest($2::bigint[]) WITH ORDINALITY AS r(rank, m) ON r.m - 1 = h.metric
    WHERE h.below >= r.rank GROUP BY h.metric`,
  [row.seq, counts.map((n) => (n > 0 ? nearestRankIndex(n, 95) + 1 : Number.MAX_SAFE_INTEGER))]);
  for (const r of rows) p95s[METRICS[r.metric]!] = r.p95;
  return p95s;
}
