/** What failed across batches, on SQLite: failed workflows newest first, failed webhook deliveries (store/failures.ts). */
import type { Database as DB, Statement } from 'better-sqlite3';
import type { Page, WebhookDelivery, Workflow } from '../../model/types.js';
import { decodeCursor, decodeTimeCursor, keyOf } from '../cursor.js';
import { DELIVERY_COLUMNS, deliveryView, failedWhere, timePage, type DeliveryRow } from '../failures.js';
import { page } from '../rows.js';
import type { FailedWorkflowQuery, ListQuery } from '../store.js';
import { workflowView, type WorkflowRow } from '../views.js';
import { WORKFLOW_SELECT } from './reads.js';

export class FailureReads {
  readonly #db: DB;
  /** One statement per combination of filters (at most 32), prepared when first used. */
  readonly #failed = new Map<string, Statement>();
  readonly #deliveries: Statement;
  readonly #tenantDeliveries: Statement;
  /** A cursor names its last row by id (cursor.ts): its key, looked up. */
  readonly #workflowSeq: Statement;
  readonly #batchSeq: Statement;

  constructor(db: DB) {
    this.#db = db;
    this.#workflowSeq = db.prepare('SELECT seq FROM workflows WHERE id = ?').pluck();
    this.#batchSeq = db.prepare('SELECT seq FROM batches WHERE id = ?').pluck();
    this.#deliveries = db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM batches
      WHERE webhook_status = 'failed' AND seq < ? ORDER BY seq DESC LIMIT +?`);
    this.#tenantDeliveries = db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM batches
      WHERE webhook_status = 'failed' AND tenant = ? AND seq < ? ORDER BY seq DESC LIMIT +?`);
  }

  workflows(query: FailedWorkflowQuery): Page<Workflow> {
    const cursor = query.cursor === undefined ? undefined : decodeTimeCursor(query.cursor);
    const after = cursor && { at: cursor.at, seq: keyOf(this.#workflowSeq.get(cursor.id) as number | undefined) };
    const { where, values } = failedWhere(query, `json_extract(w.error, '$.code')`, () => '?', after);
    const sql = `${WORKFLOW_SELECT} WHERE ${where} ORDER BY w.finished_at DESC, w.seq DESC LIMIT +?`;
    let statement = this.#failed.get(sql);
    if (!statement) this.#failed.set(sql, (statement = this.#db.prepare(sql)));
    const rows = statement.all(...values, query.limit + 1) as Array<WorkflowRow & { finished_at: number | null }>;
    return timePage(rows, query.limit, workflowView);
  }

  deliveries(query: Omit<ListQuery<never>, 'status'>): Page<WebhookDelivery> {
    const before = query.cursor ? keyOf(this.#batchSeq.get(decodeCursor(query.cursor)) as number | undefined) : Number.MAX_SAFE_INTEGER;
    const rows = (query.tenant === undefined
      ? this.#deliveries.all(before, query.limit + 1)
      : this.#tenantDeliveries.all(query.tenant, before, query.limit + 1)) as DeliveryRow[];
    return page(rows, query.limit, deliveryView);
  }
}
