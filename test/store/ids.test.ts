import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../src/store/ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId', () => {
  it('is a UUIDv7 carrying its millisecond in the first 48 bits', () => {
    const at = Date.UTC(2026, 10, 29, 12, 0, 0, 123);
    const id = timeOrderedId(at);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sorts by time as text, and never repeats', () => {
    const ids = [1, 2, 1_000, 2 ** 40, 2 ** 47].map((ms) => timeOrderedId(ms));
    expect([...ids].sort()).toEqual(ids);
    const many = new Set(Array.from({ length: 10_000 }, () => timeOrderedId(5)));
    expect(many.size).toBe(10_000);
  });
});
