/**
 * Schedules on PostgreSQL, as the port (driver.ts) and the reads ask for them. A schedule's row is
 * locked (FOR UPDATE) by whatever changes it or takes its ticks, so replicas taking the same due
 * tick queue on the row: the second finds the tick taken (its next tick moved on) and writes
 * nothing; the unique (schedule, tick) key would roll it back if it did not.
 */
import type { Schedule, ScheduleTick } from '../../model/schedules.js';
import type { BatchStatus } from '../../model/statuses.js';
import type { Page } from '../../model/types.js';
import { decodeCursor, keyOf } from '../cursor.js';
import { page } from '../rows.js';
import { SCHEDULE_COLUMNS, scheduleColumns, scheduleOf, tickOf, type ScheduleRow, type TickRow } from '../schedule-rows.js';
import type { Queryable } from './database.js';

const PARAMS = SCHEDULE_COLUMNS.split(',').map((_, i) => `$${i + 1}`).join(', ');

export async function countSchedules(db: Queryable, tenant: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM schedules WHERE tenant = $1', [tenant]);
  return Number(rows[0]!.n);
}

export async function lockSchedule(db: Queryable, id: string): Promise<Schedule | null> {
  const { rows } = await db.query<ScheduleRow>('SELECT * FROM schedules WHERE id = $1 FOR UPDATE', [id]);
  return rows[0] ? scheduleOf(rows[0]) : null;
}

export async function insertSchedule(db: Queryable, s: Schedule, nextFireAt: number | null): Promise<void> {
  await db.query(`INSERT INTO schedules (${SCHEDULE_COLUMNS}) VALUES (${PARAMS})`, scheduleColumns(s, nextFireAt));
}

export async function writeSchedule(db: Queryable, s: Schedule, nextFireAt: number | null): Promise<void> {
  const columns = scheduleColumns(s, nextFireAt);
  await db.query(`UPDATE schedules SET (${SCHEDULE_COLUMNS}) = (${PARAMS}) WHERE id = $${columns.length + 1}`, [...columns, s.id]);
}

export async function deleteSchedule(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM schedule_ticks WHERE schedule_id = $1', [id]);
  await db.query('DELETE FROM schedules WHERE id = $1', [id]);
}

export async function insertTick(db: Queryable, t: ScheduleTick): Promise<boolean> {
  const { rowCount } = await db.query(`INSERT INTO schedule_ticks (schedule_id, tick_at, outcome, batch_id, reason, at)
    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (schedule_id, tick_at) DO NOTHING`, [t.scheduleId, t.tickAt, t.outcome, t.batchId, t.reason, t.at]);
  return (rowCount ?? 0) > 0;
}

export async function batchStatus(db: Queryable, batchId: string): Promise<BatchStatus | null> {
  const { rows } = await db.query<{ status: BatchStatus }>('SELECT status FROM batches WHERE id = $1', [batchId]);
  return rows[0]?.status ?? null;
}

export async function getSchedule(db: Queryable, id: string): Promise<Schedule | null> {
  const { rows } = await db.query<ScheduleRow>('SELECT * FROM schedules WHERE id = $1', [id]);
  return rows[0] ? scheduleOf(rows[0]) : null;
}

export async function listSchedules(db: Queryable, query: { tenant?: string; limit: number; cursor?: string }): Promise<Page<Schedule>> {
  // The cursor names the last schedule by id (cursor.ts): its key, looked up.
  const before = query.cursor
    ? keyOf((await db.query<{ seq: number }>('SELECT seq FROM schedules WHERE id = $1', [decodeCursor(query.cursor)])).rows[0]?.seq)
    : Number.MAX_SAFE_INTEGER;
  const { rows } = query.tenant === undefined
    ? await db.query<ScheduleRow & { seq: number }>('SELECT * FROM schedules WHERE seq < $1 ORDER BY seq DESC LIMIT $2', [before, query.limit + 1])
    : await db.query<ScheduleRow & { seq: number }>('SELECT * FROM schedules WHERE tenant = $3 AND seq < $1 ORDER BY seq DESC LIMIT $2',
      [before, query.limit + 1, query.tenant]);
  return page(rows, query.limit, scheduleOf);
}

export async function scheduleTicks(db: Queryable, id: string, limit: number): Promise<ScheduleTick[]> {
  const { rows } = await db.query<TickRow>('SELECT * FROM schedule_ticks WHERE schedule_id = $1 ORDER BY tick_at DESC LIMIT $2', [id, limit]);
  return rows.map(tickOf);
}

export async function dueSchedules(db: Queryable, now: number, limit: number): Promise<Array<{ id: string; tenant: string }>> {
  const { rows } = await db.query<{ id: string; tenant: string }>(
    'SELECT id, tenant FROM schedules WHERE next_fire_at <= $1 ORDER BY next_fire_at LIMIT $2', [now, limit],
  );
  return rows;
}

export async function nextScheduleAt(db: Queryable): Promise<number | null> {
  const { rows } = await db.query<{ at: number | null }>('SELECT min(next_fire_at) AS at FROM schedules');
  return rows[0]?.at ?? null;
}
