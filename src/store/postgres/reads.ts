/** Reads on PostgreSQL: batches and workflows as the API shows them, keyset-paged; rows to change, locked. */
import type { BatchStatus, WorkflowStatus } from '../../model/statuses.js';
import type { Batch, Page, Workflow } from '../../model/types.js';
import { decodeCursor, keyOf } from '../cursor.js';
import { ACTIVE, STAGE_COLUMNS, WORKFLOW_ROW, page, type FullRow } from '../rows.js';
import type { RowQuery } from '../driver.js';
import type { ListQuery } from '../store.js';
import { batchView, sumByTenant, workflowView, type BatchRow, type WorkflowRow, type WorkflowTotals } from '../views.js';
import { p95sOf } from './counters.js';
import type { Queryable } from './database.js';
import type { Tx } from './transaction.js';

export const WORKFLOW_SELECT = `
  SELECT w.seq, w.id, b.id AS batch_id, b.tenant, w.client_id, w.status, w.stage, w.attempts, w.queued_at,
         w.started_at, w.finished_at, w.run_after, ${STAGE_COLUMNS}, w.error, r.data AS result
  FROM workflows w JOIN batches b ON b.seq = w.batch_seq LEFT JOIN results r ON r.workflow_seq = w.seq`;

export async function batch(db: Queryable, id: string, now: number): Promise<Batch | null> {
  const { rows } = await db.query<BatchRow>('SELECT * FROM batches WHERE id = $1', [id]);
  return rows[0] ? batchView(rows[0], await p95sOf(db, rows[0]), now) : null;
}

export async function batches(db: Queryable, query: ListQuery<BatchStatus>, now: number): Promise<Page<Batch>> {
  const before = query.cursor ? keyOf(await seqOf(db, decodeCursor(query.cursor))) : Number.MAX_SAFE_INTEGER;
  // Each filter its own statement, so each keeps its own index (by status, by tenant, by seq).
  const where = [query.tenant === undefined ? null : 'tenant', query.status === undefined ? null : 'status']
    .filter((c) => c !== null).map((c, i) => `${c} = $${i + 3} AND `).join('');
  const { rows } = await db.query<BatchRow>(`SELECT * FROM batches WHERE ${where}seq < $1 ORDER BY seq DESC LIMIT $2`,
    [before, query.limit + 1, ...[query.tenant, query.status].filter((v) => v !== undefined)]);
  // The page's p95s first (a query each, for the unfinished ones), then the views from them.
  const p95s = new Map(await Promise.all(rows.slice(0, query.limit).map(async (row) => [row, await p95sOf(db, row)] as const)));
  return page(rows, query.limit, (row) => batchView(row, p95s.get(row)!, now));
}

export async function workflows(db: Queryable, batchId: string, query: ListQuery<WorkflowStatus>): Promise<Page<Workflow> | null> {
  const seq = await seqOf(db, batchId);
  if (seq === null) return null;
  const after = query.cursor ? keyOf(await workflowSeqOf(db, decodeCursor(query.cursor), seq)) : 0;
  const { rows } = query.status
    ? await db.query<WorkflowRow>(`${WORKFLOW_SELECT} WHERE w.batch_seq = $1 AND w.status = $2 AND w.seq > $3 ORDER BY w.seq LIMIT $4`,
      [seq, query.status, after, query.limit + 1])
    : await db.query<WorkflowRow>(`${WORKFLOW_SELECT} WHERE w.batch_seq = $1 AND w.seq > $2 ORDER BY w.seq LIMIT $3`, [seq, after, query.limit + 1]);
  return page(rows, query.limit, workflowView);
}

export async function workflow(db: Queryable, id: string): Promise<Workflow | null> {
  const { rows } = await db.query<WorkflowRow>(`${WORKFLOW_SELECT} WHERE w.id = $1`, [id]);
  return rows[0] ? workflowView(rows[0]) : null;
}

export async function seqOf(db: Queryable, batchId: string): Promise<number | null> {
  const { rows } = await db.query<{ seq: number }>('SELECT seq FROM batches WHERE id = $1', [batchId]);
  return rows[0]?.seq ?? null;
}

/**
 * Rows a sequence changes (driver.ts `RowQuery`), locked in key order until the transaction ends;
 * their leases are what its writes are fenced on. Leased rows a live transaction holds are
 * skipped: their owner is writing them now, so they are not dead.
 */
export async function workflowRows(tx: Tx, query: RowQuery): Promise<FullRow[]> {
  const lock = 'ORDER BY w.seq FOR UPDATE OF w';
  const skip = `${lock} SKIP LOCKED`;
  const { rows } = 'workflowId' in query
    ? await tx.query<FullRow>(`${WORKFLOW_ROW} WHERE w.id = $1 ${lock}`, [query.workflowId])
    : 'batchSeq' in query
      ? query.status === 'unfinished'
        ? await tx.query<FullRow>(`${WORKFLOW_ROW} WHERE w.batch_seq = $1 AND w.${ACTIVE} ${lock}`, [query.batchSeq])
        : await tx.query<FullRow>(`${WORKFLOW_ROW} WHERE w.batch_seq = $1 AND w.status IN ('failed', $2) ${lock}`,
          [query.batchSeq, query.status === 'failed' ? 'failed' : 'canceled'])
      : query.leased === 'all'
        ? await tx.query<FullRow>(`${WORKFLOW_ROW} WHERE w.lease_owner IS NOT NULL ${skip}`)
        : query.leased === 'expired'
          ? await tx.query<FullRow>(`${WORKFLOW_ROW} WHERE w.lease_owner IS NOT NULL AND w.lease_expires < $1 ${skip}`, [query.at])
          : query.ids
            ? await tx.query<FullRow>(`${WORKFLOW_ROW} WHERE w.lease_owner = $1 AND w.id = ANY($2::text[]) ${skip}`, [query.owner, query.ids])
            : await tx.query<FullRow>(`${WORKFLOW_ROW} WHERE w.lease_owner = $1 ${skip}`, [query.owner]);
  tx.rows.locked(rows);
  return rows;
}

/** Active batches summed live (their index), finished ones as folded at their finish: never every batch. */
export async function totals(db: Queryable): Promise<Record<string, WorkflowTotals>> {
  const { rows } = await db.query<{ tenant: string } & Record<WorkflowStatus, string>>(`SELECT tenant, SUM(queued) AS queued,
      SUM(running) AS running, SUM(succeeded) AS succeeded, SUM(failed) AS failed, SUM(canceled) AS canceled
    FROM batches WHERE ${ACTIVE} GROUP BY tenant
    UNION ALL SELECT tenant, 0, 0, succeeded, failed, canceled FROM tenant_totals`);
  return sumByTenant(rows);
}

/** The key of the workflow `id` of the batch `batchSeq`, or null. */
async function workflowSeqOf(db: Queryable, id: string, batchSeq: number): Promise<number | null> {
  const { rows } = await db.query<{ seq: number }>('SELECT seq FROM workflows WHERE id = $1 AND batch_seq = $2', [id, batchSeq]);
  return rows[0]?.seq ?? null;
}
