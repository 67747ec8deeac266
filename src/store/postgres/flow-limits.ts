/**
 * Flow limits per key on PostgreSQL (model/flow-limits.ts). A key's row is written only under its
 * transaction-scoped advisory lock (FLOW_LOCK_SPACE): by a claim serving the key, which reads the
 * bucket and the key's leases after taking it and writes the bucket before it commits, and by
 * `PUT /v1/limits`. So two replicas claiming at once never both spend the same tokens nor both
 * fill the same concurrency.
 */
import { tokensAt, type FlowLimit, type FlowUsage } from '../../model/flow-limits.js';
import type { BucketWrite } from '../driver.js';
import { fromRow, LIMIT_COLUMNS, type FlowLimitRow } from '../flow-rows.js';
import { ACTIVE } from '../rows.js';
import type { Queryable } from './database.js';
import type { Tx } from './transaction.js';

/** The advisory lock of a flow key: a key space of its own (the two-int form). */
const FLOW_LOCK_SPACE = 0x6366_666c; // "cffl"

/**
 * Takes the advisory locks of those of `keys` that have a limit, in lock-key order (one at a
 * time: output expressions run after ORDER BY's sort), and reads their rows and leases in
 * statements of their own after the locks, so they see whatever a claim holding a lock before
 * committed. Keys without a limit take no lock.
 */
export async function lockLimits(tx: Tx, keys: readonly string[]): Promise<Map<string, { limit: FlowLimit; leased: number }>> {
  const out = new Map<string, { limit: FlowLimit; leased: number }>();
  if (keys.length === 0) return out;
  const { rowCount } = await tx.query(`SELECT pg_advisory_xact_lock(${FLOW_LOCK_SPACE}, k)
    FROM (SELECT DISTINCT hashtext(key) AS k FROM flow_limits WHERE key = ANY($1::text[])) x ORDER BY k`, [keys]);
  if (!rowCount) return out;
  const { rows } = await tx.query<FlowLimitRow>(`SELECT ${LIMIT_COLUMNS} FROM flow_limits WHERE key = ANY($1::text[])`, [keys]);
  const leased = await leasedOf(tx, rows.map((r) => r.key));
  for (const row of rows) out.set(row.key, { limit: fromRow(row), leased: leased.get(row.key) ?? 0 });
  return out;
}

/** Leases of each key's active batches: the partial index of leased rows, grouped by batch, then joined. */
async function leasedOf(db: Queryable, keys: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ key: string; n: number }>(`WITH leased AS MATERIALIZED (
      SELECT batch_seq, count(*) AS n FROM workflows WHERE lease_owner IS NOT NULL GROUP BY batch_seq)
    SELECT b.flow_key AS key, sum(l.n)::int AS n FROM leased l JOIN batches b ON b.seq = l.batch_seq
    WHERE b.flow_key = ANY($1::text[]) GROUP BY b.flow_key`, [keys]);
  return new Map(rows.map((r) => [r.key, r.n]));
}

/** Writes the buckets and throttled counts a claim leaves (only of keys it changed). */
export async function saveBuckets(tx: Tx, buckets: readonly BucketWrite[]): Promise<void> {
  if (buckets.length === 0) return;
  await tx.query(`UPDATE flow_limits f SET tokens = u.tokens, refilled_at = u.refilled_at, throttled = f.throttled + u.throttled
    FROM unnest($1::text[], $2::float8[], $3::bigint[], $4::int[]) AS u(key, tokens, refilled_at, throttled) WHERE f.key = u.key`,
  [buckets.map((b) => b.key), buckets.map((b) => b.tokens), buckets.map((b) => b.refilledAt), buckets.map((b) => b.throttled)]);
}

/** The key's limit, under the key's lock as a claim takes it: the bucket is never written by two at once. */
export async function flowLimitForWrite(tx: Tx, key: string): Promise<FlowLimit | null> {
  await tx.query(`SELECT pg_advisory_xact_lock(${FLOW_LOCK_SPACE}, hashtext($1))`, [key]);
  const { rows } = await tx.query<FlowLimitRow>(`SELECT ${LIMIT_COLUMNS} FROM flow_limits WHERE key = $1`, [key]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Written under the key's lock (flowLimitForWrite). */
export async function writeFlowLimit(tx: Tx, limit: FlowLimit): Promise<void> {
  await tx.query(`INSERT INTO flow_limits (${LIMIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
    ON CONFLICT (key) DO UPDATE SET concurrency = excluded.concurrency, rate = excluded.rate, period_ms = excluded.period_ms,
      burst = excluded.burst, tokens = excluded.tokens, refilled_at = excluded.refilled_at,
      paused_until = excluded.paused_until, pauses = excluded.pauses`,
  [limit.key, limit.concurrency, limit.rate, limit.periodMs, limit.burst, limit.tokens, limit.refilledAt, limit.throttled, limit.pausedUntil, limit.pauses]);
}

/** When the key's pause ends (0: none): what a fetch asks before it calls the CRM. */
export async function pausedUntil(db: Queryable, key: string): Promise<number> {
  const { rows } = await db.query<{ at: number }>('SELECT paused_until AS at FROM flow_limits WHERE key = $1', [key]);
  return Number(rows[0]?.at ?? 0);
}

/** Limits with their use now: one key, or every key (`key` null). */
export async function flowUsage(db: Queryable, key: string | null, now: number): Promise<FlowUsage[]> {
  const { rows } = key === null
    ? await db.query<FlowLimitRow>(`SELECT ${LIMIT_COLUMNS} FROM flow_limits ORDER BY key`)
    : await db.query<FlowLimitRow>(`SELECT ${LIMIT_COLUMNS} FROM flow_limits WHERE key = $1`, [key]);
  if (rows.length === 0) return [];
  const keys = rows.map((r) => r.key);
  const leased = await leasedOf(db, keys);
  const { rows: waiting } = await db.query<{ key: string; n: number }>(`SELECT b.flow_key AS key, count(*)::int AS n
    FROM batches b JOIN workflows w ON w.batch_seq = b.seq
    WHERE b.flow_key = ANY($1::text[]) AND b.${ACTIVE} AND w.${ACTIVE} AND w.lease_owner IS NULL GROUP BY b.flow_key`, [keys]);
  const waitingOf = new Map(waiting.map((r) => [r.key, r.n]));
  return rows.map((row) => {
    const limit = fromRow(row);
    return { limit, inUse: leased.get(limit.key) ?? 0, waiting: waitingOf.get(limit.key) ?? 0, tokens: limit.rate === null ? null : tokensAt(limit, now) };
  });
}
