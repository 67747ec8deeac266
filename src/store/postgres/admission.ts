/**
 * Admission on PostgreSQL, as the port (driver.ts) asks for it. The checks (ops/admission.ts) read
 * what is committed under a transaction-scoped advisory lock that every checked admission takes,
 * so two replicas can neither create the same idempotent batch twice nor pass a limit together.
 */
import type { ClientId } from '../../model/types.js';
import type { NewBatchRow } from '../driver.js';
import { ACTIVE } from '../rows.js';
import type { Queryable } from './database.js';

/** The advisory lock key of admissions (any number, the same in every replica). */
const ADMISSION_LOCK = 0x636c6661; // "clfa"

export async function lockAdmission(db: Queryable): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock($1)', [ADMISSION_LOCK]);
}

export async function idempotencyKey(db: Queryable, key: string, now: number): Promise<{ fingerprint: string; batchId: string } | undefined> {
  await db.query('DELETE FROM idempotency_keys WHERE expires_at < $1', [now]);
  const { rows } = await db.query<{ fingerprint: string; batchId: string }>(
    'SELECT fingerprint, batch_id AS "batchId" FROM idempotency_keys WHERE key = $1', [key],
  );
  return rows[0];
}

export async function putIdempotencyKey(db: Queryable, key: string, fingerprint: string, batchId: string, expiresAt: number): Promise<void> {
  await db.query(`INSERT INTO idempotency_keys (key, fingerprint, batch_id, expires_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, batch_id = excluded.batch_id, expires_at = excluded.expires_at`,
  [key, fingerprint, batchId, expiresAt]);
}

export async function queued(db: Queryable, tenant?: string): Promise<number> {
  const { rows } = tenant === undefined
    ? await db.query<{ n: number }>(`SELECT COALESCE(SUM(queued), 0)::bigint AS n FROM batches WHERE ${ACTIVE}`)
    : await db.query<{ n: number }>(`SELECT COALESCE(SUM(queued), 0)::bigint AS n FROM batches WHERE tenant = $1 AND ${ACTIVE}`, [tenant]);
  return Number(rows[0]!.n);
}

/** Finished batches are folded into tenant_totals (and taken out when purged): no scan of them. */
export async function stored(db: Queryable, tenant: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT (SELECT COALESCE(SUM(total), 0) FROM batches WHERE tenant = $1 AND ${ACTIVE})
    + COALESCE((SELECT succeeded + failed + canceled FROM tenant_totals WHERE tenant = $1), 0) AS n`, [tenant]);
  return Number(rows[0]!.n);
}

export async function insertBatch(db: Queryable, b: NewBatchRow): Promise<number> {
  const { rows } = await db.query<{ seq: number }>(`INSERT INTO batches
      (id, status, label, priority, options, max_concurrency, created_at, total, queued, webhook_url, webhook_status, tenant, flow_key,
       trace_context)
    VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7, $7, $8, CASE WHEN $8::text IS NULL THEN NULL ELSE 'pending' END, $9, $10, $11)
    RETURNING seq`, [
    b.id, b.label, b.priority, JSON.stringify(b.options), b.maxConcurrency, b.createdAt, b.total, b.callbackUrl, b.tenant, b.flowKey,
    b.traceContext,
  ]);
  return rows[0]!.seq;
}

/** One multi-row insert; WITH ORDINALITY keeps the order the ids were sent in: workflows list in key order. */
export async function insertWorkflows(db: Queryable, batchSeq: number, ids: readonly string[], clientIds: readonly ClientId[], priority: number, at: number): Promise<void> {
  await db.query(`INSERT INTO workflows (id, batch_seq, client_id, priority, status, queued_at)
      SELECT w.id, $1, w.client_id, $2, 'queued', $3 FROM unnest($4::text[], $5::text[]) WITH ORDINALITY AS w(id, client_id, n)
      ORDER BY w.n`,
  [batchSeq, priority, at, ids, clientIds.map((c) => JSON.stringify(c))]);
}
