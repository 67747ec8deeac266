/**
 * A batch as a Gantt chart in SVG: the tutorial's interleaved output as a picture. Pure: a
 * TimelineModel in, a string out, built by hand (no DOM) with every caller-supplied text escaped.
 *
 *   title, status line, legend
 *   time axis (createdAt → finishedAt, or now) with ticks in ms, s, min or h by span
 *   one row per workflow: client id │ ○── queue wait ──[fetch][process][store]
 *   "showing N of M workflows" when cut
 */
import {
  AXIS_Y, PLOT_LEFT, PLOT_RIGHT, WIDTH, heightOf, noteOf, rowTop, timeScale, type TimeScale,
} from './layout.js';
import type { TimelineModel } from './model.js';
import { drawRow } from './rows.js';
import { DEFS, STYLE, legend } from './style.js';
import { axisUnit, formatCount, formatDuration, tickLabel, tickStep } from './units.js';
import { el, escapeXml } from './xml.js';

export { timeScale, type TimeScale } from './layout.js';
export { runExtent } from './rows.js';
export type { RunOutcome, StageRun, TimelineModel, TimelineRow } from './model.js';

function header(model: TimelineModel): string {
  const name = model.label ?? 'batch';
  const parts = [
    model.status,
    `${formatCount(model.totalRows)} workflow${model.totalRows === 1 ? '' : 's'}`,
    model.elapsedMs === null ? null : `elapsed ${formatDuration(model.elapsedMs)}${model.open ? ' so far' : ''}`,
    model.sequentialMs ? `${formatDuration(model.sequentialMs)} of work` : null,
    model.speedup === null ? null : `speedup ${model.speedup}×`,
  ].filter(Boolean).join('  ·  ');
  return el('text', { class: 'title', x: 16, y: 28 }, `${escapeXml(name)}<tspan class="muted" font-size="12" font-weight="400" dx="10">batch ${escapeXml(model.batchId)}</tspan>`)
    + el('text', { class: 'muted', x: 16, y: 50 }, escapeXml(parts))
    + legend(16, 76);
}

function axis(model: TimelineModel, sx: TimeScale, bottom: number): string {
  const step = tickStep(sx.spanMs);
  const unit = axisUnit(sx.spanMs);
  let out = el('line', { class: 'axis', x1: PLOT_LEFT, y1: AXIS_Y, x2: PLOT_RIGHT, y2: AXIS_Y });
  for (let t = 0; t <= sx.spanMs; t += step) {
    const x = sx(model.origin + t);
    // Skip a tick that would crowd the end label.
    if (t > 0 && PLOT_RIGHT - x < 24) break;
    out += el('line', { class: 'grid', x1: x, y1: AXIS_Y, x2: x, y2: bottom });
    out += el('text', { class: 'tick', x, y: AXIS_Y - 6 }, escapeXml(tickLabel(t, unit)));
  }
  const endLabel = model.open ? 'now' : tickLabel(sx.spanMs, unit);
  out += el('line', { class: model.open ? 'edge now' : 'edge', x1: PLOT_RIGHT, y1: AXIS_Y - 3, x2: PLOT_RIGHT, y2: bottom });
  out += el('text', { class: 'tick', x: PLOT_RIGHT, y: AXIS_Y - 6, 'font-weight': 600 }, escapeXml(endLabel));
  return `<g class="time-axis" data-unit="${unit}" data-step-ms="${step}">${out}</g>`;
}

export function renderTimeline(model: TimelineModel): string {
  const sx = timeScale(model);
  const height = heightOf(model);
  const rowsBottom = rowTop(model.rows.length);
  let body = header(model) + axis(model, sx, rowsBottom);
  body += model.rows.map((row, i) => drawRow(row, i, model, sx)).join('');
  const note = noteOf(model);
  if (note !== null) body += el('text', { class: 'note', x: 16, y: rowsBottom + 24 }, escapeXml(note));
  const label = `Timeline of batch ${model.label ?? model.batchId}: ${model.status}`;
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img"`
    + ` aria-label="${escapeXml(label)}" data-origin="${model.origin}" data-end="${model.end}">`
    + `<title>${escapeXml(label)}</title><style>${STYLE}</style>${DEFS}`
    + el('rect', { x: 0, y: 0, width: WIDTH, height, fill: '#ffffff' })
    + `${body}</svg>\n`;
}
