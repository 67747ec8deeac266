/**
 * The reads of what failed across batches, shared by the backends: which failed workflows a
 * query asks for (the WHERE clause, standard SQL but for how a backend reads a code out of the
 * error's JSON), pages ordered by when they failed, and a failed webhook delivery as the API
 * shows it. Pure: each backend runs the SQL (sqlite/failures.ts, postgres/failures.ts).
 */
import { iso } from '../model/stats.js';
import type { Page, WebhookDelivery } from '../model/types.js';
import type { WebhookStatus } from '../model/statuses.js';
import { encodeTimeCursor } from './cursor.js';
import type { FailedWorkflowQuery } from './store.js';
import { shownCallbackUrl } from './views.js';

/**
 * The WHERE clause of a failed-workflows page and its values in order: `param(i)` names the i-th
 * value (`?` or `$i`), `codeOf` reads the code out of `w.error`. `w.status = 'failed'` is literal so
 * the partial index on failed workflows (by finished_at, seq) serves it; the keyset goes by
 * (finished_at, seq), newest first. Each combination of filters is its own fixed text, so a
 * backend may prepare it once. `after`: the cursor's time and its row's key (the backend looks the
 * key up from the cursor's id: `decodeTimeCursor`).
 */
export function failedWhere(
  query: FailedWorkflowQuery, codeOf: string, param: (i: number) => string, after?: { at: number; seq: number },
): { where: string; values: unknown[] } {
  const terms = [`w.status = 'failed'`];
  const values: unknown[] = [];
  const add = (term: (p: string) => string, value: unknown) => {
    values.push(value);
    terms.push(term(param(values.length)));
  };
  if (query.tenant !== undefined) add((p) => `b.tenant = ${p}`, query.tenant);
  if (query.stage !== undefined) add((p) => `w.stage = ${p}`, query.stage);
  if (query.errorCode !== undefined) add((p) => `${codeOf} = ${p}`, query.errorCode);
  if (query.since !== undefined) add((p) => `w.finished_at >= ${p}`, query.since);
  if (after !== undefined) {
    values.push(after.at, after.seq);
    terms.push(`(w.finished_at, w.seq) < (${param(values.length - 1)}, ${param(values.length)})`);
  }
  return { where: terms.join(' AND '), values };
}

/** One page ordered by (finished_at, seq) descending: `limit + 1` rows were read, so one more means there is more. */
export function timePage<R extends { id: string; finished_at: number | null }, T>(rows: R[], limit: number, view: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items: items.map(view), nextCursor: more && last ? encodeTimeCursor(last.finished_at ?? 0, last.id) : null };
}

/** The batch columns a failed-deliveries page reads. */
export const DELIVERY_COLUMNS = 'seq, id, tenant, label, finished_at, webhook_url, webhook_status, webhook_attempts, webhook_last_error, webhook_delivered_at';

export interface DeliveryRow {
  seq: number;
  id: string;
  tenant: string;
  label: string | null;
  finished_at: number | null;
  webhook_url: string;
  webhook_status: WebhookStatus;
  webhook_attempts: number;
  webhook_last_error: string | null;
  webhook_delivered_at: number | null;
}

export function deliveryView(row: DeliveryRow): WebhookDelivery {
  return {
    batchId: row.id,
    tenant: row.tenant,
    label: row.label,
    finishedAt: iso(row.finished_at),
    webhook: {
      url: shownCallbackUrl(row.webhook_url),
      status: row.webhook_status,
      attempts: row.webhook_attempts,
      lastError: row.webhook_last_error,
      deliveredAt: iso(row.webhook_delivered_at),
    },
  };
}
