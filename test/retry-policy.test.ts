import { describe, expect, it } from 'vitest';
import { backoffMs } from '../src/engine/retry-policy.js';

const policy = { maxAttempts: 5, baseMs: 100, maxMs: 500 };

describe('backoffMs', () => {
  it('- doubles its ceiling per attempt, capped at maxMs (full jitter: 0 … ceiling)', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(policy, a, () => 0.999999))).toEqual([100, 200, 400, 500]);
    expect([1, 2, 3, 4].map((a) => backoffMs(policy, a, () => 0))).toEqual([0, 0, 0, 0]);
  });

  it('- stays inside the bounds for any random draw', () => {
    for (let i = 0; i < 1000; i++) {
      const attempt = 1 + (i % 4);
      const ms = backoffMs(policy, attempt)!;
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(Math.min(500, 100 * 2 ** (attempt - 1)));
    }
  });

  it('- gives up after maxAttempts', () => {
    expect(backoffMs(policy, 5)).toBeNull();
    expect(backoffMs({ ...policy, maxAttempts: 1 }, 1)).toBeNull();
  });
});
