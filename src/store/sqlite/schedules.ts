/** Schedules on SQLite, as the port (driver.ts) and the reads ask for them. One process owns the file: nothing locks. */
import type { Database as DB, Statement } from 'better-sqlite3';
import type { Schedule, ScheduleTick } from '../../model/schedules.js';
import type { BatchStatus } from '../../model/statuses.js';
import type { Page } from '../../model/types.js';
import { decodeCursor, keyOf } from '../cursor.js';
import { page } from '../rows.js';
import { SCHEDULE_COLUMNS, scheduleColumns, scheduleOf, tickOf, type ScheduleRow, type TickRow } from '../schedule-rows.js';

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

export class ScheduleRows {
  readonly #count: Statement;
  readonly #get: Statement;
  readonly #insert: Statement;
  readonly #write: Statement;
  readonly #delete: Statement;
  readonly #deleteTicks: Statement;
  readonly #insertTick: Statement;
  readonly #batchStatus: Statement;
  readonly #list: Statement;
  readonly #seqOf: Statement;
  readonly #listOf: Statement;
  readonly #ticks: Statement;
  readonly #due: Statement;
  readonly #nextAt: Statement;

  constructor(db: DB) {
    this.#count = db.prepare('SELECT count(*) FROM schedules WHERE tenant = ?').pluck();
    this.#get = db.prepare('SELECT * FROM schedules WHERE id = ?');
    this.#insert = db.prepare(`INSERT INTO schedules (${SCHEDULE_COLUMNS}) VALUES (${SCHEDULE_COLUMNS.split(',').map(() => '?').join(', ')})`);
    this.#write = db.prepare(`UPDATE schedules SET (${SCHEDULE_COLUMNS}) = (${SCHEDULE_COLUMNS.split(',').map(() => '?').join(', ')}) WHERE id = ?`);
    this.#delete = db.prepare('DELETE FROM schedules WHERE id = ?');
    this.#deleteTicks = db.prepare('DELETE FROM schedule_ticks WHERE schedule_id = ?');
    this.#insertTick = db.prepare(`INSERT INTO schedule_ticks (schedule_id, tick_at, outcome, batch_id, reason, at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (schedule_id, tick_at) DO NOTHING`);
    this.#batchStatus = db.prepare('SELECT status FROM batches WHERE id = ?').pluck();
    this.#seqOf = db.prepare('SELECT seq FROM schedules WHERE id = ?').pluck();
    this.#list = db.prepare('SELECT * FROM schedules WHERE seq < ? ORDER BY seq DESC LIMIT +?');
    this.#listOf = db.prepare('SELECT * FROM schedules WHERE tenant = ? AND seq < ? ORDER BY seq DESC LIMIT +?');
    this.#ticks = db.prepare('SELECT * FROM schedule_ticks WHERE schedule_id = ? ORDER BY tick_at DESC LIMIT +?');
    this.#due = db.prepare('SELECT id, tenant FROM schedules WHERE next_fire_at <= ? ORDER BY next_fire_at LIMIT +?');
    this.#nextAt = db.prepare('SELECT min(next_fire_at) FROM schedules WHERE next_fire_at IS NOT NULL').pluck();
  }

  count(tenant: string): number {
    return this.#count.get(tenant) as number;
  }

  get(id: string): Schedule | null {
    const row = this.#get.get(id) as ScheduleRow | undefined;
    return row ? scheduleOf(row) : null;
  }

  insert(s: Schedule, nextFireAt: number | null): void {
    this.#insert.run(...scheduleColumns(s, nextFireAt));
  }

  write(s: Schedule, nextFireAt: number | null): void {
    this.#write.run(...scheduleColumns(s, nextFireAt), s.id);
  }

  delete(id: string): void {
    this.#deleteTicks.run(id);
    this.#delete.run(id);
  }

  insertTick(t: ScheduleTick): boolean {
    return this.#insertTick.run(t.scheduleId, t.tickAt, t.outcome, t.batchId, t.reason, t.at).changes > 0;
  }

  batchStatus(batchId: string): BatchStatus | null {
    return (this.#batchStatus.get(batchId) as BatchStatus | undefined) ?? null;
  }

  list(query: { tenant?: string; limit: number; cursor?: string }): Page<Schedule> {
    // The cursor names the last schedule by id (cursor.ts): its key, looked up.
    const before = query.cursor ? keyOf(this.#seqOf.get(decodeCursor(query.cursor)) as number | undefined) : MAX_SEQ;
    const rows = (query.tenant === undefined
      ? this.#list.all(before, query.limit + 1)
      : this.#listOf.all(query.tenant, before, query.limit + 1)) as Array<ScheduleRow & { seq: number }>;
    return page(rows, query.limit, scheduleOf);
  }

  ticks(id: string, limit: number): ScheduleTick[] {
    return (this.#ticks.all(id, limit) as TickRow[]).map(tickOf);
  }

  due(now: number, limit: number): Array<{ id: string; tenant: string }> {
    return this.#due.all(now, limit) as Array<{ id: string; tenant: string }>;
  }

  nextAt(): number | null {
    return (this.#nextAt.get() as number | null) ?? null;
  }
}
