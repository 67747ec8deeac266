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
