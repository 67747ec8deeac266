/** Claims and leases: which workflows an engine may run, for how long. Fairness: claim-plan.ts. */
import type { Database as DB, Statement } from 'better-sqlite3';
import type { Quotas } from '../../model/tenants.js';
import type { BatchOptions } from '../../model/types.js';
import { afterClaim, flowRoom, tokensAt, type FlowLimit } from '../../model/flow-limits.js';
import { claimFairly, runningCap } from '../claim-plan.js';
import type { FlowLimitRows } from './flow-limits.js';
import type { ClaimedWorkflow, Renewal } from '../store.js';
import { ACTIVE, load, STAGE_COLUMNS, type FullRow } from '../rows.js';

interface ActiveBatch {
  seq: number;
  priority: number;
  tenant: string;
  maxConcurrency: number | null;
  flowKey: string | null;
}

export class Claims {
  /** Rotates which tenant and batch of a priority level is served first, so claims round-robin. */
  #turn = 0;
  /** A tenant's running cap when it sets none: the server's (TENANT_MAX_RUNNING); null: no cap. */
  readonly #defaultCap: number | null;
  readonly #activeBatches: Statement;
  readonly #leasedInBatch: Statement;
  readonly #quotasOf: Statement;
  readonly #leasedOfTenant: Statement;
  readonly #claimFromBatch: Statement;
  readonly #batchBySeq: Statement;
  readonly #output: Statement;
  readonly #renew: Statement;
  readonly #unfinished: Statement;

  readonly #flows: FlowLimitRows;

  constructor(db: DB, defaultCap: number | null, flows: FlowLimitRows) {
    this.#defaultCap = defaultCap;
    this.#flows = flows;
    // Active batches by priority. Bounded: with more than this many batches waiting, the oldest of
    // each priority are served first.
    this.#activeBatches = db.prepare(`SELECT seq, priority, tenant, max_concurrency AS maxConcurrency, flow_key AS flowKey FROM batches
      WHERE ${ACTIVE} AND (queued > 0 OR running > 0) ORDER BY priority DESC, seq LIMIT 1000`);
    this.#leasedInBatch = db.prepare('SELECT count(*) AS n FROM workflows WHERE batch_seq = ? AND lease_owner IS NOT NULL');
    this.#quotasOf = db.prepare('SELECT quotas FROM tenants WHERE id = ?').pluck();
    // Only unfinished workflows hold leases, so only active batches are counted (every one, not
    // just the thousand above), each through the partial index of leased rows. `+tenant` keeps
    // the planner on batches_by_status: by tenant it would walk the tenant's finished batches too.
    this.#leasedOfTenant = db.prepare(`SELECT count(*) FROM workflows
      WHERE lease_owner IS NOT NULL AND batch_seq IN (SELECT seq FROM batches WHERE ${ACTIVE} AND +tenant = ?)`).pluck();
    this.#claimFromBatch = db.prepare(`UPDATE workflows SET lease_owner = @owner, lease_expires = @expires, lease_epoch = lease_epoch + 1
      WHERE seq IN (SELECT seq FROM workflows
                    WHERE batch_seq = @batch AND lease_owner IS NULL AND ${ACTIVE} AND cancel_requested = 0
                      AND (run_after IS NULL OR run_after <= @now)
                    ORDER BY seq LIMIT @limit)
      RETURNING seq, id, batch_seq, client_id, priority, status, stage, ${STAGE_COLUMNS}, attempts, queued_at, started_at, finished_at,
                lease_epoch`);
    this.#batchBySeq = db.prepare('SELECT id, options FROM batches WHERE seq = ?');
    this.#output = db.prepare('SELECT data FROM outputs WHERE workflow_seq = ?').pluck();
    this.#renew = db.prepare(`UPDATE workflows SET lease_expires = ?
      WHERE lease_owner = ? AND id IN (SELECT value FROM json_each(?)) RETURNING id, cancel_requested`);
    this.#unfinished = db.prepare(`SELECT id FROM workflows WHERE id IN (SELECT value FROM json_each(?)) AND ${ACTIVE}`);
  }

  claim(owner: string, limit: number, now: number, leaseMs: number): ClaimedWorkflow[] {
    const claimed: ClaimedWorkflow[] = [];
    const batches = new Map<number, { id: string; options: BatchOptions }>();
    const capped = new Set<string>();
    /** The flow limits this claim asked, with how many of each key it took. */
    const keys = new Map<string, { limit: FlowLimit; taken: number }>();
    claimFairly(this.#activeBatches.all() as ActiveBatch[], limit, this.#turn++, {
      leased: (b) => (this.#leasedInBatch.get(b.seq) as { n: number }).n,
      room: (tenant) => {
        const quotas = this.#quotasOf.get(tenant) as string | undefined;
        const cap = runningCap(quotas === undefined ? null : JSON.parse(quotas) as Quotas, this.#defaultCap);
        if (cap === null) return null;
        capped.add(tenant);
        return cap - (this.#leasedOfTenant.get(tenant) as number);
      },
      keyRoom: (key) => {
        const limit = this.#flows.get(key);
        if (limit === null) return null;
        keys.set(key, { limit, taken: 0 });
        // A claim that finds the key's work but no whole token is throttled: counted for GET /v1/limits and /metrics.
        if (limit.rate !== null && tokensAt(limit, now) < 1) this.#flows.throttled(key, now);
        return flowRoom(limit, limit.concurrency === null ? 0 : this.#flows.leased(key), now);
      },
      take: (b, max) => {
        const rows = this.#claimFromBatch.all({ owner, expires: now + leaseMs, batch: b.seq, now, limit: max }) as FullRow[];
        rows.sort((x, y) => x.seq - y.seq);
        const key = b.flowKey === null ? undefined : keys.get(b.flowKey);
        if (key) key.taken += rows.length;
        // A limited key's workflow ending frees a place (concurrency) or lets time refill tokens (rate): worth a claim.
        const freesPlace = capped.has(b.tenant) || key !== undefined;
        for (const row of rows) claimed.push(this.#claimed(row, owner, batches, freesPlace));
        return rows.length;
      },
    });
    // Each claimed workflow of a rate-limited key took a token, in this same transaction.
    for (const { limit, taken } of keys.values()) {
      if (limit.rate === null || taken === 0) continue;
      const bucket = afterClaim(limit, taken, now);
      this.#flows.saveBucket(limit.key, bucket.tokens, bucket.refilledAt);
    }
    return claimed;
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

  #claimed(row: FullRow, owner: string, cache: Map<number, { id: string; options: BatchOptions }>, tenantCapped: boolean): ClaimedWorkflow {
    let batch = cache.get(row.batch_seq);
    if (!batch) {
      const b = this.#batchBySeq.get(row.batch_seq) as { id: string; options: string };
      batch = { id: b.id, options: JSON.parse(b.options) as BatchOptions };
      cache.set(row.batch_seq, batch);
    }
    const workflow = load({ ...row, batch_id: batch.id, lease_owner: owner, cancel_requested: 0 }, batch.options);
    // Only a workflow resuming after a succeeded stage has an input to read.
    const output = workflow.stages[0]!.status === 'succeeded' ? (this.#output.get(row.seq) as string | undefined) : undefined;
    return { ...workflow, output: output === undefined ? null : JSON.parse(output), tenantCapped };
  }
}
