/**
 * The pure arithmetic behind the batch view (model/stats.ts) and the small real work of the
 * default stages (engine/stages/client-record.ts), with expectations computed by hand.
 */
import { describe, expect, it } from 'vitest';
import { iso, nearestRank, nearestRankIndex, percent, settleRank, round, speedup, summary } from '../src/model/stats.js';
import { analyzeClient, synthesizeClient, type ClientRecord } from '../src/engine/stages/client-record.js';

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('nearestRank', () => {
  // Nearest rank: the value at 1-based rank ceil(p/100 × n) of the sorted list, at least rank 1.
  const five = [15, 20, 35, 40, 50];

  it('is null for no values', () => {
    expect(nearestRank([], 95)).toBeNull();
    expect(nearestRank([], 0)).toBeNull();
  });

  it('picks the nearest-rank value of the textbook example [15, 20, 35, 40, 50]', () => {
    expect(nearestRank(five, 5)).toBe(15); // ceil(0.25) = 1
    expect(nearestRank(five, 30)).toBe(20); // ceil(1.5) = 2
    expect(nearestRank(five, 40)).toBe(20); // ceil(2.0) = 2: an exact rank is not rounded up
    expect(nearestRank(five, 50)).toBe(35); // ceil(2.5) = 3
    expect(nearestRank(five, 95)).toBe(50); // ceil(4.75) = 5
    expect(nearestRank(five, 100)).toBe(50); // rank 5
  });

  it('p0 is the smallest value (rank is at least 1)', () => {
    expect(nearestRank(five, 0)).toBe(15);
  });

  it('of one value is that value for every p', () => {
    for (const p of [0, 1, 50, 95, 100]) expect(nearestRank([7], p)).toBe(7);
  });

  it('p95 of 1..20 is 19 and of 1..100 is 95 (exact ranks)', () => {
    expect(nearestRank(oneTo(20), 95)).toBe(19);
    expect(nearestRank(oneTo(100), 95)).toBe(95);
    expect(nearestRank(oneTo(21), 95)).toBe(20); // ceil(19.95) = 20
  });

  it('p of 1..100 is exactly p for every integer p (no floating-point round-up)', () => {
    // (p / 100) * 100 is not always p in floating point: 0.07 * 100 = 7.000000000000001,
    // whose ceil is 8. The nearest-rank p-th percentile of 1..100 is p by definition.
    const values = oneTo(100);
    const wrong = oneTo(100).filter((p) => nearestRank(values, p) !== p);
    expect(wrong).toEqual([]);
  });
});

describe('nearestRankIndex', () => {
  it('is the 0-based index of the nearest rank', () => {
    expect(nearestRankIndex(5, 30)).toBe(1);
    expect(nearestRankIndex(5, 40)).toBe(1);
    expect(nearestRankIndex(5, 95)).toBe(4);
    expect(nearestRankIndex(20, 95)).toBe(18);
    expect(nearestRankIndex(1, 95)).toBe(0);
    expect(nearestRankIndex(5, 0)).toBe(0);
  });

  it('agrees with nearestRank on sorted lists', () => {
    for (const n of [1, 2, 3, 7, 19, 20, 21, 100, 1000]) {
      const values = oneTo(n).map((v) => v * 10);
      for (const p of [1, 50, 90, 95, 99, 100]) {
        expect(values[nearestRankIndex(n, p)], `n=${n} p=${p}`).toBe(nearestRank(values, p));
      }
    }
  });

  it('is exact for integer p: index of p of 100 values is p - 1', () => {
    // Same floating-point trap as nearestRank: 55/100*100 = 55.00000000000001.
    const wrong = oneTo(100).filter((p) => nearestRankIndex(100, p) !== p - 1);
    expect(wrong).toEqual([]);
  });
});

describe('settleRank', () => {
  /** A small seeded generator (mulberry32): the same "random" data on every run. */
  function random(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** A histogram (value → how many) that counts the lookups made of it. */
  function histogram(values: number[] = []) {
    const counts = new Map<number, number>();
    let keys: number[] | null = null; // sorted, until the next change
    const sortedKeys = () => (keys ??= [...counts.keys()].sort((a, b) => a - b));
    const h = {
      lookups: 0,
      change(value: number, n: number) {
        const left = (counts.get(value) ?? 0) + n;
        if (left === 0) counts.delete(value);
        else counts.set(value, left);
        keys = null;
      },
      sorted: () => [...counts].flatMap(([v, n]) => Array<number>(n).fill(v)).sort((a, b) => a - b),
      countAt: (value: number) => counts.get(value) ?? 0,
      nextUp: (value: number) => {
        h.lookups += 1;
        const up = sortedKeys().find((v) => v > value);
        return up === undefined ? undefined : ([up, counts.get(up)!] as const);
      },
      nextDown: (value: number) => {
        h.lookups += 1;
        const down = sortedKeys().filter((v) => v < value).at(-1);
        return down === undefined ? undefined : ([down, counts.get(down)!] as const);
      },
    };
    for (const v of values) h.change(v, 1);
    return h;
  }
  const TOP = { value: Number.POSITIVE_INFINITY, above: 0 };

  it('walked down from the top, lands on nearestRank of the sorted values, with the count above it', () => {
    const next = random(7);
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(next() * (round % 10 === 0 ? 2_000 : 60));
      const spread = 1 + Math.floor(next() * (round % 3 === 0 ? 10 : 100_000));
      const h = histogram(Array.from({ length: n }, () => Math.floor(next() * spread)));
      const sorted = h.sorted();
      for (const p of [0, 1, 50, 90, 95, 99, 100]) {
        const at = settleRank(TOP, n, p, h);
        expect(at.value, `round ${round}, n=${n}, p=${p}`).toBe(nearestRank(sorted, p));
        expect(at.above).toBe(sorted.filter((v) => v > at.value).length);
      }
    }
  });

  it('kept up change by change (values added and taken back), stays nearestRank of what is left', () => {
    const next = random(11);
    for (let round = 0; round < 40; round++) {
      const spread = 1 + Math.floor(next() * (round % 2 ? 20 : 5_000));
      const h = histogram();
      const held: number[] = [];
      let at = TOP;
      for (let step = 0; step < 300; step++) {
        // A group of changes, as one commit brings: mostly additions, some values taken back.
        const changes: Array<[number, number]> = [];
        for (let i = Math.floor(next() * 6); i >= 0; i--) {
          if (held.length > 0 && next() < 0.3) changes.push([held.splice(Math.floor(next() * held.length), 1)[0]!, -1]);
          else {
            const v = Math.floor(next() * spread);
            held.push(v);
            changes.push([v, 1]);
          }
        }
        for (const [v, n] of changes) {
          h.change(v, n);
          if (v > at.value) at = { ...at, above: at.above + n };
        }
        at = settleRank(at, held.length, 95, h);
        if (held.length === 0) continue;
        const sorted = [...held].sort((a, b) => a - b);
        expect(at.value, `round ${round}, step ${step}`).toBe(nearestRank(sorted, 95));
        expect(at.above).toBe(sorted.filter((v) => v > at.value).length);
      }
    }
  });

  it('moves only as far as the change: one value added costs at most one step', () => {
    // 1,000 distinct values; p95 is the 51st largest (950). One more value above it moves it one
    // value up at most, whatever the histogram's size.
    const h = histogram(oneTo(1_000));
    let at = settleRank(TOP, 1_000, 95, h);
    expect(at).toEqual({ value: 950, above: 50 });
    h.change(5_000, 1);
    at = { ...at, above: at.above + 1 };
    h.lookups = 0;
    at = settleRank(at, 1_001, 95, h);
    expect(at).toEqual({ value: 951, above: 50 }); // ceil(0.95 × 1001) = 951st of 1,001
    expect(h.lookups).toBeLessThanOrEqual(1);
  });

  it('leaves the position alone for no values, and stops at the smallest when the histogram holds fewer than counted', () => {
    const h = histogram([5, 9]);
    expect(settleRank(TOP, 0, 95, h)).toEqual(TOP);
    expect(settleRank(TOP, 100, 95, h)).toEqual({ value: 5, above: 1 });
  });
});

describe('percent', () => {
  it('is finished stage runs over total × stages, with two decimals', () => {
    expect(percent(0, 5, 3)).toBe(0);
    expect(percent(15, 5, 3)).toBe(100);
    expect(percent(1, 1, 3)).toBe(33.33); // 33.333…
    expect(percent(2, 1, 3)).toBe(66.67); // 66.666…
    expect(percent(1, 7, 3)).toBe(4.76); // 100/21 = 4.7619…
    expect(percent(9, 4, 3)).toBe(75);
  });

  it('is 0 for an empty batch instead of NaN', () => {
    expect(percent(0, 0, 3)).toBe(0);
  });
});

describe('speedup', () => {
  it('is sequentialMs / elapsedMs with two decimals: the tutorial’s 30 s vs 6 s is 5', () => {
    expect(speedup(30_000, 6_000)).toBe(5);
    expect(speedup(10, 3)).toBe(3.33);
    expect(speedup(2, 3)).toBe(0.67);
  });

  it('is null while there is no elapsed time to divide by', () => {
    expect(speedup(30_000, null)).toBeNull();
    expect(speedup(30_000, 0)).toBeNull();
  });
});

describe('summary', () => {
  it('is null with no values', () => {
    expect(summary(0, 0, null, null)).toBeNull();
  });

  it('averages sum / count with two decimals and passes p95 and max through', () => {
    expect(summary(4, 10, 4, 4)).toEqual({ avg: 2.5, p95: 4, max: 4 });
    expect(summary(3, 10, 6, 6)).toEqual({ avg: 3.33, p95: 6, max: 6 });
    expect(summary(3, 20, 9, 8)).toEqual({ avg: 6.67, p95: 8, max: 9 });
  });
});

describe('round and iso', () => {
  it('round keeps two decimals', () => {
    expect(round(2 / 3)).toBe(0.67);
    expect(round(12)).toBe(12);
  });

  it('iso writes UTC with milliseconds, and null stays null', () => {
    expect(iso(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(iso(1_700_000_000_123)).toBe('2023-11-14T22:13:20.123Z');
    expect(iso(null)).toBeNull();
  });
});

describe('synthesizeClient', () => {
  it('gives the same record for the same id', () => {
    expect(synthesizeClient(42)).toEqual(synthesizeClient(42));
    expect(synthesizeClient('acme-7')).toEqual(synthesizeClient('acme-7'));
  });

  it('treats "1" and 1 as different clients', () => {
    const text = synthesizeClient('1');
    const number = synthesizeClient(1);
    expect(text.clientId).toBe('1');
    expect(number.clientId).toBe(1);
    // Everything but the id itself comes from a hash that includes the id's type.
    const derived = (r: ClientRecord) => ({ name: r.name, email: r.email, country: r.country, amounts: r.orders.map((o) => o.amount) });
    expect(derived(text)).not.toEqual(derived(number));
  });

  it('builds a plausible record: name, email, country, up to 7 orders with cent amounts', () => {
    for (const id of [0, 1, 2, 'x', 'client-99', Number.MAX_SAFE_INTEGER]) {
      const r = synthesizeClient(id);
      expect(r.name).toMatch(/^\S+ \S+$/);
      expect(r.country).toMatch(/^[A-Z]{2}$/);
      expect(r.orders.length).toBeLessThanOrEqual(7);
      r.orders.forEach((o, i) => {
        expect(o.id).toBe(`${String(id)}-${i + 1}`);
        expect(o.amount).toBeGreaterThanOrEqual(0);
        expect(o.amount).toBeLessThan(1000);
        expect(Math.round(o.amount * 100) / 100).toBe(o.amount);
      });
    }
  });
});

describe('analyzeClient', () => {
  const record = (overrides: Partial<ClientRecord> = {}): ClientRecord => ({
    clientId: 'c-1',
    name: 'Ana García',
    email: 'ana.garcia@example.com',
    country: 'ES',
    orders: [{ id: 'c-1-1', amount: 19.99 }, { id: 'c-1-2', amount: 5.01 }, { id: 'c-1-3', amount: 100 }],
    ...overrides,
  });

  it('computes order count, total, mean and max', () => {
    const report = analyzeClient(record());
    expect(report).toEqual({
      clientId: 'c-1',
      name: 'Ana García',
      // 19.99 + 5.01 + 100 = 125; 125 / 3 = 41.666… → 41.67.
      stats: { orderCount: 3, total: 125, mean: 41.67, max: 100 },
      validation: { valid: true, problems: [] },
    });
  });

  it('rounds the total to cents despite floating-point sums', () => {
    // 0.1 + 0.2 = 0.30000000000000004 in floating point.
    const report = analyzeClient(record({ orders: [{ id: 'a', amount: 0.1 }, { id: 'b', amount: 0.2 }] }));
    expect(report.stats).toEqual({ orderCount: 2, total: 0.3, mean: 0.15, max: 0.2 });
  });

  it('has no mean or max without orders', () => {
    expect(analyzeClient(record({ orders: [] })).stats).toEqual({ orderCount: 0, total: 0, mean: null, max: null });
  });

  it('flags an invalid email', () => {
    const report = analyzeClient(record({ email: 'ana.garcia.example.com' }));
    expect(report.validation.valid).toBe(false);
    expect(report.validation.problems).toEqual([expect.stringContaining('ana.garcia.example.com')]);
    expect(report.stats.orderCount).toBe(3);
  });

  it('flags missing required fields', () => {
    const report = analyzeClient(record({ name: '', country: '' }));
    expect(report.validation.valid).toBe(false);
    expect(report.validation.problems).toEqual([
      expect.stringContaining('name'),
      expect.stringContaining('country'),
    ]);
  });

  it('flags the malformed emails the synthesizer deliberately produces, and only those', () => {
    const records = Array.from({ length: 200 }, (_, i) => synthesizeClient(i));
    const malformed = records.filter((r) => !r.email.includes('@'));
    expect(malformed.length).toBeGreaterThan(0);
    for (const r of records) {
      expect(analyzeClient(r).validation.valid, `${r.email}`).toBe(r.email.includes('@'));
    }
  });
});
