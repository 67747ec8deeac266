/**
 * The event log: one compact row per event, written in the transaction of its change (outbox.ts).
 * A row keeps what an event says in columns (type, time, workflow key, stage, attempt, duration)
 * and only the rare rest as JSON (`extra`: an error, a retry's delay, a final status, a total).
 * The ids that make an event readable (batch id, workflow id, client id) are not copied into
 * every row: a read joins them back from the workflow's row.
 */
import type { Database as DB, Statement } from 'better-sqlite3';
import type { EngineEvent, NewEvent } from '../../model/events.js';
import type { BatchEvents } from '../driver.js';
import { EVENT_SELECT, eventColumns, eventOf, type EventRow } from '../event-rows.js';

/** Rows per multi-row INSERT: a statement's own cost, shared by this many events. */
const MANY = 16;

export class EventLog {
  readonly #insert: Statement;
  readonly #insertMany: Statement;
  readonly #after;
  readonly #ofWorkflows;
  readonly #lastId;

  constructor(db: DB) {
    const insert = (rows: number) => db.prepare(
      `INSERT INTO events (batch_seq, type, at, workflow_seq, stage, attempt, duration_ms, extra) VALUES ${new Array<string>(rows).fill('(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    );
    this.#insert = insert(1);
    this.#insertMany = insert(MANY);
    this.#after = db.prepare<[number, number, number, number]>(`${EVENT_SELECT} WHERE e.batch_seq = ? AND e.id > ? AND e.id <= ? ORDER BY e.id LIMIT ?`);
    // The timeline asks for a few workflows at a time: their keys, then their events in the batch.
    this.#ofWorkflows = db.prepare<[number, number, string]>(`${EVENT_SELECT} WHERE e.batch_seq = ? AND e.id <= ?
      AND e.workflow_seq IN (SELECT seq FROM workflows WHERE id IN (SELECT value FROM json_each(?))) ORDER BY e.id`);
    this.#lastId = db.prepare('SELECT COALESCE(max(id), 0) FROM events').pluck();
  }

  /** The highest event id stored: at open, every one of them is committed and durable. */
  lastId(): number {
    return this.#lastId.get() as number;
  }

  /**
   * Writes a transaction's events, batches in key order, each batch's in the order they happened;
   * returns them with their ids (in commit order across the whole file: one writer). Sixteen rows
   * a statement where there are that many: the ids of one INSERT's rows are consecutive (each new
   * row's key is the largest so far plus one, and nothing else writes meanwhile), so the last
   * row's id gives every other's.
   */
  insert(batches: ReadonlyMap<number, BatchEvents>): EngineEvent[] {
    const pending: Array<{ event: NewEvent; values: unknown[] }> = [];
    for (const seq of [...batches.keys()].sort((a, b) => a - b)) {
      for (const { event, workflowSeq } of batches.get(seq)!.list) {
        const [type, at, ...rest] = eventColumns(event);
        pending.push({ event, values: [seq, type, at, workflowSeq, ...rest] });
      }
    }
    const written: EngineEvent[] = [];
    let i = 0;
    for (; i + MANY <= pending.length; i += MANY) {
      const chunk = pending.slice(i, i + MANY);
      const last = Number(this.#insertMany.run(chunk.flatMap((p) => p.values)).lastInsertRowid);
      chunk.forEach((p, k) => written.push({ ...p.event, id: last - MANY + 1 + k }));
    }
    for (; i < pending.length; i++) {
      const { lastInsertRowid } = this.#insert.run(pending[i]!.values);
      written.push({ ...pending[i]!.event, id: Number(lastInsertRowid) });
    }
    return written;
  }

  /** The batch's events with ids in (afterId, maxId], in order, at most `limit`. */
  after(batchId: string, batchSeq: number, afterId: number, maxId: number, limit: number): EngineEvent[] {
    return this.#after.all(batchSeq, afterId, maxId, limit).map((r) => eventOf(r as EventRow, batchId));
  }

  ofWorkflows(batchId: string, batchSeq: number, workflowIds: string[], maxId: number): EngineEvent[] {
    return this.#ofWorkflows.all(batchSeq, maxId, JSON.stringify(workflowIds)).map((r) => eventOf(r as EventRow, batchId));
  }
}
