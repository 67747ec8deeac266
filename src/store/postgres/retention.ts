/**
 * Retention on PostgreSQL: finished batches deleted whole, a few per transaction (as many as hold
 * about `limit` workflows, one at least), with everything kept for them.
 *
 * Nothing here waits for a lock. Batches are taken `FOR UPDATE SKIP LOCKED`, so replicas purging
 * at once take different ones. Then their workflows are locked, skipping the locked ones: every
 * other transaction locks workflows before their batch (the lock order, postgres-store.ts), so a
 * workflow locked by someone else is a retry about to reopen its batch, or a late write the fence
 * will refuse, and its batch is left for a later purge rather than waited for (waiting while
 * holding the batch row would deadlock with that retry). A batch is deleted in one transaction
 * whatever its size: its rows are ones no one else locks, so it blocks nobody meanwhile.
 */
import type { Purged, PurgeScope } from '../store.js';
import type { Tx } from './transaction.js';

interface Candidate {
  seq: number;
  id: string;
  total: number;
}

/**
 * Tenant by tenant, each one's due batches from batches_finished (tenant, finished_at). Every
 * tenant with a finished batch has a row in tenant_totals (its finish added it), so the tenants in
 * scope are read from there, and a purge never walks the batches another tenant keeps longer.
 */
const DUE = (filter: string) => `SELECT b.seq, b.id, b.total FROM tenant_totals t JOIN batches b ON b.tenant = t.tenant
  WHERE ${filter} AND b.finished_at < $1 AND b.status IN ('succeeded', 'failed', 'canceled')
    AND (b.webhook_status IS NULL OR b.webhook_status <> 'pending')
  LIMIT $2 FOR UPDATE OF b SKIP LOCKED`;
const DUE_OF = DUE('t.tenant = ANY($3::text[])');
const DUE_EXCEPT = DUE('t.tenant <> ALL($3::text[])');

/** Inside a transaction: deletes batches due of the tenants in scope that no one else is touching. */
export async function purgeFinished(tx: Tx, before: number, limit: number, scope: PurgeScope): Promise<Purged> {
  const budget = Math.max(1, Math.floor(limit));
  const [sql, tenants] = 'tenants' in scope ? [DUE_OF, scope.tenants] : [DUE_EXCEPT, scope.exceptTenants];
  const { rows: due } = await tx.query<Candidate>(sql, [before, Math.min(budget, 100), tenants]);
  const chosen: Candidate[] = [];
  let workflows = 0;
  for (const batch of due) {
    if (chosen.length > 0 && workflows + batch.total > budget) break;
    chosen.push(batch);
    workflows += batch.total;
  }
  if (chosen.length === 0) return { batches: 0, workflows: 0, events: 0 };
  const { rows: locked } = await tx.query<{ batch_seq: number; n: number }>(`SELECT batch_seq, count(*)::int AS n
    FROM (SELECT batch_seq FROM workflows WHERE batch_seq = ANY($1::bigint[]) ORDER BY seq FOR UPDATE SKIP LOCKED) w
    GROUP BY batch_seq`, [chosen.map((b) => b.seq)]);
  const held = new Map(locked.map((r) => [r.batch_seq, r.n]));
  const whole = chosen.filter((b) => (held.get(b.seq) ?? 0) === b.total);
  if (whole.length === 0) return { batches: 0, workflows: 0, events: 0 };
  const seqs = whole.map((b) => b.seq);
  // Their workflows leave their tenants' totals of finished batches (reads.ts totals), rows locked in tenant order.
  await tx.query(`INSERT INTO tenant_totals AS t (tenant, succeeded, failed, canceled)
      SELECT tenant, -SUM(succeeded), -SUM(failed), -SUM(canceled) FROM batches WHERE seq = ANY($1::bigint[]) GROUP BY tenant ORDER BY tenant
    ON CONFLICT (tenant) DO UPDATE SET succeeded = t.succeeded + excluded.succeeded, failed = t.failed + excluded.failed,
      canceled = t.canceled + excluded.canceled`, [seqs]);
  await tx.query('DELETE FROM results WHERE workflow_seq IN (SELECT seq FROM workflows WHERE batch_seq = ANY($1::bigint[]))', [seqs]);
  const events = await tx.query('DELETE FROM events WHERE batch_seq = ANY($1::bigint[])', [seqs]);
  await tx.query('DELETE FROM batch_timings WHERE batch_seq = ANY($1::bigint[])', [seqs]);
  const deleted = await tx.query('DELETE FROM workflows WHERE batch_seq = ANY($1::bigint[])', [seqs]);
  await tx.query('DELETE FROM idempotency_keys WHERE batch_id = ANY($1::text[])', [whole.map((b) => b.id)]);
  const batches = await tx.query('DELETE FROM batches WHERE seq = ANY($1::bigint[])', [seqs]);
  return { batches: batches.rowCount ?? 0, workflows: deleted.rowCount ?? 0, events: events.rowCount ?? 0 };
}
