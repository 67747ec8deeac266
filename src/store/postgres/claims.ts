/**
 * Claims and leases on PostgreSQL, as the port (driver.ts) asks for them; the plan is
 * ops/claim.ts, run over what each active batch has to give (read first, `claimableBatches`). The
 * takes it plans are taken at its end in one statement with `FOR UPDATE SKIP LOCKED`
 * (`PlannedTakes`), so replicas claiming at once never wait for each other nor take the same
 * workflow (one may get less than it planned, never more).
 *
 * Caps stay exact across replicas. `maxConcurrency`: a claim locks the rows of the capped batches
 * it counts, so two claims cannot both fill the same cap. A tenant's `maxRunning`: a claim that
 * would serve a capped tenant takes a transaction-scoped advisory lock per such tenant before
 * counting its leases, so two claims cannot both fill the same tenant's cap either; an uncapped
 * tenant takes none, and a claim serving only those runs as before. Lock order, the same in every
 * claim: capped batch rows (by key), then the tenants' advisory locks (by lock key); workflow rows
 * are taken last and with SKIP LOCKED, never waited for. Only claims take these advisory locks,
 * and a claim holding one waits for nothing else, so no group commit can be part of a cycle.
 *
 * Flow limits (flow-limits.ts): a claim serving batches that name a limited key takes the key's
 * advisory lock after the tenants' (by lock key), reads the bucket and the key's leases, and
 * writes the bucket before it commits; `PUT /v1/limits` takes the same lock and nothing else.
 */
import type { Quotas } from '../../model/tenants.js';
import type { BatchOptions } from '../../model/types.js';
import type { ClaimableBatch, ClaimTerms, TakenRow } from '../driver.js';
import { ACTIVE, STAGE_COLUMNS, type FullRow } from '../rows.js';
import type { Renewal } from '../store.js';
import type { Tx } from './transaction.js';

/** Unowned, unfinished, not being canceled, not waiting out a retry's backoff ($1 = now). */
const RUNNABLE = `w.lease_owner IS NULL AND w.${ACTIVE} AND w.cancel_requested = 0 AND (w.run_after IS NULL OR w.run_after <= $1)`;

/** The advisory lock of a tenant's running cap: a key space of its own (the two-int form). */
const TENANT_LOCK_SPACE = 0x6366_7472; // "cftr"

/**
 * Active batches with runnable work, after locking the capped ones' rows (in key order): what
 * each has to give is counted up to `limit`, so the plan never asks a batch for more than it has.
 */
export async function claimableBatches(tx: Tx, limit: number, now: number): Promise<ClaimableBatch[]> {
  await tx.query(`SELECT seq FROM batches WHERE ${ACTIVE} AND max_concurrency IS NOT NULL ORDER BY seq FOR UPDATE`);
  // Each tenant's first batches come first (its highest priority, oldest): one tenant's thousand
  // batches cannot hide another's.
  const { rows } = await tx.query<Omit<ClaimableBatch, 'quotas' | 'available'> & { quotas: string | null; available: number }>(`
    SELECT c.seq, c.priority, c.tenant, t.quotas, c."maxConcurrency", c."flowKey",
      (SELECT count(*) FROM (SELECT 1 FROM workflows w WHERE w.batch_seq = c.seq AND ${RUNNABLE} LIMIT $2) x) AS available,
      CASE WHEN c."maxConcurrency" IS NULL THEN 0
           ELSE (SELECT count(*) FROM workflows w WHERE w.batch_seq = c.seq AND w.lease_owner IS NOT NULL) END AS leased
    FROM (SELECT b.seq, b.priority, b.tenant, b.max_concurrency AS "maxConcurrency", b.flow_key AS "flowKey",
            row_number() OVER (PARTITION BY b.tenant ORDER BY b.priority DESC, b.seq) AS place
          FROM batches b WHERE b.${ACTIVE} AND (b.queued > 0 OR b.running > 0)
          ORDER BY place, b.priority DESC, b.seq LIMIT 1000) c
    LEFT JOIN tenants t ON t.id = c.tenant
    ORDER BY c.place, c.priority DESC, c.seq`, [now, limit]);
  return rows.filter((b) => b.available > 0).map((b) => ({ ...b, quotas: b.quotas === null ? null : JSON.parse(b.quotas) as Quotas }));
}

/**
 * What each of `tenants` holds leased, counted under its advisory lock (taken here, held until the
 * claim commits), so two claims cannot both fill the same tenant's cap.
 */
export async function tenantLeases(tx: Tx, tenants: readonly string[]): Promise<Map<string, number>> {
  // Locked in key order, one at a time (output expressions run after ORDER BY's sort): two
  // tenants whose ids hash alike share a lock, and key order keeps even that free of cycles.
  await tx.query(`SELECT pg_advisory_xact_lock(${TENANT_LOCK_SPACE}, k)
    FROM (SELECT DISTINCT hashtext(t) AS k FROM unnest($1::text[]) AS t) x ORDER BY k`, [tenants]);
  // A statement of its own, after the lock: its snapshot then sees every lease committed by a
  // claim that held the lock before (one statement would keep a snapshot taken before the wait).
  // The leased rows are read through their partial index (workflows_leased: as many as the
  // replicas run at once, as a capped batch's count reads them), grouped by batch, and only then
  // joined to the batches: never the tenants' workflows batch by batch. No index of its own, so
  // the claims, starts and finishes of uncapped tenants pay nothing for it.
  const { rows } = await tx.query<{ tenant: string; n: number }>(`WITH leased AS MATERIALIZED (
      SELECT batch_seq, count(*) AS n FROM workflows WHERE lease_owner IS NOT NULL GROUP BY batch_seq)
    SELECT b.tenant, sum(l.n)::int AS n FROM leased l JOIN batches b ON b.seq = l.batch_seq
    WHERE b.tenant = ANY($1::text[]) GROUP BY b.tenant`, [tenants]);
  return new Map(rows.map((r) => [r.tenant, r.n]));
}

/** A claim's takes, planned against what `claimableBatches` counted, then taken at once. */
export class PlannedTakes {
  readonly #planned = new Map<number, number>();

  constructor(readonly tx: Tx) {}

  plan(batch: ClaimableBatch, max: number): number {
    const available = batch.available ?? max;
    const planned = this.#planned.get(batch.seq) ?? 0;
    const got = Math.min(max, available - planned);
    this.#planned.set(batch.seq, planned + got);
    return got;
  }

  async take({ owner, now, leaseMs }: ClaimTerms): Promise<TakenRow[]> {
    const plan = [...this.#planned].filter(([, n]) => n > 0);
    if (plan.length === 0) return [];
    const { rows } = await this.tx.query<FullRow & { output: string | null }>(`WITH picked AS (
        SELECT w.seq FROM unnest($2::bigint[], $3::int[]) AS p(batch_seq, n)
        CROSS JOIN LATERAL (SELECT seq FROM workflows w WHERE w.batch_seq = p.batch_seq AND ${RUNNABLE}
                            ORDER BY seq LIMIT p.n FOR UPDATE SKIP LOCKED) w)
      UPDATE workflows w SET lease_owner = $4, lease_expires = $5, lease_epoch = w.lease_epoch + 1
      FROM picked WHERE w.seq = picked.seq
      RETURNING w.seq, w.id, w.batch_seq, w.client_id, w.priority, w.status, w.stage, ${STAGE_COLUMNS}, w.attempts, w.queued_at,
                w.started_at, w.finished_at, w.lease_epoch,
                -- only a workflow resuming after a succeeded stage has an input to read
                CASE WHEN w.fetch_status = 'succeeded' THEN w.output END AS output`,
    [now, plan.map(([seq]) => seq), plan.map(([, n]) => n), owner, now + leaseMs]);
    if (rows.length === 0) return [];
    const { rows: infos } = await this.tx.query<{ seq: number; id: string; options: string; trace_context: string | null }>(
      'SELECT seq, id, options, trace_context FROM batches WHERE seq = ANY($1::bigint[])', [[...new Set(rows.map((r) => r.batch_seq))]],
    );
    const batchOf = new Map(infos.map((b) => [b.seq, { id: b.id, options: JSON.parse(b.options) as BatchOptions, traceContext: b.trace_context }]));
    return rows.map(({ output, ...row }) => {
      const batch = batchOf.get(row.batch_seq)!;
      return {
        row: { ...row, batch_id: batch.id }, options: batch.options, output: output === null ? null : JSON.parse(output) as unknown,
        traceContext: batch.traceContext,
      };
    });
  }
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
