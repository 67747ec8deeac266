/** What failed across batches, on PostgreSQL: failed workflows newest first, failed webhook deliveries (store/failures.ts). */
import type { Page, WebhookDelivery, Workflow } from '../../model/types.js';
import { DELIVERY_COLUMNS, deliveriesBefore, deliveryView, failedWhere, timePage, type DeliveryRow } from '../failures.js';
import { page } from '../rows.js';
import type { FailedWorkflowQuery, ListQuery } from '../store.js';
import { workflowView, type WorkflowRow } from '../views.js';
import type { Queryable } from './database.js';
import { WORKFLOW_SELECT } from './reads.js';

export async function failedWorkflows(db: Queryable, query: FailedWorkflowQuery): Promise<Page<Workflow>> {
  // The error is JSON in a text column (migrations.ts): its code read as jsonb.
  const { where, values } = failedWhere(query, `(w.error::jsonb ->> 'code')`, (i) => `$${i}`);
  const { rows } = await db.query<WorkflowRow & { finished_at: number | null }>(
    `${WORKFLOW_SELECT} WHERE ${where} ORDER BY w.finished_at DESC, w.seq DESC LIMIT $${values.length + 1}`, [...values, query.limit + 1]);
  return timePage(rows, query.limit, workflowView);
}

export async function failedDeliveries(db: Queryable, query: Omit<ListQuery<never>, 'status'>): Promise<Page<WebhookDelivery>> {
  const before = deliveriesBefore(query.cursor);
  const { rows } = query.tenant === undefined
    ? await db.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM batches
        WHERE webhook_status = 'failed' AND seq < $1 ORDER BY seq DESC LIMIT $2`, [before, query.limit + 1])
    : await db.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM batches
        WHERE webhook_status = 'failed' AND tenant = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`, [query.tenant, before, query.limit + 1]);
  return page(rows, query.limit, deliveryView);
}
