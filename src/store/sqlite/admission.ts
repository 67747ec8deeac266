/** Admission: a batch and all its workflows in one transaction, with idempotency and MAX_QUEUED. */
import type { Database as DB, Statement } from 'better-sqlite3';
import { timeOrderedId } from '../ids.js';
import { DEFAULT_TENANT } from '../../model/tenants.js';
import { batchOptions, type NewBatch } from '../../model/types.js';
import { IdempotencyConflictError, QueueFullError } from '../errors.js';
import type { CreateOptions } from '../store.js';
import type { BatchCounters } from './counters.js';
import type { EventLog } from './events.js';
import { ACTIVE } from '../rows.js';

export class Admissions {
  readonly #events: EventLog;
  readonly #counters: BatchCounters;
  readonly #insertBatch: Statement;
  readonly #insertWorkflow: Statement;
  readonly #setWebhookUrl: Statement;
  readonly #idempotencyKey: Statement;
  readonly #putIdempotencyKey: Statement;
  readonly #dropExpiredKeys: Statement;
  readonly #tenantQueued: Statement;

  constructor(db: DB, events: EventLog, counters: BatchCounters) {
    this.#events = events;
    this.#counters = counters;
    this.#insertBatch = db.prepare(`INSERT INTO batches (id, tenant, status, label, priority, options, max_concurrency, flow_key, created_at, total, queued)
      VALUES (@id, @tenant, 'queued', @label, @priority, @options, @max_concurrency, @flow_key, @created_at, @total, @total)`);
    this.#tenantQueued = db.prepare(`SELECT COALESCE(SUM(queued), 0) FROM batches WHERE tenant = ? AND ${ACTIVE}`).pluck();
    this.#insertWorkflow = db.prepare(`INSERT INTO workflows (id, batch_seq, client_id, priority, status, queued_at)
      VALUES (?, ?, ?, ?, 'queued', ?)`);
    this.#setWebhookUrl = db.prepare(`UPDATE batches SET webhook_url = ?, webhook_status = 'pending' WHERE seq = ?`);
    this.#idempotencyKey = db.prepare('SELECT fingerprint, batch_id, expires_at FROM idempotency_keys WHERE key = ?');
    this.#putIdempotencyKey = db.prepare(`INSERT OR REPLACE INTO idempotency_keys (key, fingerprint, batch_id, expires_at)
      VALUES (?, ?, ?, ?)`);
    this.#dropExpiredKeys = db.prepare('DELETE FROM idempotency_keys WHERE expires_at < ?');
  }

  /**
   * Inside a transaction: replays an idempotent request, refuses one that would pass `maxQueued`
   * (both before writing anything), or writes the batch. Returns the batch id.
   */
  create(input: NewBatch, now: number, { idempotency, maxQueued, tenantMaxQueued }: CreateOptions): { id: string; replayed: boolean } {
    const tenant = input.tenant ?? DEFAULT_TENANT;
    if (idempotency) {
      this.#dropExpiredKeys.run(now);
      const seen = this.#idempotencyKey.get(idempotency.key) as { fingerprint: string; batch_id: string } | undefined;
      if (seen) {
        if (seen.fingerprint !== idempotency.fingerprint) throw new IdempotencyConflictError();
        return { id: seen.batch_id, replayed: true };
      }
    }
    // The committed total plus what earlier batches of this same group add.
    const queued = this.#counters.queued.value;
    if (maxQueued !== undefined && queued + input.clientIds.length > maxQueued) throw new QueueFullError(queued, maxQueued);
    if (tenantMaxQueued !== undefined) {
      // Read inside the transaction: it sees what earlier batches of the same group wrote.
      const mine = this.#tenantQueued.get(tenant) as number;
      if (mine + input.clientIds.length > tenantMaxQueued) throw new QueueFullError(mine, tenantMaxQueued, tenant);
    }
    const batchId = timeOrderedId(now);
    const options = batchOptions(input);
    const { lastInsertRowid: seq } = this.#insertBatch.run({
      id: batchId, tenant, label: input.label, priority: input.priority, created_at: now, total: input.clientIds.length,
      options: JSON.stringify(options), max_concurrency: input.maxConcurrency, flow_key: input.flowKey ?? null,
    });
    if (input.callbackUrl) this.#setWebhookUrl.run(input.callbackUrl, seq);
    for (const clientId of input.clientIds) this.#insertWorkflow.run(timeOrderedId(now), seq, JSON.stringify(clientId), input.priority, now);
    if (idempotency) this.#putIdempotencyKey.run(idempotency.key, idempotency.fingerprint, batchId, now + idempotency.ttlMs);
    this.#counters.queued.add(input.clientIds.length);
    this.#events.log(Number(seq), { type: 'batch.created', at: now, batchId, total: input.clientIds.length });
    return { id: batchId, replayed: false };
  }
}
