/**
 * Claims and leases on SQLite, as the port (driver.ts) asks for them; the plan is ops/claim.ts.
 * One process owns the file, so nothing is locked: a claim is the only writer while it runs, and
 * takes from each batch as the plan reaches it.
 */
import type { Database as DB, Statement } from 'better-sqlite3';
import type { FlowLimit } from '../../model/flow-limits.js';
import type { Quotas } from '../../model/tenants.js';
import type { BatchOptions } from '../../model/types.js';
import type { BucketWrite, ClaimableBatch, ClaimTerms, TakenRow } from '../driver.js';
import type { FlowLimitRows } from './flow-limits.js';
import type { Renewal } from '../store.js';
import { ACTIVE, STAGE_COLUMNS, type FullRow } from '../rows.js';

/**
 * Unowned, unfinished, not being canceled, not waiting out a retry's backoff (`@now`). Parameters
 * the planner could look at are written `+@name` here and elsewhere in this backend: SQLite
 * (built with STAT4) would otherwise compile the statement again at every run (docs/architecture/store.md).
 */
const RUNNABLE = `w.lease_owner IS NULL AND w.${ACTIVE} AND w.cancel_requested = 0 AND (w.run_after IS NULL OR w.run_after <= +@now)`;

export class Claims {
  readonly #flows: FlowLimitRows;
  readonly #claimable: Statement;
  readonly #leasedOfTenant: Statement;
  readonly #claimFromBatch: Statement;
  readonly #batchBySeq: Statement;
  readonly #output: Statement;
  readonly #renew: Statement;
  readonly #unfinished: Statement;
  /** The rows the claim running now took so far (`takenRows` hands them over). */
  #taken: FullRow[] = [];

  constructor(db: DB, flows: FlowLimitRows) {
    this.#flows = flows;
    // Bounded: with more than this many batches waiting, each tenant's first ones come first (its
    // highest priority, oldest), so one tenant's thousand batches cannot hide another's.
    this.#claimable = db.prepare(`SELECT c.seq, c.priority, c.tenant, t.quotas, c.maxConcurrency, c.flowKey,
        CASE WHEN c.maxConcurrency IS NULL THEN 0
             ELSE (SELECT count(*) FROM workflows w WHERE w.batch_seq = c.seq AND w.lease_owner IS NOT NULL) END AS leased
      FROM (SELECT b.seq, b.priority, b.tenant, b.max_concurrency AS maxConcurrency, b.flow_key AS flowKey,
              row_number() OVER (PARTITION BY b.tenant ORDER BY b.priority DESC, b.seq) AS place
            FROM batches b
            WHERE b.${ACTIVE} AND (b.queued > 0 OR b.running > 0)
              AND EXISTS (SELECT 1 FROM workflows w WHERE w.batch_seq = b.seq AND ${RUNNABLE})
            ORDER BY place, b.priority DESC, b.seq LIMIT 1000) c
      LEFT JOIN tenants t ON t.id = c.tenant
      ORDER BY c.place, c.priority DESC, c.seq`);
    // Only unfinished workflows hold leases, so only active batches are counted (every one, not
    // just the thousand above), each through the partial index of leased rows. `+tenant` keeps
    // the planner on batches_by_status: by tenant it would walk the tenant's finished batches too.
    this.#leasedOfTenant = db.prepare(`SELECT count(*) FROM workflows
      WHERE lease_owner IS NOT NULL AND batch_seq IN (SELECT seq FROM batches WHERE ${ACTIVE} AND +tenant = ?)`).pluck();
    this.#claimFromBatch = db.prepare(`UPDATE workflows SET lease_owner = @owner, lease_expires = @expires, lease_epoch = lease_epoch + 1
      WHERE seq IN (SELECT seq FROM workflows w WHERE w.batch_seq = +@batch AND ${RUNNABLE} ORDER BY seq LIMIT +@limit)
      RETURNING seq, id, batch_seq, client_id, priority, status, stage, ${STAGE_COLUMNS}, attempts, queued_at, started_at, finished_at,
                lease_epoch`);
    this.#batchBySeq = db.prepare('SELECT id, options, trace_context FROM batches WHERE seq = ?');
    this.#output = db.prepare('SELECT data FROM outputs WHERE workflow_seq = ?').pluck();
    this.#renew = db.prepare(`UPDATE workflows SET lease_expires = ?
      WHERE lease_owner = ? AND id IN (SELECT value FROM json_each(?)) RETURNING id, cancel_requested`);
    this.#unfinished = db.prepare(`SELECT id FROM workflows WHERE id IN (SELECT value FROM json_each(?)) AND ${ACTIVE}`);
  }

  claimable(now: number): ClaimableBatch[] {
    return (this.#claimable.all({ now }) as Array<Omit<ClaimableBatch, 'quotas'> & { quotas: string | null }>)
      .map((b) => ({ ...b, quotas: b.quotas === null ? null : JSON.parse(b.quotas) as Quotas }));
  }

  tenantLeases(tenants: readonly string[]): Map<string, number> {
    return new Map(tenants.map((t) => [t, this.#leasedOfTenant.get(t) as number]));
  }

  flowLimits(keys: readonly string[]): Map<string, { limit: FlowLimit; leased: number }> {
    const out = new Map<string, { limit: FlowLimit; leased: number }>();
    for (const key of keys) {
      const limit = this.#flows.get(key);
      if (limit) out.set(key, { limit, leased: limit.concurrency === null ? 0 : this.#flows.leased(key) });
    }
    return out;
  }

  take(batch: ClaimableBatch, max: number, { owner, now, leaseMs }: ClaimTerms): number {
    const rows = this.#claimFromBatch.all({ owner, expires: now + leaseMs, batch: batch.seq, now, limit: max }) as FullRow[];
    for (const row of rows) this.#taken.push(row);
    return rows.length;
  }

  taken(): TakenRow[] {
    const rows = this.#taken;
    this.#taken = [];
    const batches = new Map<number, { id: string; options: BatchOptions; traceContext: string | null }>();
    return rows.map((row) => {
      let batch = batches.get(row.batch_seq);
      if (!batch) {
        const b = this.#batchBySeq.get(row.batch_seq) as { id: string; options: string; trace_context: string | null };
        batches.set(row.batch_seq, batch = { id: b.id, options: JSON.parse(b.options) as BatchOptions, traceContext: b.trace_context });
      }
      // Only a workflow resuming after a succeeded stage has an input to read.
      const output = row.fetch_status === 'succeeded' ? (this.#output.get(row.seq) as string | undefined) : undefined;
      return {
        row: { ...row, batch_id: batch.id }, options: batch.options, output: output === undefined ? null : JSON.parse(output),
        traceContext: batch.traceContext,
      };
    });
  }

  saveBuckets(buckets: readonly BucketWrite[]): void {
    for (const b of buckets) this.#flows.saveBucket(b.key, b.tokens, b.refilledAt, b.throttled);
  }

  /**
   * Renews what `owner` still holds of `ids`; returns the ids it lost (not held any more and not
   * finished: a workflow canceled while it waited is finished, its claim simply ends) and the held
   * ones whose cancel was requested.
   */
  renew(owner: string, ids: string[], now: number, leaseMs: number): Renewal {
    const rows = this.#renew.all(now + leaseMs, owner, JSON.stringify(ids)) as Array<{ id: string; cancel_requested: number }>;
    const held = new Set(rows.map((r) => r.id));
    const canceled = rows.filter((r) => r.cancel_requested === 1).map((r) => r.id);
    const gone = ids.filter((id) => !held.has(id));
    if (gone.length === 0) return { lost: gone, canceled };
    return { lost: (this.#unfinished.all(JSON.stringify(gone)) as Array<{ id: string }>).map((r) => r.id), canceled };
  }
}
