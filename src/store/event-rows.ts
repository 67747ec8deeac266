/**
 * Events as every backend stores them: what an event says in columns (type, time, stage, attempt,
 * duration), the rare rest as JSON (`extra`: an error, a retry's delay, a final status, a total).
 * The ids that make an event readable (batch, workflow, client) are not copied into every row: a
 * read joins the workflow's back from its row. Pure: no queries here.
 */
import type { EngineEvent, NewEvent } from '../model/events.js';

/** Fields kept in columns (or joined back on read); anything else an event carries goes to `extra`. */
const IN_COLUMNS = new Set(['type', 'at', 'stage', 'attempt', 'durationMs', 'batchId', 'workflowId', 'clientId']);

type Flat = Record<string, unknown> & { type: string; at: number; stage?: string; attempt?: number; durationMs?: number };

/** An event's column values: type, at, stage, attempt, duration_ms, extra. */
export function eventColumns(event: NewEvent): [string, number, string | null, number | null, number | null, string | null] {
  const flat = event as Flat;
  let rest: Record<string, unknown> | null = null;
  for (const key in flat) if (!IN_COLUMNS.has(key)) (rest ??= {})[key] = flat[key];
  return [flat.type, flat.at, flat.stage ?? null, flat.attempt ?? null, flat.durationMs ?? null, rest && JSON.stringify(rest)];
}

/** A stored event with its workflow's ids joined back. */
export interface EventRow {
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

/** What a read selects to rebuild events (`events e`, its workflow joined as `w`): PostgreSQL's rows (SQLite keeps chunks). */
export const EVENT_SELECT = `SELECT e.id, e.type, e.at, e.stage, e.attempt, e.duration_ms, e.extra, w.id AS workflow_id, w.client_id
  FROM events e LEFT JOIN workflows w ON w.seq = e.workflow_seq`;

/** A row back into the event it was written from (the same fields; key order may differ). */
export function eventOf(r: EventRow, batchId: string): EngineEvent {
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
