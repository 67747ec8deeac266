/** Admission on SQLite, as the port (driver.ts) asks for it: idempotency keys, queue totals, batch and workflow inserts. */
import type { Database as DB, Statement } from 'better-sqlite3';
import type { ClientId } from '../../model/types.js';
import type { NewBatchRow } from '../driver.js';
import type { BatchCounters } from './counters.js';
import { ACTIVE } from '../rows.js';

export class Admissions {
  readonly #counters: BatchCounters;
  readonly #insertBatch: Statement;
  readonly #insertWorkflow: Statement;
  readonly #idempotencyKey: Statement;
  readonly #putIdempotencyKey: Statement;
  readonly #dropExpiredKeys: Statement;
  readonly #tenantQueued: Statement;
  readonly #stored: Statement;

  constructor(db: DB, counters: BatchCounters) {
    this.#counters = counters;
    this.#insertBatch = db.prepare(`INSERT INTO batches (id, tenant, status, label, priority, options, max_concurrency, flow_key,
        created_at, total, queued, webhook_url, webhook_status, trace_context)
      VALUES (@id, @tenant, 'queued', @label, @priority, @options, @max_concurrency, @flow_key, @created_at, @total, @total,
        @webhook_url, CASE WHEN @webhook_url IS NULL THEN NULL ELSE 'pending' END, @trace_context)`);
    this.#tenantQueued = db.prepare(`SELECT COALESCE(SUM(queued), 0) FROM batches WHERE tenant = ? AND ${ACTIVE}`).pluck();
    // Finished batches are folded into tenant_totals (and taken out when purged): no scan of them.
    this.#stored = db.prepare(`SELECT (SELECT COALESCE(SUM(total), 0) FROM batches WHERE tenant = @tenant AND ${ACTIVE})
      + COALESCE((SELECT succeeded + failed + canceled FROM tenant_totals WHERE tenant = @tenant), 0)`).pluck();
    this.#insertWorkflow = db.prepare(`INSERT INTO workflows (id, batch_seq, client_id, priority, status, queued_at)
      VALUES (?, ?, ?, ?, 'queued', ?)`);
    this.#idempotencyKey = db.prepare('SELECT fingerprint, batch_id AS batchId FROM idempotency_keys WHERE key = ?');
    this.#putIdempotencyKey = db.prepare(`INSERT OR REPLACE INTO idempotency_keys (key, fingerprint, batch_id, expires_at)
      VALUES (?, ?, ?, ?)`);
    this.#dropExpiredKeys = db.prepare('DELETE FROM idempotency_keys WHERE expires_at < ?');
  }

  idempotencyKey(key: string, now: number): { fingerprint: string; batchId: string } | undefined {
    this.#dropExpiredKeys.run(now);
    return this.#idempotencyKey.get(key) as { fingerprint: string; batchId: string } | undefined;
  }

  putIdempotencyKey(key: string, fingerprint: string, batchId: string, expiresAt: number): void {
    this.#putIdempotencyKey.run(key, fingerprint, batchId, expiresAt);
  }

  /**
   * All: the committed total kept in memory plus what earlier batches of this same group add (no
   * scan). A tenant's: read inside the transaction, so it sees what earlier batches of the group wrote.
   */
  queued(tenant?: string): number {
    return tenant === undefined ? this.#counters.queued.value : this.#tenantQueued.get(tenant) as number;
  }

  stored(tenant: string): number {
    return this.#stored.get({ tenant }) as number;
  }

  insertBatch(b: NewBatchRow): number {
    return Number(this.#insertBatch.run({
      id: b.id, tenant: b.tenant, label: b.label, priority: b.priority, options: JSON.stringify(b.options),
      max_concurrency: b.maxConcurrency, flow_key: b.flowKey, created_at: b.createdAt, total: b.total, webhook_url: b.callbackUrl,
      trace_context: b.traceContext,
    }).lastInsertRowid);
  }

  insertWorkflows(batchSeq: number, ids: readonly string[], clientIds: readonly ClientId[], priority: number, at: number): void {
    ids.forEach((id, i) => this.#insertWorkflow.run(id, batchSeq, JSON.stringify(clientIds[i]), priority, at));
    this.#counters.queued.add(ids.length);
  }
}
