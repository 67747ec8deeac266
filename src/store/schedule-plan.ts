/**
 * Which ticks of a schedule a pass takes, and what a tick does while the schedule's previous
 * batch runs: the rules of schedules apart from the SQL, the same for every backend
 * (ops/schedules.ts applies them under the schedule row's lock).
 *
 * A tick is due once its time plus its jitter has passed. It is on time while it is taken at most
 * `misfireMs` after that, else missed. When a pass finds ticks due, the latest of them decides:
 * - `none`: it fires if it is on time; every other due tick is skipped as missed;
 * - `latest`: it fires, late or not; the earlier ones are skipped as missed;
 * - `all`: every due tick at most `catchUpWindowMs` old fires, oldest first (at most
 *   MAX_FIRE_PER_PASS in one pass: the next pass goes on from there); older ones are skipped.
 * The next tick to take is then the first after the pass's time (or after the last fired, when
 * `all` stopped at its cap).
 */
import { isFinished, type BatchStatus } from '../model/statuses.js';
import { jitterOf, latestTick, nextTick, type CatchUpPolicy, type OverlapPolicy, type ScheduleSpec } from '../model/schedules.js';

/** Most ticks one pass fires (catch-up `all` after a long downtime): a transaction stays short. */
export const MAX_FIRE_PER_PASS = 100;

export interface PlanInput {
  id: string;
  spec: ScheduleSpec;
  anchorAt: number;
  nextTickAt: number;
  catchUp: CatchUpPolicy;
  catchUpWindowMs: number;
  jitterMs: number;
}

export interface TickPlan {
  /** Ticks to take, oldest first. */
  fire: number[];
  /** Due ticks skipped without a batch, as a range: how many, the first and the last. */
  missed: { count: number; first: number; last: number } | null;
  /** The next tick to take; null: the expression has no later run. */
  next: number | null;
}

/** When a tick fires: its time plus its jitter. */
export function fireAt(s: Pick<PlanInput, 'id' | 'jitterMs'>, tickAt: number): number {
  return tickAt + jitterOf(s.id, tickAt, s.jitterMs);
}

/** What a pass at `now` takes; null: the next tick is not due yet. */
export function planTicks(s: PlanInput, now: number, misfireMs: number): TickPlan | null {
  if (fireAt(s, s.nextTickAt) > now) return null;
  const latest = latestTick(s.spec, s.anchorAt, now) ?? s.nextTickAt;
  const afterNow = nextTick(s.spec, s.anchorAt, now);
  const missedUpTo = (last: number | null) => (last === null || last < s.nextTickAt ? null : {
    count: countTicks(s, s.nextTickAt, last), first: s.nextTickAt, last,
  });
  switch (s.catchUp) {
    case 'none': {
      const onTime = now - fireAt(s, latest) <= misfireMs;
      return {
        fire: onTime ? [latest] : [],
        missed: missedUpTo(onTime ? previousOf(s, latest) : latest),
        next: afterNow,
      };
    }
    case 'latest':
      return { fire: [latest], missed: missedUpTo(previousOf(s, latest)), next: afterNow };
    case 'all': {
      const windowStart = nextTick(s.spec, s.anchorAt, now - s.catchUpWindowMs - 1) ?? latest;
      const from = Math.max(s.nextTickAt, windowStart);
      const fire: number[] = [];
      for (let t: number | null = from; t !== null && t <= now && fire.length < MAX_FIRE_PER_PASS; t = nextTick(s.spec, s.anchorAt, t)) {
        fire.push(t);
      }
      const last = fire[fire.length - 1];
      const capped = last !== undefined && last < latest;
      return {
        fire,
        missed: from > s.nextTickAt ? missedUpTo(previousOf(s, from)) : null,
        next: capped ? nextTick(s.spec, s.anchorAt, last) : afterNow,
      };
    }
  }
}

/** The tick before `tickAt` (at or after the anchor); null: none. */
function previousOf(s: PlanInput, tickAt: number): number | null {
  return latestTick(s.spec, s.anchorAt, tickAt - 1);
}

/** How many ticks fall in [first, last], counted up to 10,000 (a cron expression is walked). */
function countTicks(s: PlanInput, first: number, last: number): number {
  if ('everyMs' in s.spec) return Math.floor((last - first) / s.spec.everyMs) + 1;
  let n = 0;
  for (let t: number | null = first; t !== null && t <= last && n < 10_000; t = nextTick(s.spec, s.anchorAt, t)) n++;
  return n;
}

/** What a tick does given the schedule's previous batch (its status; null: none, or gone). */
export function overlapAction(policy: OverlapPolicy, previous: BatchStatus | null): 'fire' | 'skip' | 'cancel' {
  if (previous === null || isFinished(previous) || policy === 'allow') return 'fire';
  return policy;
}
