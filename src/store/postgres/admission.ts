/**
 * Admission on PostgreSQL: a batch and all its workflows in one transaction (one multi-row insert),
 * with idempotency keys and MAX_QUEUED exact across replicas. Both checks read what is committed
 * under a transaction-scoped advisory lock that every admission takes, so two replicas can neither
 * create the same idempotent batch twice nor pass the limit together.
 */
import { batchOptions, type NewBatch } from '../../model/types.js';
import { IdempotencyConflictError, QueueFullError } from '../errors.js';
import { timeOrderedId } from '../ids.js';
import { DEFAULT_TENANT } from '../../model/tenants.js';
import { ACTIVE } from '../rows.js';
import type { CreateOptions } from '../store.js';
import type { Tx } from './transaction.js';

/** The advisory lock key of admissions (any number, the same in every replica). */
const ADMISSION_LOCK = 0x636c6661; // "clfa"

export async function admit(tx: Tx, input: NewBatch, now: number, { idempotency, maxQueued, tenantMaxQueued }: CreateOptions): Promise<{ id: string; replayed: boolean }> {
  const tenant = input.tenant ?? DEFAULT_TENANT;
  if (idempotency || maxQueued !== undefined || tenantMaxQueued !== undefined) await tx.query('SELECT pg_advisory_xact_lock($1)', [ADMISSION_LOCK]);
  if (idempotency) {
    await tx.query('DELETE FROM idempotency_keys WHERE expires_at < $1', [now]);
    const { rows } = await tx.query<{ fingerprint: string; batch_id: string }>(
      'SELECT fingerprint, batch_id FROM idempotency_keys WHERE key = $1', [idempotency.key],
    );
    const seen = rows[0];
    if (seen) {
      if (seen.fingerprint !== idempotency.fingerprint) throw new IdempotencyConflictError();
      return { id: seen.batch_id, replayed: true };
    }
  }
  if (maxQueued !== undefined) {
    const { rows } = await tx.query<{ n: number }>(`SELECT COALESCE(SUM(queued), 0)::bigint AS n FROM batches WHERE ${ACTIVE}`);
    const queued = rows[0]!.n;
    if (queued + input.clientIds.length > maxQueued) throw new QueueFullError(queued, maxQueued);
  }
  if (tenantMaxQueued !== undefined) {
    const { rows } = await tx.query<{ n: number }>(`SELECT COALESCE(SUM(queued), 0)::bigint AS n FROM batches WHERE tenant = $1 AND ${ACTIVE}`,
      [tenant]);
    const queued = Number(rows[0]!.n);
    if (queued + input.clientIds.length > tenantMaxQueued) throw new QueueFullError(queued, tenantMaxQueued, tenant);
  }
  const batchId = timeOrderedId(now);
  const options = batchOptions(input);
  const { rows } = await tx.query<{ seq: number }>(`INSERT INTO batches
      (id, status, label, priority, options, max_concurrency, created_at, total, queued, webhook_url, webhook_status, tenant, flow_key)
    VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7, $7, $8, CASE WHEN $8::text IS NULL THEN NULL ELSE 'pending' END, $9, $10)
    RETURNING seq`, [
    batchId, input.label, input.priority, JSON.stringify(options), input.maxConcurrency, now, input.clientIds.length,
    input.callbackUrl ?? null, tenant, input.flowKey ?? null,
  ]);
  const seq = rows[0]!.seq;
  // WITH ORDINALITY keeps the order the ids were sent in: workflows list in key order.
  await tx.query(`INSERT INTO workflows (id, batch_seq, client_id, priority, status, queued_at)
      SELECT w.id, $1, w.client_id, $2, 'queued', $3 FROM unnest($4::text[], $5::text[]) WITH ORDINALITY AS w(id, client_id, n)
      ORDER BY w.n`,
  [seq, input.priority, now, input.clientIds.map(() => timeOrderedId(now)), input.clientIds.map((c) => JSON.stringify(c))]);
  if (idempotency) {
    await tx.query(`INSERT INTO idempotency_keys (key, fingerprint, batch_id, expires_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, batch_id = excluded.batch_id, expires_at = excluded.expires_at`,
    [idempotency.key, idempotency.fingerprint, batchId, now + idempotency.ttlMs]);
  }
  tx.log(seq, { type: 'batch.created', at: now, batchId, total: input.clientIds.length });
  tx.notice.work = true;
  return { id: batchId, replayed: false };
}
