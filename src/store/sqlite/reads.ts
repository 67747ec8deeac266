/** Reads for HTTP: batches and workflows as the API shows them, keyset-paged. */
import type { Database as DB, Statement } from 'better-sqlite3';
import type { BatchStatus, WorkflowStatus } from '../../model/statuses.js';
import type { Batch, Page, Workflow } from '../../model/types.js';
import { decodeCursor, keyOf } from '../cursor.js';
import type { ListQuery } from '../store.js';
import type { FinishedViews } from '../view-cache.js';
import type { BatchCounters } from './counters.js';
import { ACTIVE, STAGE_COLUMNS, page } from '../rows.js';
import { batchView, sumByTenant, workflowView, type BatchRow, type WorkflowRow, type WorkflowTotals } from '../views.js';

export const WORKFLOW_SELECT = `
  SELECT w.seq, w.id, b.id AS batch_id, b.tenant, w.client_id, w.status, w.stage, w.attempts, w.queued_at,
         w.started_at, w.finished_at, w.run_after, ${STAGE_COLUMNS}, w.error, r.data AS result
  FROM workflows w JOIN batches b ON b.seq = w.batch_seq LEFT JOIN results r ON r.workflow_seq = w.seq`;

export class Reads {
  readonly #views: FinishedViews;
  readonly #counters: BatchCounters;
  readonly #ping: Statement;
  readonly #batchById: Statement;
  readonly #batchSeq: Statement;
  readonly #workflowSeq: Statement;
  readonly #batches: Statement;
  readonly #batchesByStatus: Statement;
  readonly #tenantBatches: Statement;
  readonly #tenantBatchesByStatus: Statement;
  readonly #workflows: Statement;
  readonly #workflowsByStatus: Statement;
  readonly #workflowById: Statement;
  readonly #totals: Statement;

  constructor(db: DB, views: FinishedViews, counters: BatchCounters) {
    this.#views = views;
    this.#counters = counters;
    this.#ping = db.prepare('SELECT 1 AS ok');
    this.#batchById = db.prepare('SELECT * FROM batches WHERE id = ?');
    this.#batchSeq = db.prepare('SELECT seq FROM batches WHERE id = ?');
    this.#workflowSeq = db.prepare('SELECT seq FROM workflows WHERE id = ? AND batch_seq = ?').pluck();
    this.#batches = db.prepare('SELECT * FROM batches WHERE seq < ? ORDER BY seq DESC LIMIT +?');
    this.#batchesByStatus = db.prepare('SELECT * FROM batches WHERE status = ? AND seq < ? ORDER BY seq DESC LIMIT +?');
    this.#tenantBatches = db.prepare('SELECT * FROM batches WHERE tenant = ? AND seq < ? ORDER BY seq DESC LIMIT +?');
    this.#tenantBatchesByStatus = db.prepare('SELECT * FROM batches WHERE tenant = ? AND status = ? AND seq < ? ORDER BY seq DESC LIMIT +?');
    this.#workflows = db.prepare(`${WORKFLOW_SELECT} WHERE w.batch_seq = +? AND w.seq > +? ORDER BY w.seq LIMIT +?`);
    this.#workflowsByStatus = db.prepare(`${WORKFLOW_SELECT} WHERE w.batch_seq = +? AND w.status = +? AND w.seq > +? ORDER BY w.seq LIMIT +?`);
    this.#workflowById = db.prepare(`${WORKFLOW_SELECT} WHERE w.id = ?`);
    // Active batches summed live (their index), finished ones as folded at their finish: never every batch.
    this.#totals = db.prepare(`SELECT tenant, SUM(queued) AS queued, SUM(running) AS running, SUM(succeeded) AS succeeded,
        SUM(failed) AS failed, SUM(canceled) AS canceled
      FROM batches WHERE ${ACTIVE} GROUP BY tenant
      UNION ALL SELECT tenant, 0, 0, succeeded, failed, canceled FROM tenant_totals`);
  }

  ping(): boolean {
    return this.#ping.get() !== undefined;
  }

  batch(id: string, now: number): Batch | null {
    const cached = this.#views.get(id);
    if (cached) return cached;
    const row = this.#batchById.get(id) as BatchRow | undefined;
    return row ? this.#views.remember(batchView(row, this.#counters.p95s(row), now)) : null;
  }

  batches(query: ListQuery<BatchStatus>, now: number): Page<Batch> {
    const before = query.cursor ? keyOf(this.seqOf(decodeCursor(query.cursor))) : Number.MAX_SAFE_INTEGER;
    const { tenant, status, limit } = query;
    const rows = (tenant === undefined
      ? status ? this.#batchesByStatus.all(status, before, limit + 1) : this.#batches.all(before, limit + 1)
      : status ? this.#tenantBatchesByStatus.all(tenant, status, before, limit + 1) : this.#tenantBatches.all(tenant, before, limit + 1)
    ) as BatchRow[];
    return page(rows, query.limit, (row) => batchView(row, this.#counters.p95s(row), now));
  }

  workflows(batchId: string, query: ListQuery<WorkflowStatus>): Page<Workflow> | null {
    const seq = this.seqOf(batchId);
    if (seq === null) return null;
    const after = query.cursor ? keyOf(this.#workflowSeq.get(decodeCursor(query.cursor), seq) as number | undefined) : 0;
    const rows = (query.status
      ? this.#workflowsByStatus.all(seq, query.status, after, query.limit + 1)
      : this.#workflows.all(seq, after, query.limit + 1)) as WorkflowRow[];
    return page(rows, query.limit, workflowView);
  }

  workflow(id: string): Workflow | null {
    const row = this.#workflowById.get(id) as WorkflowRow | undefined;
    return row ? workflowView(row) : null;
  }

  seqOf(batchId: string): number | null {
    return (this.#batchSeq.get(batchId) as { seq: number } | undefined)?.seq ?? null;
  }

  totals(): Record<string, WorkflowTotals> {
    return sumByTenant(this.#totals.all() as Parameters<typeof sumByTenant>[0]);
  }
}
