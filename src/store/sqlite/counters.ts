/**
 * A batch's counters on SQLite, as the port (driver.ts) moves them at the end of each transaction
 * (ops/commit.ts decides what a change does to the batch): status, progress, sums and maxima in
 * the batch row, so a batch's status costs O(1) to read; its duration histograms and p95 positions
 * (timings.ts) beside it; the tenant's totals of finished batches; its webhook delivery.
 */
import type { Database as DB, Statement } from 'better-sqlite3';
import type { BatchStatus } from '../../model/statuses.js';
import { STAGES } from '../../model/statuses.js';
import type { FinishedCounts } from '../batch-finish.js';
import type { BatchHead } from '../driver.js';
import { CommittedTotal, type Outbox } from '../outbox.js';
import { metricCounts, type Samples } from '../timings.js';
import type { Delta } from '../transitions.js';
import type { FinishedViews } from '../view-cache.js';
import { ACTIVE } from '../rows.js';
import { BatchTimings, maxSql } from './timings.js';
import type { BatchRow, P95s } from '../views.js';

export class BatchCounters {
  /** Workflows queued across all batches, for MAX_QUEUED: summed at open, then kept by commits. */
  readonly queued: CommittedTotal;
  readonly #views: FinishedViews;
  readonly #timings: BatchTimings;
  readonly #head: Statement;
  readonly #update: Statement;
  readonly #recomputeMaxima: Statement;
  readonly #setStatus: Statement;
  readonly #armWebhook: Statement;
  readonly #fold: Statement;

  constructor(db: DB, outbox: Outbox, views: FinishedViews) {
    this.#views = views;
    this.#timings = new BatchTimings(db);
    this.queued = new CommittedTotal(
      outbox,
      (db.prepare(`SELECT COALESCE(SUM(queued), 0) AS n FROM batches WHERE ${ACTIVE}`).get() as { n: number }).n,
    );
    this.#head = db.prepare('SELECT seq, status, started_at AS startedAt FROM batches WHERE seq = ?');
    this.#update = db.prepare(`UPDATE batches SET
        queued = queued + @queued, running = running + @running, succeeded = succeeded + @succeeded,
        failed = failed + @failed, canceled = canceled + @canceled,
        started_at = COALESCE(started_at, @started_at),
        wait_count = wait_count + @wait_count, wait_sum = wait_sum + @wait_sum,
        wait_max = CASE WHEN @wait_max IS NULL THEN wait_max ELSE MAX(COALESCE(wait_max, @wait_max), @wait_max) END,
        wf_count = wf_count + @run_count, wf_sum = wf_sum + @run_sum,
        wf_max = CASE WHEN @run_max IS NULL THEN wf_max ELSE MAX(COALESCE(wf_max, @run_max), @run_max) END,
        finished_runs = finished_runs + @runs,
        ${STAGES.map((s) => `
        ${s}_running = ${s}_running + @${s}_running,
        ${s}_succeeded = ${s}_succeeded + @${s}_succeeded,
        ${s}_failed = ${s}_failed + @${s}_failed,
        ${s}_ms_sum = ${s}_ms_sum + @${s}_ms_sum,
        ${s}_ms_max = CASE WHEN @${s}_ms_max IS NULL THEN ${s}_ms_max ELSE MAX(COALESCE(${s}_ms_max, @${s}_ms_max), @${s}_ms_max) END`).join(',')}
      WHERE seq = @seq
      RETURNING *`);
    // After a requeue took values back: the largest left in the histograms, not a workflow scan.
    this.#recomputeMaxima = db.prepare(`UPDATE batches SET wait_max = ${maxSql('wait')}, wf_max = ${maxSql('workflow')}
      WHERE seq = @seq`);
    this.#setStatus = db.prepare('UPDATE batches SET status = ?, finished_at = ?, p95s = ? WHERE seq = ?');
    this.#fold = db.prepare(`INSERT INTO tenant_totals (tenant, succeeded, failed, canceled) VALUES (@tenant, @succeeded, @failed, @canceled)
      ON CONFLICT (tenant) DO UPDATE SET succeeded = succeeded + excluded.succeeded, failed = failed + excluded.failed,
        canceled = canceled + excluded.canceled`);
    // A batch finished (next_at = when) or reopened (next_at NULL): a fresh delivery, nothing tried yet.
    this.#armWebhook = db.prepare(`UPDATE batches SET webhook_status = 'pending', webhook_attempts = 0, webhook_last_error = NULL,
        webhook_delivered_at = NULL, webhook_next_at = @next_at, webhook_claim = NULL
      WHERE seq = @seq AND webhook_url IS NOT NULL`);
  }

  /** One writer owns the file: nothing to lock, the rows as they are. */
  heads(seqs: readonly number[]): BatchHead[] {
    return seqs.map((seq) => this.#head.get(seq) as BatchHead | undefined).filter((h) => h !== undefined);
  }

  add(seq: number, d: Delta): BatchRow {
    this.queued.add(d.workflows.queued);
    const stageParams = Object.fromEntries(STAGES.flatMap((s) => [
      [`${s}_running`, d.stages[s].running], [`${s}_succeeded`, d.stages[s].succeeded],
      [`${s}_failed`, d.stages[s].failed], [`${s}_ms_sum`, d.stages[s].msSum], [`${s}_ms_max`, d.stages[s].msMax],
    ]));
    const row = this.#update.get({
      seq, ...d.workflows, started_at: d.startedAt,
      wait_count: d.wait.count, wait_sum: d.wait.sum, wait_max: d.wait.max,
      run_count: d.run.count, run_sum: d.run.sum, run_max: d.run.max, runs: d.finishedRuns, ...stageParams,
    }) as BatchRow;
    this.#views.forget(row.id);
    return row;
  }

  addSamples(seq: number, samples: Samples, counts: readonly number[]): void {
    this.#timings.apply(seq, samples, counts);
  }

  recomputeMaxima(seq: number): void {
    this.#recomputeMaxima.run({ seq });
  }

  setStatus(seq: number, status: BatchStatus, finishedAt: number | null, p95s: string | null): void {
    this.#setStatus.run(status, finishedAt, p95s, seq);
  }

  armWebhook(seq: number, dueAt: number | null): void {
    this.#armWebhook.run({ seq, next_at: dueAt });
  }

  addTenantTotals(tenant: string, counts: FinishedCounts): void {
    this.#fold.run({ tenant, ...counts });
  }

  /** The batch's p95s: frozen when it finished, else where its histograms keep them (one lookup). */
  p95s(row: Pick<BatchRow, 'seq' | 'p95s' | 'wait_count' | 'wf_count'> & Record<string, unknown>): P95s {
    if (row.p95s) return JSON.parse(row.p95s) as P95s;
    return this.#timings.p95s(row.seq, metricCounts(row));
  }
}
