/**
 * Claims and leases on PostgreSQL. The fair plan comes from claim-plan.ts, run over what each
 * active batch has to give (read first); the plan is then taken in one statement with `FOR UPDATE
 * SKIP LOCKED`, so replicas claiming at once never wait for each other nor take the same
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
import { afterClaim, flowRoom, tokensAt } from '../../model/flow-limits.js';
import { claimFairly, runningCap } from '../claim-plan.js';
import { lockLimits, saveBuckets } from './flow-limits.js';
import { ACTIVE, load, STAGE_COLUMNS, type FullRow } from '../rows.js';
import type { ClaimedWorkflow, Renewal } from '../store.js';
import type { Tx } from './transaction.js';

/** Unowned, unfinished, not being canceled, not waiting out a retry's backoff ($1 = now). */
const RUNNABLE = `w.lease_owner IS NULL AND w.${ACTIVE} AND w.cancel_requested = 0 AND (w.run_after IS NULL OR w.run_after <= $1)`;

/** The advisory lock of a tenant's running cap: a key space of its own (the two-int form). */
const TENANT_LOCK_SPACE = 0x6366_7472; // "cftr"

interface ActiveBatch {
  seq: number;
  priority: number;
  tenant: string;
  /** The tenant's own quotas (JSON); null: the tenant has no row, so no quotas of its own. */
  quotas: string | null;
  maxConcurrency: number | null;
  flowKey: string | null;
  /** Runnable workflows, counted up to the claim's limit. */
  available: number;
  /** Workflows leased now (counted for capped batches only). */
  leased: number;
}

/** `defaultCap`: a tenant's running cap when its quotas set none (null: no cap). */
export async function claim(
  tx: Tx, owner: string, limit: number, now: number, leaseMs: number, turn: number, defaultCap: number | null,
): Promise<ClaimedWorkflow[]> {
  await tx.query(`SELECT seq FROM batches WHERE ${ACTIVE} AND max_concurrency IS NOT NULL ORDER BY seq FOR UPDATE`);
  const { rows: active } = await tx.query<ActiveBatch>(`SELECT b.seq, b.priority, b.tenant, t.quotas, b.max_concurrency AS "maxConcurrency", b.flow_key AS "flowKey",
      (SELECT count(*) FROM (SELECT 1 FROM workflows w WHERE w.batch_seq = b.seq AND ${RUNNABLE} LIMIT $2) x) AS available,
      CASE WHEN b.max_concurrency IS NULL THEN 0
           ELSE (SELECT count(*) FROM workflows w WHERE w.batch_seq = b.seq AND w.lease_owner IS NOT NULL) END AS leased
    FROM batches b LEFT JOIN tenants t ON t.id = b.tenant
    WHERE b.${ACTIVE} AND (b.queued > 0 OR b.running > 0) ORDER BY b.priority DESC, b.seq LIMIT 1000`, [now, limit]);
  const batches = active.filter((b) => b.available > 0);
  const rooms = await tenantRooms(tx, batches, defaultCap);
  const limits = await lockLimits(tx, [...new Set(batches.flatMap((b) => (b.flowKey === null ? [] : [b.flowKey])))]);
  const bucketOf = (key: string, taken: number) => afterClaim(limits.get(key)!.limit, taken, now);
  /** Keys this claim served and found no whole token for: throttled once each. */
  const throttled = new Set<string>();
  const planned = new Map<number, number>();
  claimFairly(batches, limit, turn, {
    leased: (b) => b.leased + (planned.get(b.seq) ?? 0),
    take: (b, max) => {
      const got = Math.min(max, b.available - (planned.get(b.seq) ?? 0));
      planned.set(b.seq, (planned.get(b.seq) ?? 0) + got);
      return got;
    },
    room: (tenant) => rooms.get(tenant) ?? null,
    keyRoom: (key) => {
      const held = limits.get(key);
      if (!held) return null;
      if (held.limit.rate !== null && tokensAt(held.limit, now) < 1) throttled.add(key);
      return flowRoom(held.limit, held.leased, now);
    },
  });
  const keyOf = new Map(batches.map((b) => [b.seq, b.flowKey]));
  if (planned.size === 0) {
    await saveBuckets(tx, [...throttled].map((key) => ({ key, ...bucketOf(key, 0), throttled: 1 })));
    return [];
  }
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
  // Each claimed workflow of a rate-limited key took a token, in this same transaction.
  const taken = new Map<string, number>();
  for (const row of rows) {
    const key = keyOf.get(row.batch_seq);
    if (key != null && limits.has(key)) taken.set(key, (taken.get(key) ?? 0) + 1);
  }
  await saveBuckets(tx, [...limits.keys()]
    .filter((key) => throttled.has(key) || (limits.get(key)!.limit.rate !== null && (taken.get(key) ?? 0) > 0))
    .map((key) => ({ key, ...bucketOf(key, taken.get(key) ?? 0), throttled: throttled.has(key) ? 1 : 0 })));
  if (rows.length === 0) return [];
  // In the plan's order (highest priority first), each batch's oldest first.
  const rank = new Map([...planned.keys()].map((seq, i) => [seq, i]));
  rows.sort((x, y) => rank.get(x.batch_seq)! - rank.get(y.batch_seq)! || x.seq - y.seq);
  const seqs = [...new Set(rows.map((r) => r.batch_seq))];
  const { rows: infos } = await tx.query<{ seq: number; id: string; options: string }>(
    'SELECT seq, id, options FROM batches WHERE seq = ANY($1::bigint[])', [seqs],
  );
  const batchOf = new Map(infos.map((b) => [b.seq, { id: b.id, options: JSON.parse(b.options) as BatchOptions }]));
  const tenantOf = new Map(batches.map((b) => [b.seq, b.tenant]));
  return rows.map((row) => {
    const batch = batchOf.get(row.batch_seq)!;
    const workflow = load({ ...row, batch_id: batch.id, lease_owner: owner, cancel_requested: 0 }, batch.options);
    const key = keyOf.get(row.batch_seq);
    const tenantCapped = rooms.has(tenantOf.get(row.batch_seq)!) || (key != null && limits.has(key));
    return { ...workflow, output: row.output === null ? null : JSON.parse(row.output) as unknown, tenantCapped };
  });
}

/**
 * What each capped tenant of `batches` may still lease, counted under its advisory lock (taken
 * here, held until the claim commits). Uncapped tenants are absent: they take no lock.
 */
async function tenantRooms(tx: Tx, batches: readonly ActiveBatch[], defaultCap: number | null): Promise<Map<string, number>> {
  const caps = new Map<string, number>();
  for (const b of batches) {
    if (caps.has(b.tenant)) continue;
    const cap = runningCap(b.quotas === null ? null : JSON.parse(b.quotas) as Quotas, defaultCap);
    if (cap !== null) caps.set(b.tenant, cap);
  }
  if (caps.size === 0) return caps;
  const tenants = [...caps.keys()];
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
  const leased = new Map(rows.map((r) => [r.tenant, r.n]));
  return new Map(tenants.map((t) => [t, caps.get(t)! - (leased.get(t) ?? 0)]));
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
