/** Fair claiming, apart from any store: priorities, tenants, equal shares in rounds, rotation, caps. */
import { describe, expect, it } from 'vitest';
import { claimFairly, runningCap } from '../../src/store/claim-plan.js';

interface FakeBatch {
  name: string;
  priority: number;
  tenant: string;
  maxConcurrency: number | null;
  available: number;
  leased: number;
}

/** Runs a plan whose takes answer at once (they yield nothing): one step runs it to its end. */
function drain<T>(plan: Generator<unknown, T, unknown>): T {
  const step = plan.next();
  if (!step.done) throw new Error('a take yielded');
  return step.value;
}

/** Runs a claim; `rooms`: what each capped tenant may still lease (absent: no cap). */
function run(batches: FakeBatch[], limit: number, turn = 0, rooms: Record<string, number> = {}): Record<string, number> {
  const got: Record<string, number> = {};
  const asked: string[] = [];
  const total = drain(claimFairly(batches, limit, turn, {
    leased: (b) => b.leased,
    room: (tenant) => {
      asked.push(tenant);
      return rooms[tenant] ?? null;
    },
    // eslint-disable-next-line require-yield
    take: function* (b, max) {
      const n = Math.min(max, b.available);
      b.available -= n;
      b.leased += n;
      got[b.name] = (got[b.name] ?? 0) + n;
      return n;
    },
  }));
  expect(total).toBe(Object.values(got).reduce((a, b) => a + b, 0));
  // Each tenant's room is asked once a call, whatever its batches and levels.
  expect(new Set(asked).size).toBe(asked.length);
  return got;
}

const batch = (name: string, available: number, priority = 0, maxConcurrency: number | null = null, tenant = 't'): FakeBatch =>
  ({ name, priority, tenant, maxConcurrency, available, leased: 0 });

/** `n` batches of `tenant` named `<tenant>0`…, each holding `available`. */
const many = (tenant: string, n: number, available: number, priority = 0): FakeBatch[] =>
  Array.from({ length: n }, (_, i) => batch(`${tenant}${i}`, available, priority, null, tenant));

/** What each tenant got. */
function byTenant(batches: FakeBatch[], got: Record<string, number>): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const b of batches) if (got[b.name]) sums[b.tenant] = (sums[b.tenant] ?? 0) + got[b.name]!;
  return sums;
}

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

  it('splits a level equally between tenants, not batches: fifty batches get what one does', () => {
    const batches = [...many('a', 50, 100), batch('solo', 100, 0, null, 'b')];
    expect(byTenant(batches, run(batches, 20))).toEqual({ a: 10, b: 10 });
    // Inside a tenant, its batches share its part equally.
    const mine = [batch('x', 100, 0, null, 'a'), batch('y', 100, 0, null, 'a'), batch('solo', 100, 0, null, 'b')];
    expect(run(mine, 20)).toEqual({ x: 5, y: 5, solo: 10 });
  });

  it('shares between tenants whatever their priorities: a tenant at priority 10 cannot starve one at 0', () => {
    expect(run([batch('high', 100, 10, null, 'a'), batch('low', 100, 0, null, 'b')], 10)).toEqual({ high: 5, low: 5 });
    // One workflow a call: the tenants take turns.
    const served = [0, 1, 2, 3].map((turn) => Object.keys(run([batch('high', 100, 10, null, 'a'), batch('low', 100, 0, null, 'b')], 1, turn)));
    expect(served).toEqual([['high'], ['low'], ['high'], ['low']]);
  });

  it("serves a tenant's own levels from the highest inside its share", () => {
    const batches = [batch('a-high', 3, 9, null, 'a'), batch('a-low', 100, 0, null, 'a'), batch('b', 100, 0, null, 'b')];
    expect(run(batches, 10)).toEqual({ 'a-high': 3, 'a-low': 2, b: 5 });
  });

  it('gives what one tenant cannot take to the others', () => {
    const batches = [batch('top', 3, 9, null, 'c'), batch('small', 2, 0, null, 'a'), ...many('b', 3, 100)];
    expect(run(batches, 23)).toEqual({ top: 3, small: 2, b0: 6, b1: 6, b2: 6 });
  });

  it('rotates the first tenant, and each tenant its first batch, even one workflow at a time', () => {
    const batches = () => [...many('a', 2, 10), batch('solo', 10, 0, null, 'b')];
    const served = [0, 1, 2, 3, 4, 5].map((turn) => Object.keys(run(batches(), 1, turn)));
    expect(served).toEqual([['a0'], ['solo'], ['a1'], ['solo'], ['a0'], ['solo']]);
  });

  it("never leases more of a tenant than its room, across its batches and priority levels, giving the rest to others", () => {
    const batches = [batch('a-high', 100, 5, null, 'a'), ...many('a', 3, 100), batch('solo', 100, 0, null, 'b')];
    const got = run(batches, 30, 0, { a: 4 });
    expect(byTenant(batches, got)).toEqual({ a: 4, b: 26 });
    expect(got['a-high']).toBe(4);
    // At its cap, a tenant gets nothing, however much it has waiting.
    expect(byTenant(batches, run(batches, 30, 0, { a: 0 }))).toEqual({ b: 30 });
  });

  it("takes a tenant's cap from its own quotas when set (null: none), else the server's", () => {
    expect(runningCap({ maxRunning: 3 }, 10)).toBe(3);
    expect(runningCap({ maxRunning: null }, 10)).toBeNull();
    expect(runningCap({ maxQueued: 5 }, 10)).toBe(10);
    expect(runningCap(null, null)).toBeNull();
  });
});

describe('claimFairly with flow keys', () => {
  const keyed = (name: string, available: number, flowKey: string | null, tenant = 't', priority = 0) =>
    ({ name, priority, tenant, maxConcurrency: null, available, leased: 0, flowKey });

  function runKeyed(batches: Array<ReturnType<typeof keyed>>, limit: number, keyRooms: Record<string, number>) {
    const got: Record<string, number> = {};
    const asked: string[] = [];
    drain(claimFairly(batches, limit, 0, {
      leased: (b) => b.leased,
      keyRoom: (key) => {
        asked.push(key);
        return keyRooms[key] ?? null;
      },
      // eslint-disable-next-line require-yield
      take: function* (b, max) {
        const n = Math.min(max, b.available);
        b.available -= n;
        got[b.name] = (got[b.name] ?? 0) + n;
        return n;
      },
    }));
    expect(new Set(asked).size).toBe(asked.length);
    return got;
  }

  it('caps every batch of a key together, across tenants and priorities, and gives the rest to others', () => {
    const got = runKeyed([
      keyed('a-high', 100, 'crm:acme', 'a', 5), keyed('b', 100, 'crm:acme', 'b'), keyed('c', 100, null, 'c'),
    ], 50, { 'crm:acme': 7 });
    expect((got['a-high'] ?? 0) + (got.b ?? 0)).toBe(7);
    expect(got.c).toBe(43);
  });

  it("shares a key's room between its tenants whatever their priorities: one at a time, they take turns", () => {
    const served = [0, 1, 2, 3].map((turn) => {
      const got: Record<string, number> = {};
      const batches = [keyed('a-high', 100, 'crm:shared', 'a', 10), keyed('b-low', 100, 'crm:shared', 'b', 0)];
      drain(claimFairly(batches, 50, turn, {
        leased: (b) => b.leased,
        keyRoom: () => 1,
        // eslint-disable-next-line require-yield
        take: function* (b, max) {
          got[b.name] = (got[b.name] ?? 0) + max;
          return max;
        },
      }));
      return Object.keys(got);
    });
    expect(served).toEqual([['a-high'], ['b-low'], ['a-high'], ['b-low']]);
  });

  it('takes nothing of a key with no room, and a key without a limit is not capped', () => {
    expect(runKeyed([keyed('x', 10, 'k:none'), keyed('y', 10, 'k:full')], 20, { 'k:full': 0 })).toEqual({ x: 10 });
  });
});
