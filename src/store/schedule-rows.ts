/** Rows of `schedules` and `schedule_ticks` as both backends read and write them (JSON in text columns, times in epoch ms). */
import type { BatchTemplate, CatchUpPolicy, OverlapPolicy, Schedule, ScheduleSpec, ScheduleTick, TickOutcome } from '../model/schedules.js';

type Num = number | string;
const num = (v: Num): number => Number(v);
const numOrNull = (v: Num | null): number | null => (v === null ? null : Number(v));

export interface ScheduleRow {
  seq: Num;
  id: string;
  tenant: string;
  name: string | null;
  spec: string;
  template: string;
  overlap: string;
  catch_up: string;
  catch_up_window_ms: Num;
  jitter_ms: Num;
  paused: Num | boolean;
  anchor_at: Num;
  next_tick_at: Num | null;
  next_fire_at: Num | null;
  last_tick_at: Num | null;
  last_batch_id: string | null;
  last_error: string | null;
  created_at: Num;
  updated_at: Num;
}

export interface TickRow {
  schedule_id: string;
  tick_at: Num;
  outcome: string;
  batch_id: string | null;
  reason: string | null;
  at: Num;
}

export function scheduleOf(row: ScheduleRow): Schedule {
  return {
    id: row.id, tenant: row.tenant, name: row.name,
    spec: JSON.parse(row.spec) as ScheduleSpec,
    template: JSON.parse(row.template) as BatchTemplate,
    overlap: row.overlap as OverlapPolicy,
    catchUp: row.catch_up as CatchUpPolicy,
    catchUpWindowMs: num(row.catch_up_window_ms),
    jitterMs: num(row.jitter_ms),
    paused: row.paused === true || Number(row.paused) === 1,
    anchorAt: num(row.anchor_at),
    nextTickAt: numOrNull(row.next_tick_at),
    lastTickAt: numOrNull(row.last_tick_at),
    lastBatchId: row.last_batch_id,
    lastError: row.last_error,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

/** The columns a schedule is written with, in the order both backends' statements name them. */
export function scheduleColumns(s: Schedule, nextFireAt: number | null): unknown[] {
  return [
    s.id, s.tenant, s.name, JSON.stringify(s.spec), JSON.stringify(s.template), s.overlap, s.catchUp, s.catchUpWindowMs, s.jitterMs,
    s.paused ? 1 : 0, s.anchorAt, s.nextTickAt, nextFireAt, s.lastTickAt, s.lastBatchId, s.lastError, s.createdAt, s.updatedAt,
  ];
}

export const SCHEDULE_COLUMNS = 'id, tenant, name, spec, template, overlap, catch_up, catch_up_window_ms, jitter_ms, paused, anchor_at, '
  + 'next_tick_at, next_fire_at, last_tick_at, last_batch_id, last_error, created_at, updated_at';

export function tickOf(row: TickRow): ScheduleTick {
  return {
    scheduleId: row.schedule_id, tickAt: num(row.tick_at), outcome: row.outcome as TickOutcome,
    batchId: row.batch_id, reason: row.reason, at: num(row.at),
  };
}
