/**
 * The event log: one compact row per event, written in the transaction of its change (outbox.ts).
 * A row keeps what an event says in columns (type, time, workflow key, stage, attempt, duration)
 * and only the rare rest as JSON (`extra`: an error, a retry's delay, a final status, a total).
 * The ids that make an event readable (batch id, workflow id, client id) are not copied into
 * every row: a read joins them back from the workflow's row.
 */
import type { Database as DB } from 'better-sqlite3';
import type { EngineEvent, NewEvent } from '../../model/events.js';
import type { Outbox } from '../outbox.js';

/** Fields kept in columns (or joined back on read); anything else an event carries goes to `extra`. */
const IN_COLUMNS = new Set(['type', 'at', 'stage', 'attempt', 'durationMs', 'batchId', 'workflowId', 'clientId']);

type Flat = Record<string, unknown> & { type: string; at: number; stage?: string; attempt?: number; durationMs?: number };

interface EventRow {
  id: number;
  type: string;
  at: number;
  stage: string | null;
  attempt: number | null;
  duration_ms: number | null;
  extra: string | null;
  workflow_id: string | null;
  client_id: string | null;
}

const SELECT = `SELECT e.id, e.type, e.at, e.stage, e.attempt, e.duration_ms, e.extra, w.id AS workflow_id, w.client_id
  FROM events e LEFT JOIN workflows w ON w.seq = e.workflow_seq`;

export class EventLog {
  readonly #outbox: Outbox;
  readonly #insert;
  readonly #after;
  readonly #ofWorkflows;
  readonly #lastId;

  constructor(db: DB, outbox: Outbox) {
    this.#outbox = outbox;
    this.#insert = db.prepare<[number, string, number, number | null, string | null, number | null, number | null, string | null]>(
      'INSERT INTO events (batch_seq, type, at, workflow_seq, stage, attempt, duration_ms, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#after = db.prepare<[number, number, number, number]>(`${SELECT} WHERE e.batch_seq = ? AND e.id > ? AND e.id <= ? ORDER BY e.id LIMIT ?`);
    // The timeline asks for a few workflows at a time: their keys, then their events in the batch.
    this.#ofWorkflows = db.prepare<[number, number, string]>(`${SELECT} WHERE e.batch_seq = ? AND e.id <= ?
      AND e.workflow_seq IN (SELECT seq FROM workflows WHERE id IN (SELECT value FROM json_each(?))) ORDER BY e.id`);
    this.#lastId = db.prepare('SELECT COALESCE(max(id), 0) FROM events').pluck();
  }

  /** The highest event id stored: at open, every one of them is committed and durable. */
  lastId(): number {
    return this.#lastId.get() as number;
  }

  /**
   * Writes an event in the open transaction; it is published when that transaction commits.
   * `workflowSeq` is the key of the workflow a workflow or stage event is about.
   */
  log(batchSeq: number, event: NewEvent, workflowSeq: number | null = null): void {
    const flat = event as Flat;
    let rest: Record<string, unknown> | null = null;
    for (const key in flat) if (!IN_COLUMNS.has(key)) (rest ??= {})[key] = flat[key];
    const { lastInsertRowid } = this.#insert.run(
      batchSeq, flat.type, flat.at, workflowSeq, flat.stage ?? null, flat.attempt ?? null, flat.durationMs ?? null, rest && JSON.stringify(rest),
    );
    this.#outbox.add({ ...event, id: Number(lastInsertRowid) });
  }

  /** The batch's events with ids in (afterId, maxId], in order, at most `limit`. */
  after(batchId: string, batchSeq: number, afterId: number, maxId: number, limit: number): EngineEvent[] {
    return this.#after.all(batchSeq, afterId, maxId, limit).map((r) => view(r as EventRow, batchId));
  }

  ofWorkflows(batchId: string, batchSeq: number, workflowIds: string[], maxId: number): EngineEvent[] {
    return this.#ofWorkflows.all(batchSeq, maxId, JSON.stringify(workflowIds)).map((r) => view(r as EventRow, batchId));
  }
}

/** A row back into the event it was written from (the same fields; key order may differ). */
function view(r: EventRow, batchId: string): EngineEvent {
  const event: Record<string, unknown> = { type: r.type, at: r.at, batchId };
  if (r.workflow_id !== null) {
    event.workflowId = r.workflow_id;
    event.clientId = JSON.parse(r.client_id!) as unknown;
  }
  if (r.stage !== null) event.stage = r.stage;
  if (r.attempt !== null) event.attempt = r.attempt;
  if (r.duration_ms !== null) event.durationMs = r.duration_ms;
  if (r.extra !== null) Object.assign(event, JSON.parse(r.extra));
  event.id = r.id;
  return event as EngineEvent;
}
