/** The event log: one row per event, written in the transaction of its change (outbox.ts). */
import type { Database as DB } from 'better-sqlite3';
import type { EngineEvent, NewEvent } from '../../model/events.js';
import type { Outbox } from '../outbox.js';

export class EventLog {
  readonly #outbox: Outbox;
  readonly #insert;
  readonly #after;
  readonly #ofWorkflows;

  constructor(db: DB, outbox: Outbox) {
    this.#outbox = outbox;
    this.#insert = db.prepare<[number, string]>('INSERT INTO events (batch_seq, data) VALUES (?, ?)');
    this.#after = db.prepare<[number, number, number]>('SELECT id, data FROM events WHERE batch_seq = ? AND id > ? ORDER BY id LIMIT ?');
    // A scan of the batch's events (filtered in SQLite): the timeline asks for a few workflows at a time.
    this.#ofWorkflows = db.prepare<[number, string]>(`SELECT id, data FROM events WHERE batch_seq = ?
      AND json_extract(data, '$.workflowId') IN (SELECT value FROM json_each(?)) ORDER BY id`);
  }

  /** Writes an event in the open transaction; it is published when that transaction commits. */
  log(batchSeq: number, event: NewEvent): void {
    const { lastInsertRowid } = this.#insert.run(batchSeq, JSON.stringify(event));
    this.#outbox.add({ ...event, id: Number(lastInsertRowid) });
  }

  after(batchSeq: number, afterId: number, limit: number): EngineEvent[] {
    return parse(this.#after.all(batchSeq, afterId, limit));
  }

  ofWorkflows(batchSeq: number, workflowIds: string[]): EngineEvent[] {
    return parse(this.#ofWorkflows.all(batchSeq, JSON.stringify(workflowIds)));
  }
}

function parse(rows: unknown[]): EngineEvent[] {
  return (rows as Array<{ id: number; data: string }>).map((r) => ({ ...(JSON.parse(r.data) as NewEvent), id: r.id }));
}
