/**
 * The event log on PostgreSQL: compact rows like SQLite's (type, time, workflow key, stage,
 * attempt, duration; the rare rest as JSON), numbered per batch. A transaction's events are
 * numbered when it is about to commit, from `batches.event_seq`, under the batch row's lock
 * (taken by the counter update before): so one batch's events commit in the order of their ids,
 * and a reader resuming after id N can never miss an event with a lower id that commits later.
 */
import type { Queryable } from './database.js';
import type { EngineEvent } from '../../model/events.js';
import type { BatchEvents } from '../driver.js';
import { EVENT_SELECT, eventColumns, eventOf, type EventRow } from '../event-rows.js';

/** Numbers and inserts each batch's events (batches in key order); returns them with their ids. */
export async function insertEvents(client: Queryable, batches: ReadonlyMap<number, BatchEvents>): Promise<EngineEvent[]> {
  const published: EngineEvent[] = [];
  for (const seq of [...batches.keys()].sort((a, b) => a - b)) {
    const { list } = batches.get(seq)!;
    if (list.length === 0) continue;
    const { rows } = await client.query<{ last: number }>(
      'UPDATE batches SET event_seq = event_seq + $2 WHERE seq = $1 RETURNING event_seq AS last', [seq, list.length],
    );
    let id = rows[0]!.last - list.length;
    const columns: unknown[][] = [[], [], [], [], [], [], [], []];
    for (const { event, workflowSeq } of list) {
      id += 1;
      const [type, at, ...rest] = eventColumns(event);
      const values = [id, type, at, workflowSeq, ...rest];
      values.forEach((v, i) => columns[i]!.push(v));
      published.push({ ...event, id } as EngineEvent);
    }
    await client.query(`INSERT INTO events (batch_seq, id, type, at, workflow_seq, stage, attempt, duration_ms, extra)
      SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::int[], $8::bigint[], $9::text[])`,
    [seq, ...columns]);
  }
  return published;
}

/** The batch's events with ids above `afterId`, in order, at most `limit`. */
export async function eventsAfter(db: Queryable, batchId: string, batchSeq: number, afterId: number, limit: number): Promise<EngineEvent[]> {
  const { rows } = await db.query<EventRow>(`${EVENT_SELECT} WHERE e.batch_seq = $1 AND e.id > $2 ORDER BY e.id LIMIT $3`, [batchSeq, afterId, limit]);
  return rows.map((r) => eventOf(r, batchId));
}

export async function eventsOfWorkflows(db: Queryable, batchId: string, batchSeq: number, workflowIds: string[]): Promise<EngineEvent[]> {
  const { rows } = await db.query<EventRow>(`${EVENT_SELECT} WHERE e.batch_seq = $1
    AND e.workflow_seq IN (SELECT seq FROM workflows WHERE id = ANY($2::text[])) ORDER BY e.id`, [batchSeq, workflowIds]);
  return rows.map((r) => eventOf(r, batchId));
}
