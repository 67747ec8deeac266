/** Pure arithmetic behind the batch view: kept apart so it is tested on its own. */
import type { Summary } from './types.js';

/** Nearest-rank percentile of values already sorted ascending; null when there are none. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  // p × n before ÷ 100: exact for whole p, where (p / 100) × n can land just above an integer.
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[rank - 1] ?? null;
}

/** Index (0-based) of the nearest-rank p-th percentile in a sorted list of n values. */
export function nearestRankIndex(n: number, p: number): number {
  return Math.max(1, Math.ceil((p * n) / 100)) - 1;
}

/** A position in a histogram (value → how many): a value, and how many values lie above it. */
export interface RankPosition {
  value: number;
  above: number;
}

/** What a histogram answers: how many it holds at a value, and its next distinct value each way. */
export interface HistogramSteps {
  countAt(value: number): number;
  /** The next larger value that has any, with how many; undefined past the largest. */
  nextUp(value: number): readonly [number, number] | undefined;
  /** The next smaller value that has any, with how many; undefined past the smallest. */
  nextDown(value: number): readonly [number, number] | undefined;
}

/**
 * Moves `from` to the nearest-rank p-th percentile of the `count` values a histogram holds, one
 * distinct value at a time. `from.above` must count the values above `from.value` as the
 * histogram is now (whoever changed it added what changed above), so a change of a few values
 * moves it a few steps and a percentile kept this way costs one lookup to read. From
 * `{ value: Infinity, above: 0 }` it walks down from the largest value, reading only the values
 * above the percentile. A histogram holding fewer than `count` values leaves it at its smallest.
 */
export function settleRank(from: RankPosition, count: number, p: number, h: HistogramSteps): RankPosition {
  if (count <= 0) return from;
  // The percentile is the k-th largest value: fewer than k lie above it, k or more at or above.
  const k = count - nearestRankIndex(count, p);
  let { value, above } = from;
  let at = h.countAt(value);
  while (above >= k) {
    const up = h.nextUp(value);
    if (!up) break;
    [value, at] = up;
    above -= at;
  }
  while (above + at < k) {
    const down = h.nextDown(value);
    if (!down) break;
    above += at;
    [value, at] = down;
  }
  return { value, above };
}

export function summary(count: number, sum: number, max: number | null, p95: number | null): Summary | null {
  if (count === 0 || max === null || p95 === null) return null;
  return { avg: round(sum / count), p95, max };
}

/** Finished stage runs over all stage runs, as a percentage with two decimals. */
export function percent(finishedStageRuns: number, total: number, stagesPerWorkflow: number): number {
  if (total === 0) return 0;
  return round((finishedStageRuns / (total * stagesPerWorkflow)) * 100);
}

/** What running one workflow after another would have cost, divided by what it did cost. */
export function speedup(sequentialMs: number, elapsedMs: number | null): number | null {
  if (elapsedMs === null || elapsedMs <= 0 || sequentialMs <= 0) return null;
  return round(sequentialMs / elapsedMs);
}

export function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
