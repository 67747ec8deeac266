/**
 * Schedules: their writes, and a pass that takes a schedule's due ticks. Every one reads the
 * schedule's row first (locked, where the backend locks rows), so a pass, a pause, a change and a
 * delete of one schedule happen one after the other whatever the processes: a pass that runs
 * after a pause committed finds it paused and takes nothing.
 *
 * A tick taken writes its unique (schedule, tick) record in the transaction of the batch it makes,
 * which goes through admission (ops/admission.ts) like any POST, with an Idempotency-Key derived
 * from the schedule and the tick: the batch and the record commit together or not at all, and a
 * second record of the same tick rolls the whole transaction back (TickTakenError).
 */
import { ClientflowError } from '../../model/errors.js';
import { nextTick, tickLabel, type Schedule, type ScheduleInput, type TickEvent } from '../../model/schedules.js';
import type { NewBatch } from '../../model/types.js';
import { IdempotencyConflictError, QueueFullError, ScheduleLimitError, StorageQuotaError } from '../errors.js';
import { timeOrderedId } from '../ids.js';
import { fireAt, overlapAction, planTicks } from '../schedule-plan.js';
import type { Fired, NewSchedule, TickLimits } from '../store.js';
import { admit } from './admission.js';
import { cancelBatch } from './control.js';
import { call, type Steps } from './steps.js';
import type { Unit } from './unit.js';

/** The tick has its record already: the transaction that found it rolls back, writing nothing. */
export class TickTakenError extends ClientflowError {
  constructor(scheduleId: string, tickAt: number) {
    super('TICK_TAKEN', `tick ${new Date(tickAt).toISOString()} of schedule ${scheduleId} was taken already`);
  }
}

/** When the schedule's next tick fires (null: none): its time plus its jitter. */
const nextFire = (s: Schedule): number | null => (s.nextTickAt === null ? null : fireAt(s, s.nextTickAt));

/** The next tick after `now`, unless paused. */
const firstAfter = (s: Schedule, now: number): number | null => (s.paused ? null : nextTick(s.spec, s.anchorAt, now));

export function* createSchedule(input: NewSchedule, now: number, { maxSchedules }: { maxSchedules?: number }): Steps<Schedule> {
  if (maxSchedules !== undefined) {
    yield* call('lockAdmission');
    if ((yield* call('countSchedules', input.tenant)) >= maxSchedules) throw new ScheduleLimitError(input.tenant, maxSchedules);
  }
  const schedule: Schedule = {
    ...input, id: timeOrderedId(now), anchorAt: now, nextTickAt: null, lastTickAt: null, lastBatchId: null, lastError: null,
    createdAt: now, updatedAt: now,
  };
  schedule.nextTickAt = firstAfter(schedule, now);
  yield* call('insertSchedule', schedule, nextFire(schedule));
  return schedule;
}

export function* updateSchedule(id: string, change: Partial<ScheduleInput>, now: number): Steps<Schedule | null> {
  const before = yield* call('lockSchedule', id);
  if (!before) return null;
  const after: Schedule = { ...before, ...change, updatedAt: now };
  const respec = change.spec !== undefined && JSON.stringify(change.spec) !== JSON.stringify(before.spec);
  // An interval counts from when it was set: every 2 s set now ticks 2 s from now.
  if (respec) after.anchorAt = now;
  if (respec || after.paused !== before.paused) after.nextTickAt = firstAfter(after, now);
  yield* call('writeSchedule', after, nextFire(after));
  return after;
}

export function* deleteSchedule(id: string): Steps<boolean> {
  if (!(yield* call('lockSchedule', id))) return false;
  yield* call('deleteSchedule', id);
  return true;
}

/** Takes the schedule's due ticks at `now` (schedule-plan.ts); null: none was due. */
export function* fireSchedule(unit: Unit, id: string, now: number, limits: TickLimits): Steps<Fired | null> {
  const s = yield* call('lockSchedule', id);
  if (!s || s.paused || s.nextTickAt === null) return null;
  const plan = planTicks({ ...s, nextTickAt: s.nextTickAt }, now, limits.misfireMs);
  if (!plan) return null;
  const fired: Fired = { ticks: [], abort: [] };
  const state: Schedule = { ...s, updatedAt: now };

  function* record(event: TickEvent): Steps<void> {
    const batchId = event.type === 'schedule.fired' ? event.batchId : null;
    const reason = event.type === 'schedule.skipped' ? event.reason : null;
    const written = yield* call('insertTick', { scheduleId: id, tickAt: event.tickAt, outcome: batchId ? 'fired' : 'skipped', batchId, reason, at: now });
    // A batch for a tick taken already would be its second: everything goes back. A skip of a
    // tick recorded already (taken before a clock went back) adds nothing, and the pass goes on.
    if (!written && batchId) throw new TickTakenError(id, event.tickAt);
    if (!written) return;
    fired.ticks.push(event);
    state.lastTickAt = event.tickAt;
    state.lastError = reason;
    if (batchId) state.lastBatchId = batchId;
  }
  const skip = (tickAt: number, reason: string) => record({ type: 'schedule.skipped', scheduleId: id, tenant: s.tenant, tickAt, at: now, reason });

  if (plan.missed) {
    const { count, first, last } = plan.missed;
    yield* skip(last, `missed: ${count} tick${count === 1 ? '' : 's'} from ${iso(first)} to ${iso(last)}, more than ${limits.misfireMs} ms late `
      + `(catch-up ${s.catchUp}${s.catchUp === 'all' ? `, window ${s.catchUpWindowMs} ms` : ''})`);
  }
  for (const tickAt of plan.fire) {
    const size = s.template.clientIds.length;
    if (limits.maxBatch !== undefined && size > limits.maxBatch) {
      yield* skip(tickAt, `quota: the batch would hold ${size} client ids; the tenant's maxScheduleBatch is ${limits.maxBatch}`);
      continue;
    }
    if (state.lastBatchId !== null && s.overlap !== 'allow') {
      const status = yield* call('batchStatus', state.lastBatchId);
      const action = overlapAction(s.overlap, status);
      if (action === 'skip') {
        yield* skip(tickAt, `overlap: the previous batch ${state.lastBatchId} is still ${status}`);
        continue;
      }
      if (action === 'cancel') fired.abort.push(...(yield* cancelBatch(unit, state.lastBatchId, now)) ?? []);
    }
    let batchId: string;
    try {
      ({ id: batchId } = yield* admit(unit, batchOf(s, tickAt), now, {
        maxQueued: limits.maxQueued, tenantMaxQueued: limits.tenantMaxQueued, tenantMaxStored: limits.tenantMaxStored,
        idempotency: { key: `${s.tenant}/schedule:${id}:${iso(tickAt)}`, fingerprint: `schedule:${id}`, ttlMs: limits.idempotencyTtlMs },
      }));
    } catch (error) {
      // Refused before admission wrote anything: the tick is skipped, and says why.
      if (!(error instanceof QueueFullError || error instanceof StorageQuotaError || error instanceof IdempotencyConflictError)) throw error;
      yield* skip(tickAt, `quota: ${error.message}`);
      continue;
    }
    yield* record({ type: 'schedule.fired', scheduleId: id, tenant: s.tenant, tickAt, at: now, batchId });
  }
  state.nextTickAt = plan.next;
  yield* call('writeSchedule', state, nextFire(state));
  return fired;
}

function batchOf(s: Schedule, tickAt: number): NewBatch {
  const { clientIds, priority, callbackUrl, maxConcurrency, retry, timeouts, simulation, stages, crmKey, flowKey } = s.template;
  return {
    tenant: s.tenant, clientIds, priority, label: tickLabel(s.template, s.name, tickAt), callbackUrl,
    maxConcurrency, retry, timeouts, simulation, stages, crmKey, flowKey,
  };
}

const iso = (at: number) => new Date(at).toISOString();
