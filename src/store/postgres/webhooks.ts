/** Webhook deliveries on PostgreSQL (engine/webhooks.ts): claimed with a token and SKIP LOCKED, outcomes fenced on the token. */
import { randomUUID } from 'node:crypto';
import type { WebhookClaim, WebhookOutcome } from '../store.js';
import type { Queryable } from './database.js';

const DUE = `webhook_status = 'pending' AND webhook_next_at IS NOT NULL`;

export async function claimWebhooks(db: Queryable, now: number, limit: number, leaseMs: number, maxAttempts: number): Promise<WebhookClaim[]> {
  // Due deliveries whose last allowed attempt was interrupted (a crash mid-POST): no attempt is left.
  await db.query(`UPDATE batches SET webhook_status = 'failed', webhook_next_at = NULL, webhook_claim = NULL,
      webhook_last_error = 'interrupted before an answer'
    WHERE ${DUE} AND webhook_next_at <= $1 AND webhook_attempts >= $2`, [now, maxAttempts]);
  const token = randomUUID();
  // Leases due deliveries until the lease's end and counts their attempt now; another replica skips them.
  const { rows } = await db.query<{ id: string; webhook_url: string; webhook_attempts: number; trace_context: string | null }>(`UPDATE batches
      SET webhook_attempts = webhook_attempts + 1, webhook_next_at = $4, webhook_claim = $5
    WHERE seq IN (SELECT seq FROM batches WHERE ${DUE} AND webhook_next_at <= $1 AND webhook_attempts < $2
                  ORDER BY webhook_next_at LIMIT $3 FOR UPDATE SKIP LOCKED)
    RETURNING id, webhook_url, webhook_attempts, trace_context`, [now, maxAttempts, limit, now + leaseMs, token]);
  return rows.map((r) => ({ batchId: r.id, url: r.webhook_url, attempt: r.webhook_attempts, token, traceContext: r.trace_context }));
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

export async function nextWebhookAt(db: Queryable): Promise<number | null> {
  const { rows } = await db.query<{ at: number | null }>(`SELECT min(webhook_next_at) AS at FROM batches WHERE ${DUE}`);
  return rows[0]?.at ?? null;
}

/** A failed delivery of a finished batch, due again now with a fresh round of attempts (as counters.ts arms one at a finish). */
export async function redeliverWebhook(db: Queryable, batchId: string, now: number): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE batches SET webhook_status = 'pending', webhook_attempts = 0, webhook_last_error = NULL,
      webhook_delivered_at = NULL, webhook_next_at = $2, webhook_claim = NULL
    WHERE id = $1 AND webhook_status = 'failed' AND finished_at IS NOT NULL`, [batchId, now]);
  return rowCount === 1;
}
