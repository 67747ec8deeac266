/**
 * The event log: one compact row per event, written in the transaction of its change (outbox.ts).
 * A row keeps what an event says in columns (type, time, workflow key, stage, attempt, duration)
 * and only the rare rest as JSON (`extra`: an error, a retry's delay, a final status, a total).
 * The ids that make an event readable (batch id, workflow id, client id) are not copied into
 * every row: a read joins them back from the workflow's row.
 *
 * An event's id is its number within its batch (`n`, from the batch row's `event_seq`), as on
 * PostgreSQL: a store-wide id would let a tenant count the other tenants' events between two of
 * its own. The row key (`id`) still grows in commit order; reads stop at the last published one.
 */
import type { Database as DB, Statement } from 'better-sqlite3';
import type { EngineEvent } from '../../model/events.js';
import type { BatchEvents } from '../driver.js';
import { eventColumns, eventOf, eventSelect, type EventRow } from '../event-rows.js';

const SELECT = eventSelect('e.n');

/** Rows per multi-row INSERT: a statement's own cost, shared by this many events. */
const MANY = 16;
/** Values per event row (the INSERT's column list). */
const COLUMNS = 9;

export class EventLog {
  readonly #insert: Statement;
  readonly #insertMany: Statement;
  readonly #number;
  readonly #after;
  readonly #ofWorkflows;
  readonly #lastId;

  constructor(db: DB) {
    const insert = (rows: number) => db.prepare(
      `INSERT INTO events (batch_seq, n, type, at, workflow_seq, stage, attempt, duration_ms, extra) VALUES ${new Array<string>(rows).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    );
    this.#insert = insert(1);
    this.#insertMany = insert(MANY);
    this.#number = db.prepare<[number, number]>('UPDATE batches SET event_seq = event_seq + ? WHERE seq = ? RETURNING event_seq').pluck();
    this.#after = db.prepare<[number, number, number, number]>(`${SELECT} WHERE e.batch_seq = +? AND e.n > +? AND e.id <= +? ORDER BY e.n LIMIT +?`);
    // The timeline asks for a few workflows at a time: their keys, then their events in the batch.
    this.#ofWorkflows = db.prepare<[number, number, string]>(`${SELECT} WHERE e.batch_seq = +? AND e.id <= +?
      AND e.workflow_seq IN (SELECT seq FROM workflows WHERE id IN (SELECT value FROM json_each(?))) ORDER BY e.n`);
    this.#lastId = db.prepare('SELECT COALESCE(max(id), 0) FROM events').pluck();
  }

  /**
   * The highest row key stored. At open every one is committed and durable; right after a commit
   * (one writer, no transaction open) it is that commit's last: the fence reads may go to once it is durable.
   */
  lastId(): number {
    return this.#lastId.get() as number;
  }

  /**
   * Writes a transaction's events, batches in key order, each batch's in the order they happened,
   * numbered from the batch row's `event_seq`; returns them with their ids (per batch). The numbers
   * are taken first, one UPDATE per batch, so the rows can go sixteen a statement where there are
   * that many, whatever batch each belongs to: a statement's own cost, shared by that many events.
   */
  insert(batches: ReadonlyMap<number, BatchEvents>): EngineEvent[] {
    const written: EngineEvent[] = [];
    /** Each event's nine column values, one after another: sixteen events' worth go to one statement. */
    const values: unknown[] = [];
    for (const seq of [...batches.keys()].sort((a, b) => a - b)) {
      const { list } = batches.get(seq)!;
      if (list.length === 0) continue;
      let n = (this.#number.get(list.length, seq) as number) - list.length;
      for (const { event, workflowSeq } of list) {
        n += 1;
        const [type, at, stage, attempt, durationMs, extra] = eventColumns(event);
        values.push(seq, n, type, at, workflowSeq, stage, attempt, durationMs, extra);
        written.push({ ...event, id: n });
      }
    }
    const many = MANY * COLUMNS;
    let i = 0;
    for (; i + many <= values.length; i += many) this.#insertMany.run(values.slice(i, i + many));
    for (; i < values.length; i += COLUMNS) this.#insert.run(values.slice(i, i + COLUMNS));
    return written;
  }

  /** The batch's events with ids above `afterId` and row keys up to `fence`, in order, at most `limit`. */
  after(batchId: string, batchSeq: number, afterId: number, fence: number, limit: number): EngineEvent[] {
    return this.#after.all(batchSeq, afterId, fence, limit).map((r) => eventOf(r as EventRow, batchId));
  }

  ofWorkflows(batchId: string, batchSeq: number, workflowIds: string[], fence: number): EngineEvent[] {
    return this.#ofWorkflows.all(batchSeq, fence, JSON.stringify(workflowIds)).map((r) => eventOf(r as EventRow, batchId));
  }
}
