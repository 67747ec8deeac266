/**
 * Readable time: axis ticks whose unit (ms, s, min, h) follows the span shown, and durations for
 * titles and tooltips.
 */

/** Tick steps the axis may use, in ms: 1-2-5 within each unit, then clock-friendly multiples. */
const STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000,
  60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** The smallest step that gives at most `maxTicks` intervals over `spanMs`. */
export function tickStep(spanMs: number, maxTicks = 8): number {
  return STEPS.find((s) => spanMs / s <= maxTicks) ?? Math.ceil(spanMs / maxTicks / 86_400_000) * 86_400_000;
}

const trim = (n: number, digits: number) => String(Number(n.toFixed(digits)));

/** The unit the axis labels use for a span: ms below 2 s, s below 2 min, min below 2 h, else h. */
export function axisUnit(spanMs: number): 'ms' | 's' | 'min' | 'h' {
  if (spanMs < 2_000) return 'ms';
  if (spanMs < 2 * MINUTE) return 's';
  if (spanMs < 2 * HOUR) return 'min';
  return 'h';
}

/** A tick label for `ms` after the origin, in the axis' unit: "250 ms", "1.5 s", "2 min", "1 h". */
export function tickLabel(ms: number, unit: ReturnType<typeof axisUnit>): string {
  switch (unit) {
    case 'ms': return `${trim(ms, 0)} ms`;
    case 's': return `${trim(ms / 1_000, 2)} s`;
    case 'min': return `${trim(ms / MINUTE, 2)} min`;
    case 'h': return `${trim(ms / HOUR, 2)} h`;
  }
}

/** A duration for people: "850 ms", "6.08 s", "2 min 5 s", "1 h 20 min". */
export function formatDuration(ms: number): string {
  const abs = Math.max(0, Math.round(ms));
  if (abs < 1_000) return `${abs} ms`;
  if (abs < MINUTE) return `${trim(abs / 1_000, 2)} s`;
  // Round once at the coarser unit so 119.7 s reads "2 min", never "1 min 60 s".
  if (abs < HOUR - 500) {
    const seconds = Math.round(abs / 1_000);
    const m = Math.floor(seconds / 60);
    const s = seconds % 60;
    return s === 0 ? `${m} min` : `${m} min ${s} s`;
  }
  const minutes = Math.round(abs / MINUTE);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** 10000 → "10,000": independent of the process locale. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
