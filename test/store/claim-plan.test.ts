/** Fair claiming, apart from any store: priorities, equal shares in rounds, rotation, caps. */
import { describe, expect, it } from 'vitest';
import { claimFairly } from '../../src/store/claim-plan.js';

interface FakeBatch {
  name: string;
  priority: number;
  maxConcurrency: number | null;
  available: number;
  leased: number;
}

function run(batches: FakeBatch[], limit: number, turn = 0): Record<string, number> {
  const got: Record<string, number> = {};
  const total = claimFairly(batches, limit, turn, {
    leased: (b) => b.leased,
    take: (b, max) => {
      const n = Math.min(max, b.available);
      b.available -= n;
      b.leased += n;
      got[b.name] = (got[b.name] ?? 0) + n;
      return n;
    },
  });
  expect(total).toBe(Object.values(got).reduce((a, b) => a + b, 0));
  return got;
}

const batch = (name: string, available: number, priority = 0, maxConcurrency: number | null = null): FakeBatch =>
  ({ name, priority, maxConcurrency, available, leased: 0 });

describe('claimFairly', () => {
  it('serves a higher priority level first, whatever its size', () => {
    expect(run([batch('high', 3, 9), batch('low', 100)], 10)).toEqual({ high: 3, low: 7 });
  });

  it('splits a level equally, and gives what a small batch cannot take to the others', () => {
    expect(run([batch('big', 1000), batch('small', 2), batch('mid', 1000)], 30)).toEqual({ big: 14, small: 2, mid: 14 });
  });

  it('rotates which batch of a level is served first when shares do not divide evenly', () => {
    const first = run([batch('a', 10), batch('b', 10), batch('c', 10)], 2, 0);
    const next = run([batch('a', 10), batch('b', 10), batch('c', 10)], 2, 1);
    expect(first).toEqual({ a: 1, b: 1 });
    expect(next).toEqual({ b: 1, c: 1 });
  });

  it('never leases more of a batch than its maxConcurrency, counting what it already holds', () => {
    const capped = batch('capped', 100, 0, 3);
    capped.leased = 1;
    expect(run([capped, batch('free', 100)], 20)).toEqual({ capped: 2, free: 18 });
    expect(run([capped], 20)).toEqual({});
  });

  it('claims nothing from nothing, and stops at the limit', () => {
    expect(run([], 10)).toEqual({});
    expect(run([batch('a', 5)], 0)).toEqual({});
  });
});
