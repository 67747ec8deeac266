/**
 * One row per workflow: its client id, its queue wait as a thin line, and one bar per stage run.
 * Each bar is a `rect.bar` carrying its stage, client, outcome, attempts and its start and end in
 * ms from the axis origin as data attributes, with a `<title>` tooltip.
 */
import { BAR_H, LABEL_CHARS, LABEL_X, MIN_BAR_W, PLOT_RIGHT, WIDTH, barTop, rowTop, ROW_H, type TimeScale } from './layout.js';
import type { StageRun, TimelineModel, TimelineRow } from './model.js';
import { badge, cross } from './style.js';
import { formatDuration } from './units.js';
import { el, escapeXml, truncate } from './xml.js';

const title = (text: string) => `<title>${escapeXml(text)}</title>`;

/** The x extent of a run: its start to its end, or to the axis end while it runs. */
export function runExtent(run: StageRun, model: Pick<TimelineModel, 'end'>, sx: TimeScale): { x: number; width: number } {
  const x = sx(run.startedAt);
  return { x, width: Math.max(MIN_BAR_W, sx(run.finishedAt ?? model.end) - x) };
}

function tooltip(row: TimelineRow, run: StageRun, model: TimelineModel): string {
  const ms = (run.finishedAt ?? model.end) - run.startedAt;
  const attempts = run.attempts > 1 ? `attempt ${run.attempts} (${run.attempts - 1} failed before)` : 'attempt 1';
  const duration = run.finishedAt === null ? `running for ${formatDuration(ms)}` : formatDuration(ms);
  return [`client ${row.label}`, run.stage, attempts, duration, run.outcome, run.error ?? ''].filter(Boolean).join(' · ');
}

/**
 * Earlier attempts of a stage known only by count (no run of their own) happened between the
 * previous run's end and this run's start: that gap is hatched. Per-attempt history, when given,
 * draws them as runs instead.
 */
function retryGap(row: TimelineRow, index: number, run: StageRun, x: number, y: number, sx: TimeScale): string {
  if (run.attempts <= 1 || row.runs.some((r, i) => i !== index && r.stage === run.stage && r.attempts < run.attempts)) return '';
  const before = row.runs.slice(0, index).reduce<number | null>((t, r) => Math.max(t ?? 0, r.finishedAt ?? r.startedAt), null);
  const from = sx(before ?? row.waitUntil ?? row.queuedAt);
  const left = Math.min(from, x - 3);
  const failed = run.attempts - 1;
  return el('rect', { class: 'retry-gap', x: left, y: y + 2, width: x - left, height: BAR_H - 4 },
    title(`client ${row.label} · ${run.stage} · ${failed} earlier attempt${failed > 1 ? 's' : ''} failed`));
}

function drawRun(row: TimelineRow, rowIndex: number, index: number, model: TimelineModel, sx: TimeScale): string {
  const run = row.runs[index]!;
  const y = barTop(rowIndex);
  const { x, width } = runExtent(run, model, sx);
  let out = retryGap(row, index, run, x, y, sx);
  out += el('rect', {
    class: `bar ${run.stage} ${run.outcome}`, x, y, width, height: BAR_H, rx: 2,
    'data-stage': run.stage, 'data-client': row.label, 'data-outcome': run.outcome, 'data-attempts': run.attempts,
    'data-start-ms': Math.round(run.startedAt - model.origin),
    'data-end-ms': Math.round((run.finishedAt ?? model.end) - model.origin),
  }, title(tooltip(row, run, model)));
  const right = x + width;
  // Name and duration inside a bar wide enough to hold them: the chart reads without hovering.
  if (width >= 72 && run.outcome !== 'retrying') {
    const text = `${run.stage} ${formatDuration((run.finishedAt ?? model.end) - run.startedAt)}`;
    if (text.length * 6.5 + 10 <= width - (run.attempts > 1 ? 28 : 0)) {
      const faded = ['canceled', 'interrupted', 'pending'].includes(run.outcome) ? ' faded' : '';
      out += el('text', { class: `bar-text ${run.stage}-text${faded}`, x: x + 5, y: y + BAR_H - 3.5 }, escapeXml(text));
    }
  }
  // A failed attempt is hatched like the legend says; a strip of the stage's colour stays visible.
  if (run.outcome === 'retrying') out += el('rect', { class: 'hatch', x, y, width, height: BAR_H - 4, 'pointer-events': 'none' });
  if (run.outcome === 'running') {
    out += el('path', { class: run.stage, d: `M${right} ${y}L${right + 7} ${y + BAR_H / 2}L${right} ${y + BAR_H}Z` });
  }
  let after = right + (run.outcome === 'running' ? 9 : 3);
  if (run.outcome === 'failed') {
    out += cross(Math.min(right + 7, PLOT_RIGHT + 10), y + BAR_H / 2);
    after = right + 14;
  }
  if (run.attempts > 1) {
    // Inside the bar's right end when it fits, else just after it.
    const w = 8 + 6 * `×${run.attempts}`.length;
    out += badge(width >= w + 6 ? right - w - 2 : Math.min(after, WIDTH - w - 2), y + 1, run.attempts);
  }
  return out;
}

export function drawRow(row: TimelineRow, i: number, model: TimelineModel, sx: TimeScale): string {
  const top = rowTop(i);
  const mid = top + ROW_H / 2;
  let out = i % 2 === 1 ? el('rect', { class: 'band', x: 0, y: top, width: WIDTH, height: ROW_H }) : '';
  const label = truncate(row.label, LABEL_CHARS);
  out += el('text', { class: 'label', x: LABEL_X, y: mid + 4 }, `${title(`client ${row.label}`)}${escapeXml(label)}`);
  const waitEnd = row.waitUntil ?? model.end;
  out += el('circle', { class: 'wait-start', cx: sx(row.queuedAt), cy: mid, r: 2 });
  if (waitEnd > row.queuedAt) {
    out += el('line', { class: 'wait', x1: sx(row.queuedAt), y1: mid, x2: sx(waitEnd), y2: mid },
      title(`client ${row.label} · queue wait ${formatDuration(waitEnd - row.queuedAt)}${row.waitUntil === null ? ' so far' : ''}`));
  }
  for (let r = 0; r < row.runs.length; r += 1) out += drawRun(row, i, r, model, sx);
  return `<g class="row" data-client="${escapeXml(row.label)}">${out}</g>`;
}
