/**
 * Where things go: fixed width, height growing by one row per workflow, and the one time scale
 * every bar, wait line and tick uses (exported so tests can compute the pixels they expect).
 */
import type { TimelineModel } from './model.js';
import { formatCount } from './units.js';

export const WIDTH = 960;
const PAD = 16;
/** The client id column. */
export const LABEL_X = PAD;
export const LABEL_CHARS = 24;
export const PLOT_LEFT = 196;
export const PLOT_RIGHT = WIDTH - 28;
/** The axis line; its labels sit above it. */
export const AXIS_Y = 104;
export const ROWS_TOP = AXIS_Y + 6;
export const ROW_H = 22;
export const BAR_H = 14;
/** A run shorter than this is still drawn this wide, so it can be seen and hovered. */
export const MIN_BAR_W = 1;

/** The top of row `i` (0-based). */
export const rowTop = (i: number) => ROWS_TOP + i * ROW_H;
/** The top of the bars in row `i`. */
export const barTop = (i: number) => rowTop(i) + (ROW_H - BAR_H) / 2;

/** Total height: header, axis, rows, and the "showing N of M" note when there is one (see noteOf). */
export function heightOf(model: Pick<TimelineModel, 'rows' | 'totalRows' | 'filter'>): number {
  return rowTop(model.rows.length) + 10 + (noteOf(model) === null ? 0 : 24) + PAD;
}

/** What the chart leaves out: the rows past `rows`, and the workflows a ?status= filter drops. */
export function noteOf(model: Pick<TimelineModel, 'rows' | 'totalRows' | 'filter'>): string | null {
  const shown = model.rows.length;
  const { filter } = model;
  const of = filter ? filter.count : model.totalRows;
  const cut = of > shown ? ' (first by creation; ?rows= up to 1000)' : '';
  if (filter) return `showing ${formatCount(shown)} of ${formatCount(of)} ${filter.status} workflows${cut}`;
  return cut === '' ? null : `showing ${formatCount(shown)} of ${formatCount(of)} workflows${cut}`;
}

export interface TimeScale {
  /** Epoch ms → x in px, clamped to the plot. */
  (t: number): number;
  /** The span drawn, in ms (at least 1). */
  spanMs: number;
}

/** Maps time onto the plot: `origin` → PLOT_LEFT, `end` → PLOT_RIGHT. */
export function timeScale(model: Pick<TimelineModel, 'origin' | 'end'>): TimeScale {
  const spanMs = Math.max(1, model.end - model.origin);
  const width = PLOT_RIGHT - PLOT_LEFT;
  const scale = (t: number) => PLOT_LEFT + Math.min(1, Math.max(0, (t - model.origin) / spanMs)) * width;
  return Object.assign(scale, { spanMs });
}
