/** Webhook deliveries (engine/webhooks.ts): claimed with a token, outcomes fenced on it. */
import { randomUUID } from 'node:crypto';
import type { Database as DB, Statement } from 'better-sqlite3';
import type { FinishedViews } from '../view-cache.js';
import type { WebhookClaim, WebhookOutcome, WebhookShare } from '../store.js';

const DUE = `webhook_status = 'pending' AND webhook_next_at IS NOT NULL`;

export class WebhookDeliveries {
  readonly #views: FinishedViews;
  readonly #failSpent: Statement;
  readonly #claim: Statement;
  readonly #record: Statement;
  readonly #next: Statement;
  readonly #redeliver: Statement;

  constructor(db: DB, views: FinishedViews) {
    this.#views = views;
    // Due deliveries whose last allowed attempt was interrupted (a crash mid-POST): no attempt is left.
    this.#failSpent = db.prepare(`UPDATE batches SET webhook_status = 'failed', webhook_next_at = NULL, webhook_claim = NULL,
        webhook_last_error = 'interrupted before an answer'
      WHERE ${DUE} AND webhook_next_at <= @now AND webhook_attempts >= @max
      RETURNING id`);
    // Leases due deliveries until @lease and counts their attempt now, as stage attempts count when
    // they start; each tenant's place in line counts what it holds already (@held), up to @per.
    this.#claim = db.prepare(`UPDATE batches SET webhook_attempts = webhook_attempts + 1, webhook_next_at = @lease, webhook_claim = @claim
      WHERE seq IN (SELECT seq FROM (
                      SELECT b.seq, b.webhook_next_at AS at, coalesce(h.value, 0)
                        + row_number() OVER (PARTITION BY b.tenant ORDER BY b.webhook_next_at, b.seq) AS place
                      FROM batches b LEFT JOIN json_each(@held) h ON h.key = b.tenant
                      WHERE b.webhook_status = 'pending' AND b.webhook_next_at IS NOT NULL
                        AND b.webhook_next_at <= @now AND b.webhook_attempts < @max)
                    WHERE place <= @per ORDER BY at LIMIT +@limit)
      RETURNING id, tenant, webhook_url, webhook_attempts, trace_context`);
    // An attempt's outcome, written only while its claim stands (a retry of the batch resets it).
    this.#record = db.prepare(`UPDATE batches SET webhook_status = @status, webhook_last_error = @error,
        webhook_delivered_at = @delivered_at, webhook_next_at = @next_at, webhook_claim = NULL
      WHERE id = @id AND webhook_claim = @claim`);
    this.#next = db.prepare(`SELECT min(webhook_next_at) AS at FROM batches WHERE ${DUE} AND tenant NOT IN (SELECT value FROM json_each(?))`);
    // A failed delivery of a finished batch, due again with a fresh round of attempts (as counters.ts arms one at a finish).
    this.#redeliver = db.prepare(`UPDATE batches SET webhook_status = 'pending', webhook_attempts = 0, webhook_last_error = NULL,
        webhook_delivered_at = NULL, webhook_next_at = @now, webhook_claim = NULL
      WHERE id = @id AND webhook_status = 'failed' AND finished_at IS NOT NULL`);
  }

  claim(now: number, limit: number, leaseMs: number, maxAttempts: number, share?: WebhookShare): WebhookClaim[] {
    for (const { id } of this.#failSpent.all({ now, max: maxAttempts }) as Array<{ id: string }>) this.#views.forget(id);
    const token = randomUUID();
    const rows = this.#claim.all({
      now, limit, lease: now + leaseMs, claim: token, max: maxAttempts, per: share?.perTenant ?? limit, held: JSON.stringify(share?.held ?? {}),
    }) as Array<{ id: string; tenant: string; webhook_url: string; webhook_attempts: number; trace_context: string | null }>;
    return rows.map((r) => {
      this.#views.forget(r.id);
      return { batchId: r.id, tenant: r.tenant, url: r.webhook_url, attempt: r.webhook_attempts, token, traceContext: r.trace_context };
    });
  }

  record(claim: WebhookClaim, outcome: WebhookOutcome): boolean {
    const row = outcome.status === 'delivered'
      ? { status: 'delivered', error: null, delivered_at: outcome.at, next_at: null }
      : { status: outcome.nextAt === null ? 'failed' : 'pending', error: outcome.error, delivered_at: null, next_at: outcome.nextAt };
    const { changes } = this.#record.run({ id: claim.batchId, claim: claim.token, ...row });
    this.#views.forget(claim.batchId);
    return changes === 1;
  }

  redeliver(batchId: string, now: number): boolean {
    const { changes } = this.#redeliver.run({ id: batchId, now });
    this.#views.forget(batchId);
    return changes === 1;
  }

  nextAt(waiting: readonly string[]): number | null {
    return (this.#next.get(JSON.stringify(waiting)) as { at: number | null }).at;
  }
}
