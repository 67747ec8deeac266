/**
 * Claims and leases on PostgreSQL. The fair plan comes from claim-plan.ts, run over what each
 * active batch has to give (read first); the plan is then taken in one statement with `FOR UPDATE
 * SKIP LOCKED`, so replicas claiming at once never wait for each other nor take the same
 * workflow (one may get less than it planned). `maxConcurrency` stays exact across replicas: a claim
 * locks the rows of the capped batches it counts, so two claims cannot both fill the same cap.
 */
import type { BatchOptions } from '../../model/types.js';
import { claimFairly } from '../claim-plan.js';
import { ACTIVE, load, STAGE_COLUMNS, WORKFLOW_ROW, type FullRow } from '../rows.js';
import type { ClaimedWorkflow, Renewal } from '../store.js';
import type { Tx } from './transaction.js';

/** Unowned, unfinished, not being canceled, not waiting out a retry's backoff ($1 = now). */
const RUNNABLE = `w.lease_owner IS NULL AND w.${ACTIVE} AND w.cancel_requested = 0 AND (w.run_after IS NULL OR w.run_after <= $1)`;

interface ActiveBatch {
  seq: number;
  priority: number;
  maxConcurrency: number | null;
  /** Runnable workflows, counted up to the claim's limit. */
  available: number;
  /** Workflows leased now (counted for capped batches only). */
  leased: number;
}

export async function claim(tx: Tx, owner: string, limit: number, now: number, leaseMs: number, turn: number): Promise<ClaimedWorkflow[]> {
  await tx.query(`SELECT seq FROM batches WHERE ${ACTIVE} AND max_concurrency IS NOT NULL ORDER BY seq FOR UPDATE`);
  const { rows: batches } = await tx.query<ActiveBatch>(`SELECT b.seq, b.priority, b.max_concurrency AS "maxConcurrency",
      (SELECT count(*) FROM (SELECT 1 FROM workflows w WHERE w.batch_seq = b.seq AND ${RUNNABLE} LIMIT $2) x) AS available,
      CASE WHEN b.max_concurrency IS NULL THEN 0
           ELSE (SELECT count(*) FROM workflows w WHERE w.batch_seq = b.seq AND w.lease_owner IS NOT NULL) END AS leased
    FROM batches b WHERE b.${ACTIVE} AND (b.queued > 0 OR b.running > 0) ORDER BY b.priority DESC, b.seq LIMIT 1000`, [now, limit]);
  const planned = new Map<number, number>();
  claimFairly(batches.filter((b) => b.available > 0), limit, turn, {
    leased: (b) => b.leased + (planned.get(b.seq) ?? 0),
    take: (b, max) => {
      const got = Math.min(max, b.available - (planned.get(b.seq) ?? 0));
      planned.set(b.seq, (planned.get(b.seq) ?? 0) + got);
      return got;
    },
  });
  if (planned.size === 0) return [];
  const { rows } = await tx.query<FullRow & { output: string | null }>(`WITH picked AS (
      SELECT w.seq FROM unnest($2::bigint[], $3::int[]) AS p(batch_seq, n)
      CROSS JOIN LATERAL (SELECT seq FROM workflows w WHERE w.batch_seq = p.batch_seq AND ${RUNNABLE}
                          ORDER BY seq LIMIT p.n FOR UPDATE SKIP LOCKED) w)
    UPDATE workflows w SET lease_owner = $4, lease_expires = $5, lease_epoch = w.lease_epoch + 1
    FROM picked WHERE w.seq = picked.seq
    RETURNING w.seq, w.id, w.batch_seq, w.client_id, w.priority, w.status, w.stage, ${STAGE_COLUMNS}, w.attempts, w.queued_at,
              w.started_at, w.finished_at, w.lease_epoch,
              -- only a workflow resuming after a succeeded stage has an input to read
              CASE WHEN w.fetch_status = 'succeeded' THEN w.output END AS output`,
  [now, [...planned.keys()], [...planned.values()], owner, now + leaseMs]);
  if (rows.length === 0) return [];
  // In the plan's order (highest priority first), each batch's oldest first.
  const rank = new Map([...planned.keys()].map((seq, i) => [seq, i]));
  rows.sort((x, y) => rank.get(x.batch_seq)! - rank.get(y.batch_seq)! || x.seq - y.seq);
  const seqs = [...new Set(rows.map((r) => r.batch_seq))];
  const { rows: infos } = await tx.query<{ seq: number; id: string; options: string }>(
    'SELECT seq, id, options FROM batches WHERE seq = ANY($1::bigint[])', [seqs],
  );
  const batchOf = new Map(infos.map((b) => [b.seq, { id: b.id, options: JSON.parse(b.options) as BatchOptions }]));
  return rows.map((row) => {
    const batch = batchOf.get(row.batch_seq)!;
    const workflow = load({ ...row, batch_id: batch.id, lease_owner: owner, cancel_requested: 0 }, batch.options);
    return { ...workflow, output: row.output === null ? null : JSON.parse(row.output) as unknown };
  });
}

/**
 * Renews what `owner` still holds of `ids`; returns the ids it lost (not held any more and not
 * finished: a workflow canceled while it waited is finished, its claim simply ends) and the held
 * ones whose cancel was requested, here or on another replica: the heartbeat is how a cancel
 * reaches the run when its notice did not.
 */
export async function renew(tx: Tx, owner: string, ids: string[], now: number, leaseMs: number): Promise<Renewal> {
  // Rows locked in key order first, as every transaction here locks them: a renewal taking them
  // in another order deadlocks with a group commit holding some of them.
  const { rows } = await tx.query<{ id: string; cancel_requested: number }>(
    `UPDATE workflows SET lease_expires = $1
    WHERE seq IN (SELECT seq FROM workflows WHERE lease_owner = $2 AND id = ANY($3::text[]) ORDER BY seq FOR UPDATE)
    RETURNING id, cancel_requested`, [now + leaseMs, owner, ids],
  );
  const held = new Set(rows.map((r) => r.id));
  const canceled = rows.filter((r) => r.cancel_requested === 1).map((r) => r.id);
  const gone = ids.filter((id) => !held.has(id));
  if (gone.length === 0) return { lost: gone, canceled };
  const { rows: unfinished } = await tx.query<{ id: string }>(`SELECT id FROM workflows WHERE id = ANY($1::text[]) AND ${ACTIVE}`, [gone]);
  return { lost: unfinished.map((r) => r.id), canceled };
}

/** Leased rows to free, locked: expired ones (any owner), or `owner`'s (all, or only `ids`). */
export async function leasedRows(tx: Tx, which: { expiredAt: number } | { owner: string; ids?: string[] }): Promise<FullRow[]> {
  // Rows a live transaction holds are skipped: their owner is writing them now, so they are not dead.
  const lock = 'ORDER BY w.seq FOR UPDATE OF w SKIP LOCKED';
  const { rows } = 'expiredAt' in which
    ? await tx.query<FullRow>(`${WORKFLOW_ROW} WHERE w.lease_owner IS NOT NULL AND w.lease_expires < $1 ${lock}`, [which.expiredAt])
    : which.ids
      ? await tx.query<FullRow>(`${WORKFLOW_ROW} WHERE w.lease_owner = $1 AND w.id = ANY($2::text[]) ${lock}`, [which.owner, which.ids])
      : await tx.query<FullRow>(`${WORKFLOW_ROW} WHERE w.lease_owner = $1 ${lock}`, [which.owner]);
  tx.rows.locked(rows);
  return rows;
}
