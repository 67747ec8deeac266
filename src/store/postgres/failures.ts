/** What failed across batches, on PostgreSQL: failed workflows newest first, failed webhook deliveries (store/failures.ts). */
import type { Page, WebhookDelivery, Workflow } from '../../model/types.js';
import { decodeCursor, decodeTimeCursor, keyOf } from '../cursor.js';
import { DELIVERY_COLUMNS, deliveryView, failedWhere, timePage, type DeliveryRow } from '../failures.js';
import { page } from '../rows.js';
import type { FailedWorkflowQuery, ListQuery } from '../store.js';
import { workflowView, type WorkflowRow } from '../views.js';
import type { Queryable } from './database.js';
import { WORKFLOW_SELECT, seqOf } from './reads.js';

export async function failedWorkflows(db: Queryable, query: FailedWorkflowQuery): Promise<Page<Workflow>> {
  // The error is JSON in a text column (migrations.ts): its code read as jsonb.
  const cursor = query.cursor === undefined ? undefined : decodeTimeCursor(query.cursor);
  const after = cursor && { at: cursor.at, seq: keyOf(await workflowSeq(db, cursor.id)) };
  const { where, values } = failedWhere(query, `(w.error::jsonb ->> 'code')`, (i) => `$${i}`, after);
  const { rows } = await db.query<WorkflowRow & { finished_at: number | null }>(
    `${WORKFLOW_SELECT} WHERE ${where} ORDER BY w.finished_at DESC, w.seq DESC LIMIT $${values.length + 1}`, [...values, query.limit + 1]);
  return timePage(rows, query.limit, workflowView);
}

export async function failedDeliveries(db: Queryable, query: Omit<ListQuery<never>, 'status'>): Promise<Page<WebhookDelivery>> {
  const before = query.cursor ? keyOf(await seqOf(db, decodeCursor(query.cursor))) : Number.MAX_SAFE_INTEGER;
  const { rows } = query.tenant === undefined
    ? await db.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM batches
        WHERE webhook_status = 'failed' AND seq < $1 ORDER BY seq DESC LIMIT $2`, [before, query.limit + 1])
    : await db.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM batches
        WHERE webhook_status = 'failed' AND tenant = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`, [query.tenant, before, query.limit + 1]);
  return page(rows, query.limit, deliveryView);
}

/** The key of the workflow a cursor names (cursor.ts), or null. */
async function workflowSeq(db: Queryable, id: string): Promise<number | null> {
  const { rows } = await db.query<{ seq: number }>('SELECT seq FROM workflows WHERE id = $1', [id]);
  return rows[0]?.seq ?? null;
}
