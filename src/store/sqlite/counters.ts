/**
 * A batch's counters, kept in its row and moved by every change in the change's transaction, so
 * a batch's status, progress, averages and maxima cost O(1) to read; its duration histograms
 * (timings.ts), moved in the same transaction, give its p95s without a workflow scan. What a
 * change does to the batch itself (finish, reopen) is decided by batch-finish.ts and written here
 * in the same commit.
 */
import type { Database as DB, Statement } from 'better-sqlite3';
import { STAGES } from '../../model/statuses.js';
import { batchChange, foldedCounts } from '../batch-finish.js';
import { CommittedTotal, type Outbox } from '../outbox.js';
import { METRICS } from '../timings.js';
import type { Delta } from '../transitions.js';
import type { FinishedViews } from '../view-cache.js';
import type { EventLog } from './events.js';
import { ACTIVE } from '../rows.js';
import { BatchTimings, maxSql, type MetricCounts } from './timings.js';
import type { BatchRow, P95s } from '../views.js';

export class BatchCounters {
  /** Workflows queued across all batches, for MAX_QUEUED: summed at open, then kept by commits. */
  readonly queued: CommittedTotal;
  readonly #events: EventLog;
  readonly #views: FinishedViews;
  readonly #timings: BatchTimings;
  readonly #update: Statement;
  readonly #recomputeMaxima: Statement;
  readonly #setStatus: Statement;
  readonly #armWebhook: Statement;
  readonly #fold: Statement;

  constructor(db: DB, outbox: Outbox, events: EventLog, views: FinishedViews) {
    this.#events = events;
    this.#views = views;
    this.#timings = new BatchTimings(db);
    this.queued = new CommittedTotal(
      outbox,
      (db.prepare(`SELECT COALESCE(SUM(queued), 0) AS n FROM batches WHERE ${ACTIVE}`).get() as { n: number }).n,
    );
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
      WHERE id = @id
      RETURNING seq, tenant, status, started_at, finished_at, queued, running, succeeded, failed, canceled, wait_count, wf_count,
                ${STAGES.map((s) => `${s}_succeeded`).join(', ')}`);
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

  /** Applies `d` to the batch's counters, and whatever that does to the batch (batch-finish.ts). */
  apply(batchId: string, d: Delta, at: number): void {
    this.#views.forget(batchId);
    this.queued.add(d.workflows.queued);
    const stageParams = Object.fromEntries(STAGES.flatMap((s) => [
      [`${s}_running`, d.stages[s].running], [`${s}_succeeded`, d.stages[s].succeeded],
      [`${s}_failed`, d.stages[s].failed], [`${s}_ms_sum`, d.stages[s].msSum], [`${s}_ms_max`, d.stages[s].msMax],
    ]));
    const row = this.#update.get({
      id: batchId, ...d.workflows, started_at: d.startedAt,
      wait_count: d.wait.count, wait_sum: d.wait.sum, wait_max: d.wait.max,
      run_count: d.run.count, run_sum: d.run.sum, run_max: d.run.max, runs: d.finishedRuns, ...stageParams,
    }) as BatchRow;
    // Before the maxima and the p95s a finish freezes below: both read the histograms.
    this.#timings.apply(row.seq, d.samples, countsOf(row));
    if (d.recomputeMaxima) this.#recomputeMaxima.run({ seq: row.seq });
    const change = batchChange(batchId, row.status, { ...row, started: row.started_at !== null }, at);
    if (!change) return;
    const p95s = change.p95s === 'freeze' ? JSON.stringify(this.p95s({ ...row, p95s: null })) : null;
    this.#setStatus.run(change.status, change.finishedAt, p95s, row.seq);
    const folded = foldedCounts(row.status, change, row, d.workflows);
    if (folded) this.#fold.run({ tenant: row.tenant, ...folded });
    if (change.webhook) this.#armWebhook.run({ seq: row.seq, next_at: change.webhook.dueAt });
    if (change.event) this.#events.log(row.seq, change.event);
  }

  /** The batch's p95s: frozen when it finished, else where its histograms keep them (one lookup). */
  p95s(row: Pick<BatchRow, 'seq' | 'p95s' | 'wait_count' | 'wf_count'> & Record<string, unknown>): P95s {
    if (row.p95s) return JSON.parse(row.p95s) as P95s;
    return this.#timings.p95s(row.seq, countsOf(row));
  }
}

/** The counter that says how many values each metric holds: waits, run times, succeeded stage runs. */
const COUNT_COLUMNS = METRICS.map((m) => (m === 'wait' ? 'wait_count' : m === 'workflow' ? 'wf_count' : `${m}_succeeded`));

function countsOf(row: Record<string, unknown>): MetricCounts {
  return COUNT_COLUMNS.map((column) => row[column] as number);
}
