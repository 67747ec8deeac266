/**
 * The scheduler's loop (engine/scheduler.ts) over a store stub, on fake timers: it passes at the
 * next tick the store knows of, and a tick still due after a pass (refused, or found taken) is
 * tried again a poll later, never in a loop at once.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler } from '../src/engine/scheduler.js';
import type { Fired } from '../src/store/store.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

function scheduler(store: { due: () => Array<{ id: string; tenant: string }>; fire: () => Fired | null; next: () => number | null }) {
  const calls = { due: 0, fire: 0 };
  const fired: Fired[] = [];
  const s = new Scheduler({
    store: {
      dueSchedules: async () => (calls.due++, store.due()),
      fireSchedule: async () => (calls.fire++, store.fire()),
      nextScheduleAt: async () => store.next(),
    },
    logger: pino({ level: 'silent' }), now: () => Date.now(), pollMs: 1000,
    limits: { misfireMs: 1000, idempotencyTtlMs: 1000 }, quotasOf: async () => ({}), onFired: (f) => fired.push(f),
  });
  return { s, calls, fired };
}

describe('the scheduler loop', () => {
  it('waits a poll before trying again a tick the store keeps refusing', async () => {
    const { s, calls } = scheduler({ due: () => [{ id: 'a', tenant: 't' }], fire: () => null, next: () => Date.now() - 5 });
    s.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(calls.fire).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.fire).toBe(2);
    await s.stop();
  });

  it('passes at the next tick when it is sooner than a poll, and reports what it took', async () => {
    let nextAt = Date.now() + 300;
    const tick = { type: 'schedule.fired' as const, scheduleId: 'a', tenant: 't', tickAt: nextAt, at: nextAt, batchId: 'b' };
    const { s, calls, fired } = scheduler({
      due: () => (Date.now() >= nextAt ? [{ id: 'a', tenant: 't' }] : []),
      fire: () => {
        nextAt += 5000;
        return { ticks: [tick], abort: [] };
      },
      next: () => nextAt,
    });
    const heard: unknown[] = [];
    s.onTick((t) => heard.push(t));
    s.start();
    await vi.advanceTimersByTimeAsync(299);
    expect(calls.fire).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.fire).toBe(1);
    expect(fired).toHaveLength(1);
    expect(heard).toEqual([tick]);
    await s.stop();
    const before = calls.due;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.due).toBe(before);
  });
});
