/**
 * Tick times (model/schedules.ts, by croner) across daylight-saving changes, as croner's README
 * documents them: a fixed-time job whose time is skipped (spring forward) runs at the first valid
 * time after the gap, the same day; whose time repeats (fall back) runs once, at the first pass.
 * An interval job (a step in the hour, minute or second field) skips the gap and runs in both
 * passes of the repeated hour. Europe/Madrid: 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25
 * 03:00 CEST → 02:00 CET.
 */
import { describe, expect, it } from 'vitest';
import { jitterOf, latestTick, nextTicks, shortestGap, specProblem } from '../src/model/schedules.js';
import { overlapAction, planTicks } from '../src/store/schedule-plan.js';

const at = (iso: string) => Date.parse(iso);
const isos = (ticks: number[]) => ticks.map((t) => new Date(t).toISOString());
const madrid = (cron: string) => ({ cron, timezone: 'Europe/Madrid' });

describe('cron ticks across daylight-saving changes (Europe/Madrid)', () => {
  it('a fixed time in the skipped hour runs at the end of the gap, that day only', () => {
    expect(isos(nextTicks(madrid('0 30 2 * * *'), 0, at('2026-03-28T12:00:00Z'), 3))).toEqual([
      '2026-03-29T01:00:00.000Z', // 03:00 CEST: the first valid time after 02:00–03:00
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  it('a fixed time in the repeated hour runs once, at its first pass', () => {
    expect(isos(nextTicks(madrid('0 30 2 * * *'), 0, at('2026-10-24T12:00:00Z'), 3))).toEqual([
      '2026-10-25T00:30:00.000Z', // 02:30 CEST; 02:30 CET (01:30Z) does not run
      '2026-10-26T01:30:00.000Z', // 02:30 CET
      '2026-10-27T01:30:00.000Z',
    ]);
  });

  it('an interval job skips the gap and runs in both passes of the repeated hour', () => {
    expect(isos(nextTicks(madrid('0 */30 * * * *'), 0, at('2026-03-29T00:00:00Z'), 4))).toEqual([
      '2026-03-29T00:30:00.000Z', // 01:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST: 02:00 and 02:30 never happen
      '2026-03-29T01:30:00.000Z',
      '2026-03-29T02:00:00.000Z',
    ]);
    expect(isos(nextTicks(madrid('0 */30 2 * * *'), 0, at('2026-10-24T12:00:00Z'), 4))).toEqual([
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T01:00:00.000Z', // 02:00 CET
      '2026-10-25T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('the latest tick before a time moves in real time too', () => {
    expect(latestTick(madrid('0 30 2 * * *'), 0, at('2026-03-29T12:00:00Z'))).toBe(at('2026-03-29T01:00:00Z'));
  });
});

describe('specs', () => {
  it('takes 5 or 6 fields or a nickname, refuses dates, bad fields, unknown zones and expressions with no run', () => {
    expect(specProblem(madrid('*/2 * * * * *'))).toBeNull();
    expect(specProblem(madrid('0 3 * * *'))).toBeNull();
    expect(specProblem(madrid('@daily'))).toBeNull();
    expect(specProblem(madrid('2030-01-01T00:00:00'))?.path).toBe('/body/cron');
    expect(specProblem(madrid('0 0 0 1 1 * 2020'))?.path).toBe('/body/cron');
    expect(specProblem(madrid('99 * * * *'))?.message).toMatch(/minute: 99/);
    expect(specProblem({ cron: '* * * * *', timezone: 'Nowhere/Land' })?.path).toBe('/body/timezone');
    expect(specProblem(madrid('0 0 30 2 *'))?.message).toBe('has no run in the future');
  });

  it('measures the shortest gap between ticks and spreads jitter the same way everywhere', () => {
    expect(shortestGap(madrid('*/2 * * * * *'), at('2026-01-01T00:00:00Z'))).toBe(2000);
    expect(shortestGap(madrid('0,5 0 3 * * *'), at('2026-01-01T00:00:00Z'))).toBe(5000);
    expect(shortestGap({ everyMs: 7000 }, 0)).toBe(7000);
    expect(jitterOf('s', 1000, 0)).toBe(0);
    const spread = Array.from({ length: 100 }, (_, i) => jitterOf('s', i * 1000, 500));
    expect(spread.every((j) => j >= 0 && j < 500)).toBe(true);
    expect(new Set(spread).size).toBeGreaterThan(50);
    expect(jitterOf('s', 5000, 500)).toBe(spread[5]);
  });
});

describe('the plan of a pass', () => {
  const base = { id: 's', spec: { everyMs: 1000 }, anchorAt: 0, nextTickAt: 1000, catchUp: 'latest' as const, catchUpWindowMs: 60_000, jitterMs: 0 };

  it('waits for a tick and its jitter', () => {
    expect(planTicks(base, 999, 5000)).toBeNull();
    expect(planTicks(base, 1000, 5000)).toEqual({ fire: [1000], missed: null, next: 2000 });
    const jittered = { ...base, jitterMs: 900 };
    const due = 1000 + jitterOf('s', 1000, 900);
    expect(planTicks(jittered, due - 1, 5000)).toBeNull();
    expect(planTicks(jittered, due, 5000)?.fire).toEqual([1000]);
  });

  it('fires at most 100 ticks a pass when catching up all, then goes on from the last', () => {
    const plan = planTicks({ ...base, catchUp: 'all', catchUpWindowMs: 1_000_000 }, 500_000, 0)!;
    expect(plan.fire).toHaveLength(100);
    expect(plan.next).toBe(101_000);
  });

  it('skips, allows or cancels over an unfinished previous batch; never over a finished or gone one', () => {
    expect(overlapAction('skip', 'running')).toBe('skip');
    expect(overlapAction('skip', 'queued')).toBe('skip');
    expect(overlapAction('cancel', 'running')).toBe('cancel');
    expect(overlapAction('allow', 'running')).toBe('fire');
    expect(overlapAction('skip', 'succeeded')).toBe('fire');
    expect(overlapAction('cancel', null)).toBe('fire');
  });
});
