/**
 * The look: stage colours from the Okabe–Ito palette (told apart with every common colour-vision
 * deficiency), and outcomes drawn by shape as well as colour — red outline and a cross for a
 * failure, dashes for canceled, dots for interrupted, hatching for failed attempts, an arrow for
 * a stage still running. One stylesheet keeps each bar a short element, even with 1000 rows.
 */
import type { StageName } from '../../model/statuses.js';
import { el, escapeXml } from './xml.js';

export const STAGE_COLOURS: Record<StageName, string> = { fetch: '#0072B2', process: '#E69F00', store: '#009E73' };
export const FAIL = '#C1121F';

export const STYLE = `
text { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; font-size: 12px; fill: #1f2328; }
.title { font-size: 16px; font-weight: 600; }
.muted, .tick { fill: #59636e; }
.tick { font-size: 11px; text-anchor: middle; }
.label { font-size: 12px; }
.band { fill: #f6f8fa; }
.grid { stroke: #e3e6ea; stroke-width: 1; }
.axis { stroke: #8c959f; stroke-width: 1; }
.edge { stroke: #59636e; stroke-width: 1; }
.edge.now { stroke: ${FAIL}; stroke-dasharray: 4 3; }
.wait { stroke: #8c959f; stroke-width: 2; stroke-linecap: round; }
.wait-start { fill: #8c959f; }
${Object.entries(STAGE_COLOURS).map(([s, c]) => `.${s} { fill: ${c}; }`).join('\n')}
.bar-text { font-size: 10.5px; pointer-events: none; }
.fetch-text, .store-text { fill: #ffffff; }
.process-text, .bar-text.faded { fill: #1f2328; }
.bar.failed { stroke: ${FAIL}; stroke-width: 2; }
.bar.retrying { stroke: ${FAIL}; stroke-width: 1; }
.bar.canceled { fill-opacity: 0.35; stroke: #424a53; stroke-width: 1; stroke-dasharray: 3 2; }
.bar.interrupted { fill-opacity: 0.35; stroke: #424a53; stroke-width: 1.5; stroke-dasharray: 1 2; }
.bar.pending { fill-opacity: 0.15; stroke: #8c959f; stroke-dasharray: 2 2; }
.hatch { fill: url(#hatch); }
.retry-gap { fill: url(#hatch); stroke: ${FAIL}; stroke-width: 0.75; }
.badge { fill: ${FAIL}; }
.badge-text { fill: #ffffff; font-size: 10px; font-weight: 600; text-anchor: middle; }
.fail-mark { stroke: ${FAIL}; stroke-width: 2; stroke-linecap: round; }
.note { fill: #59636e; font-style: italic; }
`;

/** Red diagonal hatching: a failed attempt. */
export const DEFS = '<defs><pattern id="hatch" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(45)">'
  + `<rect width="5" height="5" fill="#fbe3e4"/><line x1="0" y1="0" x2="0" y2="5" stroke="${FAIL}" stroke-width="2"/></pattern></defs>`;

/** A ✕ of two strokes centred on (x, y). */
export function cross(x: number, y: number, r = 3.5): string {
  return el('path', { class: 'fail-mark', d: `M${x - r} ${y - r}L${x + r} ${y + r}M${x + r} ${y - r}L${x - r} ${y + r}` });
}

/** A small red "×N" badge: N attempts, the earlier ones failed. */
export function badge(x: number, y: number, attempts: number): string {
  const text = `×${attempts}`;
  const w = 8 + 6 * text.length;
  return `<g class="retry-marker" data-attempts="${attempts}">${el('rect', { class: 'badge', x, y, width: w, height: 12, rx: 3 })}`
    + `${el('text', { class: 'badge-text', x: x + w / 2, y: y + 9.5 }, escapeXml(text))}</g>`;
}

/** The legend: one entry per thing the chart draws, laid out left to right from (x, y). */
export function legend(x: number, y: number): string {
  const swatch = (cls: string) => el('rect', { class: cls, x: 0, y: -9, width: 18, height: 10 });
  const entries: Array<[string, string]> = [
    ...(Object.keys(STAGE_COLOURS) as StageName[]).map((s): [string, string] => [swatch(`legend-swatch ${s}`), s]),
    [`${el('circle', { class: 'wait-start', cx: 1, cy: -4, r: 2 })}${el('line', { class: 'wait', x1: 1, y1: -4, x2: 18, y2: -4 })}`, 'queue wait'],
    [el('rect', { class: 'retry-gap', x: 0, y: -9, width: 18, height: 10 }), 'failed attempt'],
    [`${el('rect', { class: 'legend-swatch process', x: 1, y: -8, width: 10, height: 8, stroke: FAIL, 'stroke-width': 2 })}${cross(18, -4, 3)}`, 'failed'],
    [el('rect', { class: 'legend-swatch process', x: 0, y: -9, width: 18, height: 10, 'fill-opacity': 0.35, stroke: '#424a53', 'stroke-dasharray': '3 2' }), 'canceled'],
    [el('rect', { class: 'legend-swatch process', x: 0, y: -9, width: 18, height: 10, 'fill-opacity': 0.35, stroke: '#424a53', 'stroke-width': 1.5, 'stroke-dasharray': '1 2' }), 'interrupted'],
    [`${el('rect', { class: 'legend-swatch process', x: 0, y: -9, width: 12, height: 10 })}${el('path', { class: 'process', d: 'M12 -9L18 -4L12 1Z' })}`, 'running'],
  ];
  let out = '';
  let at = x;
  for (const [mark, text] of entries) {
    out += `<g transform="translate(${at} ${y})">${mark}${el('text', { class: 'muted', x: 26, y: 0 }, escapeXml(text))}</g>`;
    at += 26 + 7 * text.length + 16;
  }
  return `<g class="legend">${out}</g>`;
}
