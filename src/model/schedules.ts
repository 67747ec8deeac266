/**
 * Schedules: a batch template submitted on a cron expression (in an IANA time zone) or a fixed
 * interval, each tick at most once across every replica. The words every layer shares, and the
 * tick times, which croner computes (cron syntax, time zones and daylight-saving rules are its
 * own, as its README documents them: a fixed-time job in a skipped hour runs at the first valid
 * time after the gap, in a repeated hour once, at the first pass; an interval job skips the gap
 * and runs in both passes of a repeated hour).
 */
import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import type { BatchOptions, ClientId } from './types.js';

/** While the previous batch of the schedule is unfinished: skip the tick, fire anyway, or cancel that batch and fire. */
export const OVERLAP_POLICIES = ['skip', 'allow', 'cancel'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** Ticks missed (taken later than SCHEDULE_MISFIRE_MS): skipped, the latest of them fired, or all within a window fired. */
export const CATCH_UP_POLICIES = ['none', 'latest', 'all'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

export const TICK_OUTCOMES = ['fired', 'skipped'] as const;
export type TickOutcome = (typeof TICK_OUTCOMES)[number];

/** When a schedule ticks: a cron expression in a time zone, or every `everyMs` from its anchor. */
export type ScheduleSpec = { cron: string; timezone: string } | { everyMs: number };

/** The batch a tick submits. `label` may hold `{tick}`, replaced by the tick's time (ISO 8601, UTC). */
export interface BatchTemplate extends BatchOptions {
  clientIds: ClientId[];
  priority: number;
  label: string | null;
  callbackUrl: string | null;
}

/** What a caller sets. */
export interface ScheduleInput {
  name: string | null;
  spec: ScheduleSpec;
  template: BatchTemplate;
  overlap: OverlapPolicy;
  catchUp: CatchUpPolicy;
  /** With catch-up `all`: missed ticks older than this are skipped, ms. */
  catchUpWindowMs: number;
  /** Each tick fires up to this much after its time (the same delay on every replica), ms. */
  jitterMs: number;
  paused: boolean;
}

/** A schedule as stored. Times are epoch ms. */
export interface Schedule extends ScheduleInput {
  id: string;
  tenant: string;
  /** Interval ticks fall on anchorAt + k × everyMs (k ≥ 1). */
  anchorAt: number;
  /** The next tick not taken yet; null while paused, or when the expression has no later run. */
  nextTickAt: number | null;
  lastTickAt: number | null;
  lastBatchId: string | null;
  /** Why the last tick made no batch (a quota, an overlap); null once one fires. */
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

/** One tick taken: the unique (schedule, tick) record, written with its batch. */
export interface ScheduleTick {
  scheduleId: string;
  tickAt: number;
  outcome: TickOutcome;
  batchId: string | null;
  reason: string | null;
  /** When it was taken. */
  at: number;
}

/** A tick taken by this process, as the scheduler reports it (logs, metrics). */
export type TickEvent =
  | { type: 'schedule.fired'; scheduleId: string; tenant: string; tickAt: number; at: number; batchId: string }
  | { type: 'schedule.skipped'; scheduleId: string; tenant: string; tickAt: number; at: number; reason: string };

/** A cron job used only to compute times (paused: it never runs anything). */
function cronOf(cron: string, timezone: string): Cron {
  return new Cron(cron, { paused: true, timezone });
}

/**
 * Why `spec` cannot be scheduled, or null. A cron expression has 5 or 6 fields (seconds first
 * when 6) or is a nickname such as @daily; a date (croner's run-once form) is refused.
 */
export function specProblem(spec: ScheduleSpec): { path: string; message: string } | null {
  if ('everyMs' in spec) return null;
  const fields = spec.cron.trim().split(/\s+/);
  if (!(spec.cron.trim().startsWith('@') && fields.length === 1) && fields.length !== 5 && fields.length !== 6) {
    return { path: '/body/cron', message: 'must have 5 fields (minute hour day month weekday) or 6 (seconds first)' };
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: spec.timezone });
  } catch {
    return { path: '/body/timezone', message: 'is not an IANA time zone this server knows' };
  }
  try {
    if (cronOf(spec.cron, spec.timezone).nextRun() === null) return { path: '/body/cron', message: 'has no run in the future' };
  } catch (error) {
    return { path: '/body/cron', message: `is not a cron expression: ${(error as Error).message.replace(/^Cron\w*:\s*/, '')}` };
  }
  return null;
}

/** The first tick strictly after `after`; null: none (a cron expression with no later run). */
export function nextTick(spec: ScheduleSpec, anchorAt: number, after: number): number | null {
  if ('everyMs' in spec) return nextTicks(spec, anchorAt, after, 1)[0]!;
  return cronOf(spec.cron, spec.timezone).nextRun(new Date(after))?.getTime() ?? null;
}

/** The next `n` ticks strictly after `after`. */
export function nextTicks(spec: ScheduleSpec, anchorAt: number, after: number, n: number): number[] {
  if (!('everyMs' in spec)) return cronOf(spec.cron, spec.timezone).nextRuns(n, new Date(after)).map((d) => d.getTime());
  const first = anchorAt + Math.max(1, Math.floor((after - anchorAt) / spec.everyMs) + 1) * spec.everyMs;
  return Array.from({ length: n }, (_, i) => first + i * spec.everyMs);
}

/** The latest tick at or before `at` and after the anchor; null: none. */
export function latestTick(spec: ScheduleSpec, anchorAt: number, at: number): number | null {
  if ('everyMs' in spec) {
    const k = Math.floor((at - anchorAt) / spec.everyMs);
    return k >= 1 ? anchorAt + k * spec.everyMs : null;
  }
  const [previous] = cronOf(spec.cron, spec.timezone).previousRuns(1, new Date(at + 1));
  return previous !== undefined && previous.getTime() > anchorAt ? previous.getTime() : null;
}

/** The shortest time between two of the next ticks (the interval itself, for an interval). */
export function shortestGap(spec: ScheduleSpec, from: number): number {
  if ('everyMs' in spec) return spec.everyMs;
  const ticks = nextTicks(spec, from, from, 50);
  let gap = Infinity;
  for (let i = 1; i < ticks.length; i++) gap = Math.min(gap, ticks[i]! - ticks[i - 1]!);
  return gap;
}

/** How long after its time a tick fires: the same on every replica (a hash of schedule and tick), below `jitterMs`. */
export function jitterOf(scheduleId: string, tickAt: number, jitterMs: number): number {
  if (jitterMs <= 0) return 0;
  const hash = createHash('sha256').update(`${scheduleId}/${tickAt}`).digest();
  return hash.readUInt32BE(0) % jitterMs;
}

/** The batch label of a tick: `{tick}` in the template's label becomes the tick's time; no label: the schedule's name and the time. */
export function tickLabel(template: BatchTemplate, scheduleName: string | null, tickAt: number): string {
  const iso = new Date(tickAt).toISOString();
  const label = template.label !== null ? template.label.replaceAll('{tick}', iso) : `${scheduleName ?? 'schedule'} ${iso}`;
  // A batch's label is at most 200 characters, whatever made it.
  return [...label].slice(0, 200).join('');
}
