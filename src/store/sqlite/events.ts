/**
 * The event log, written in the transaction of its change (outbox.ts) as chunks: one row per batch
 * per commit (`event_chunks`, at most CHUNK events each) whose body is a JSON array of the events,
 * each as its column values — type, time, workflow key, stage, attempt, duration, and the rare rest
 * as JSON (`extra`: an error, a retry's delay, a final status, a total). A workflow's seven events
 * were seven rows and seven index entries; a commit of a thousand transitions now writes a few rows
 * (bench case 3: about 9 % of a workflow's CPU). The ids that make an event readable (workflow id,
 * client id) are not copied in: a read joins them back from the workflow's row. The view `events`
 * (migration 20) shows one row per event, for whoever reads the file with SQL.
 *
 * An event's id is its number within its batch (`n`, from the batch row's `event_seq`), as on
 * PostgreSQL: a store-wide id would let a tenant count the other tenants' events between two of
 * its own. A chunk holds the numbers `first_n`…`last_n`, consecutive; its row key (`id`) grows in
 * commit order, and reads stop at the last published one.
 */
import type { Database as DB, Statement } from 'better-sqlite3';
import type { EngineEvent } from '../../model/events.js';
import type { BatchEvents } from '../driver.js';
import { eventColumns, eventOf } from '../event-rows.js';

/**
 * Events per chunk at most. A read decodes whole chunks: small enough that a page of a replay
 * (event-stream.ts) parses little beyond what it sends, large enough that a commit's events are a
 * handful of rows.
 */
export const CHUNK = 256;

/** One event in a chunk's body: type, at, workflow_seq, stage, attempt, duration_ms, extra. */
type Entry = [string, number, number | null, string | null, number | null, number | null, string | null];

interface ChunkRow { first_n: number; body: string }
interface ChunkKey { id: number; first_n: number; last_n: number }
interface WorkflowIds { seq: number; id: string; client_id: string }

/**
 * Chunks kept as the events the API shows (ids joined back), for the next read. Streams that fell
 * behind a running batch replay the same chunks one after another (event-stream.ts takes their
 * pages in turns): one decode and one lookup of workflow ids for all of them, and the same event
 * objects, whose encoded text event-stream.ts then shares too. A chunk never changes once written,
 * and its key is never handed out again (retention.ts keeps the newest), so a kept one is never stale.
 */
const KEPT = 32;

export class EventLog {
  readonly #insert: Statement;
  readonly #number: Statement;
  readonly #after: Statement;
  readonly #all: Statement;
  readonly #ids: Statement;
  readonly #seqsOf: Statement;
  readonly #lastId: Statement;
  readonly #body: Statement;
  readonly #kept = new Map<number, EngineEvent[]>();

  constructor(db: DB) {
    this.#insert = db.prepare('INSERT INTO event_chunks (batch_seq, first_n, last_n, body) VALUES (?, ?, ?, ?)');
    this.#number = db.prepare<[number, number]>('UPDATE batches SET event_seq = event_seq + ? WHERE seq = ? RETURNING event_seq').pluck();
    this.#after = db.prepare(`SELECT id, first_n, last_n FROM event_chunks WHERE batch_seq = +? AND last_n > +? AND id <= +? ORDER BY last_n`);
    this.#body = db.prepare('SELECT body FROM event_chunks WHERE id = ?').pluck();
    this.#all = db.prepare(`SELECT first_n, body FROM event_chunks WHERE batch_seq = +? AND id <= +? ORDER BY last_n`);
    this.#ids = db.prepare('SELECT seq, id, client_id FROM workflows WHERE seq IN (SELECT value FROM json_each(?))');
    this.#seqsOf = db.prepare('SELECT seq FROM workflows WHERE id IN (SELECT value FROM json_each(?))').pluck();
    this.#lastId = db.prepare('SELECT COALESCE(max(id), 0) FROM event_chunks').pluck();
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
   * numbered from the batch row's `event_seq` (one UPDATE per batch), CHUNK to a row; returns them
   * with their ids (per batch).
   */
  insert(batches: ReadonlyMap<number, BatchEvents>): EngineEvent[] {
    const written: EngineEvent[] = [];
    for (const seq of [...batches.keys()].sort((a, b) => a - b)) {
      const { list } = batches.get(seq)!;
      if (list.length === 0) continue;
      let n = (this.#number.get(list.length, seq) as number) - list.length;
      for (let from = 0; from < list.length; from += CHUNK) {
        const first = n + 1;
        const body: Entry[] = [];
        for (const { event, workflowSeq } of list.slice(from, from + CHUNK)) {
          n += 1;
          const [type, at, stage, attempt, durationMs, extra] = eventColumns(event);
          body.push([type, at, workflowSeq, stage, attempt, durationMs, extra]);
          written.push({ ...event, id: n });
        }
        this.#insert.run(seq, first, n, JSON.stringify(body));
      }
    }
    return written;
  }

  /** The batch's events with ids above `afterId` and row keys up to `fence`, in order, at most `limit`. */
  after(batchId: string, batchSeq: number, afterId: number, fence: number, limit: number): EngineEvent[] {
    // The chunks that hold the page first (keys only: the iteration must end before other reads).
    const chunks: ChunkKey[] = [];
    let held = 0;
    for (const chunk of this.#after.iterate(batchSeq, afterId, fence) as IterableIterator<ChunkKey>) {
      chunks.push(chunk);
      held += chunk.last_n - Math.max(afterId, chunk.first_n - 1);
      if (held >= limit) break;
    }
    const page: EngineEvent[] = [];
    for (const chunk of chunks) {
      const events = this.#eventsOf(batchId, chunk);
      const from = Math.max(0, afterId + 1 - chunk.first_n);
      page.push(...events.slice(from, from + limit - page.length));
    }
    return page;
  }

  /** The batch's events of these workflows, up to `fence`, in order (the timeline's retried rows). */
  ofWorkflows(batchId: string, batchSeq: number, workflowIds: string[], fence: number): EngineEvent[] {
    const seqs = new Set(this.#seqsOf.all(JSON.stringify(workflowIds)) as number[]);
    const picked: [number, Entry][] = [];
    for (const chunk of this.#all.iterate(batchSeq, fence) as IterableIterator<ChunkRow>) {
      (JSON.parse(chunk.body) as Entry[]).forEach((entry, i) => {
        if (entry[2] !== null && seqs.has(entry[2])) picked.push([chunk.first_n + i, entry]);
      });
    }
    return this.#readable(batchId, picked);
  }

  /** A chunk's events as the API shows them, kept for the next read while among the KEPT last built. */
  #eventsOf(batchId: string, chunk: ChunkKey): EngineEvent[] {
    let events = this.#kept.get(chunk.id);
    if (events === undefined) {
      const entries = JSON.parse(this.#body.get(chunk.id) as string) as Entry[];
      events = this.#readable(batchId, entries.map((entry, i): [number, Entry] => [chunk.first_n + i, entry]));
      if (this.#kept.size >= KEPT) this.#kept.delete(this.#kept.keys().next().value!);
      this.#kept.set(chunk.id, events);
    }
    return events;
  }

  /** Events as the API shows them, each with its id (`n`) and its workflow's ids read back from its row. */
  #readable(batchId: string, picked: [number, Entry][]): EngineEvent[] {
    const seqs = new Set<number>();
    for (const [, entry] of picked) if (entry[2] !== null) seqs.add(entry[2]);
    const ids = new Map<number, WorkflowIds>();
    if (seqs.size > 0) for (const row of this.#ids.all(JSON.stringify([...seqs])) as WorkflowIds[]) ids.set(row.seq, row);
    return picked.map(([n, [type, at, workflowSeq, stage, attempt, durationMs, extra]]) => {
      const workflow = workflowSeq === null ? undefined : ids.get(workflowSeq);
      return eventOf({
        id: n, type, at, stage, attempt, duration_ms: durationMs, extra,
        workflow_id: workflow?.id ?? null, client_id: workflow?.client_id ?? null,
      }, batchId);
    });
  }
}
