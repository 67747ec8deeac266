/** Webhook deliveries on PostgreSQL (engine/webhooks.ts): claimed with a token and SKIP LOCKED, outcomes fenced on the token. */
import { randomUUID } from 'node:crypto';
import type { WebhookClaim, WebhookOutcome, WebhookShare } from '../store.js';
import type { Queryable } from './database.js';

const DUE = `webhook_status = 'pending' AND webhook_next_at IS NOT NULL`;

/** Due deliveries a claim looks at (and locks, SKIP LOCKED) at once, longest due first: the share is kept among these. */
const CLAIM_WINDOW = 1000;

export async function claimWebhooks(
  db: Queryable, now: number, limit: number, leaseMs: number, maxAttempts: number, share?: WebhookShare,
): Promise<WebhookClaim[]> {
  // Due deliveries whose last allowed attempt was interrupted (a crash mid-POST): no attempt is left.
  await db.query(`UPDATE batches SET webhook_status = 'failed', webhook_next_at = NULL, webhook_claim = NULL,
      webhook_last_error = 'interrupted before an answer'
    WHERE ${DUE} AND webhook_next_at <= $1 AND webhook_attempts >= $2`, [now, maxAttempts]);
  const token = randomUUID();
  // Leases due deliveries until the lease's end and counts their attempt now; another replica skips
  // them. Each tenant's place in line counts what it holds already ($6), up to $7 (window functions
  // cannot take FOR UPDATE: the due rows are locked first, then ranked).
  const { rows } = await db.query<{ id: string; tenant: string; webhook_url: string; webhook_attempts: number; trace_context: string | null }>(`
    WITH due AS (SELECT seq, tenant, webhook_next_at FROM batches WHERE ${DUE} AND webhook_next_at <= $1 AND webhook_attempts < $2
                 ORDER BY webhook_next_at LIMIT ${CLAIM_WINDOW} FOR UPDATE SKIP LOCKED),
      ranked AS (SELECT d.seq, d.webhook_next_at, coalesce(h.value::int, 0)
                   + row_number() OVER (PARTITION BY d.tenant ORDER BY d.webhook_next_at, d.seq) AS place
                 FROM due d LEFT JOIN jsonb_each_text($6::jsonb) h ON h.key = d.tenant)
    UPDATE batches SET webhook_attempts = webhook_attempts + 1, webhook_next_at = $4, webhook_claim = $5
    WHERE seq IN (SELECT seq FROM ranked WHERE place <= $7 ORDER BY webhook_next_at LIMIT $3)
    RETURNING id, tenant, webhook_url, webhook_attempts, trace_context`,
  [now, maxAttempts, limit, now + leaseMs, token, JSON.stringify(share?.held ?? {}), share?.perTenant ?? limit]);
  return rows.map((r) => ({ batchId: r.id, tenant: r.tenant, url: r.webhook_url, attempt: r.webhook_attempts, token, traceContext: r.trace_context }));
}

/** An attempt's outcome, written only while its claim stands (a retry of the batch resets it). */
export async function recordWebhook(db: Queryable, claim: WebhookClaim, outcome: WebhookOutcome): Promise<boolean> {
  const row = outcome.status === 'delivered'
    ? ['delivered', null, outcome.at, null]
    : [outcome.nextAt === null ? 'failed' : 'pending', outcome.error, null, outcome.nextAt];
  const { rowCount } = await db.query(`UPDATE batches SET webhook_status = $3, webhook_last_error = $4,
      webhook_delivered_at = $5, webhook_next_at = $6, webhook_claim = NULL
    WHERE id = $1 AND webhook_claim = $2`, [claim.batchId, claim.token, ...row]);
  return rowCount === 1;
}

export async function nextWebhookAt(db: Queryable, waiting: readonly string[]): Promise<number | null> {
  const { rows } = await db.query<{ at: number | null }>(`SELECT min(webhook_next_at) AS at FROM batches WHERE ${DUE} AND NOT (tenant = ANY($1::text[]))`, [waiting]);
  return rows[0]?.at ?? null;
}

/** A failed delivery of a finished batch, due again now with a fresh round of attempts (as counters.ts arms one at a finish). */
export async function redeliverWebhook(db: Queryable, batchId: string, now: number): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE batches SET webhook_status = 'pending', webhook_attempts = 0, webhook_last_error = NULL,
      webhook_delivered_at = NULL, webhook_next_at = $2, webhook_claim = NULL
    WHERE id = $1 AND webhook_status = 'failed' AND finished_at IS NOT NULL`, [batchId, now]);
  return rowCount === 1;
}
