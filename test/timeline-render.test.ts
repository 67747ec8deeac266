/** The timeline renderer on a hand-made model: exact coordinates, every outcome's marks, escaping. */
import { describe, expect, it } from 'vitest';
import { heightOf, PLOT_LEFT, PLOT_RIGHT } from '../src/http/timeline/layout.js';
import { renderTimeline, timeScale, type TimelineModel } from '../src/http/timeline/render.js';
import { axisUnit, formatDuration, tickLabel, tickStep } from '../src/http/timeline/units.js';
import { escapeXml, truncate } from '../src/http/timeline/xml.js';
import { descendants, find, numAttr, parseSvg, titleOf } from './timeline-svg.js';

const T0 = 1_800_000_000_000;
const NASTY = `<b>&"'</b>`;

/** A 10 s axis over four rows, one of each kind of mark, cut from ten workflows. */
const model: TimelineModel = {
  batchId: '11111111-2222-4333-8444-555555555555', label: 'hand & made', status: 'running',
  elapsedMs: 10_000, sequentialMs: 12_000, speedup: 1.2,
  origin: T0, end: T0 + 10_000, open: true, totalRows: 10,
  rows: [
    {
      label: 'alpha', queuedAt: T0, waitUntil: T0 + 1_000, runs: [
        { stage: 'fetch', startedAt: T0 + 1_000, finishedAt: T0 + 3_000, attempts: 1, outcome: 'succeeded' },
        // Two earlier attempts known only by count: they happened in 3 s → 4 s.
        { stage: 'process', startedAt: T0 + 4_000, finishedAt: T0 + 6_000, attempts: 3, outcome: 'succeeded' },
        { stage: 'store', startedAt: T0 + 6_500, finishedAt: T0 + 7_000, attempts: 1, outcome: 'failed', error: 'BOOM: it <broke>' },
      ],
    },
    {
      label: NASTY, queuedAt: T0 + 500, waitUntil: T0 + 2_000, runs: [
        // Per-attempt history: the failed attempt is a run of its own.
        { stage: 'fetch', startedAt: T0 + 2_000, finishedAt: T0 + 2_500, attempts: 1, outcome: 'retrying' },
        { stage: 'fetch', startedAt: T0 + 3_000, finishedAt: T0 + 4_000, attempts: 2, outcome: 'succeeded' },
        { stage: 'process', startedAt: T0 + 4_000, finishedAt: null, attempts: 1, outcome: 'running' },
      ],
    },
    { label: 'gamma', queuedAt: T0, waitUntil: T0 + 5_000, runs: [{ stage: 'fetch', startedAt: T0 + 5_000, finishedAt: T0 + 6_000, attempts: 1, outcome: 'canceled' }] },
    { label: 'delta', queuedAt: T0, waitUntil: T0 + 6_000, runs: [{ stage: 'fetch', startedAt: T0 + 6_000, finishedAt: T0 + 7_000, attempts: 1, outcome: 'interrupted' }] },
  ],
};

describe('renderTimeline', () => {
  const svg = parseSvg(renderTimeline(model));
  const bars = find(svg, 'rect', 'bar');
  const rows = find(svg, 'g', 'row');

  it('is an svg of fixed width whose height grows with the rows, with a matching viewBox', () => {
    expect(svg.name).toBe('svg');
    expect(svg.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    const height = heightOf(model);
    expect(svg.attrs).toMatchObject({ width: '960', height: String(height), viewBox: `0 0 960 ${height}` });
    expect(heightOf({ ...model, rows: [...model.rows, ...model.rows] })).toBeGreaterThan(height);
  });

  it('maps createdAt → end onto the plot: 10 s over 736 px is 73.6 px/s', () => {
    const sx = timeScale(model);
    expect([sx(T0), sx(T0 + 10_000), sx(T0 + 1_000), sx(T0 - 5), sx(T0 + 99_999)]).toEqual([196, 932, 269.6, 196, 932]);
    expect([PLOT_LEFT, PLOT_RIGHT]).toEqual([196, 932]);
  });

  it('draws one bar per run at exact coordinates, with data attributes and a tooltip', () => {
    expect(bars).toHaveLength(8);
    const [fetch, process, store] = bars;
    expect(fetch!.attrs).toMatchObject({
      x: '269.6', width: '147.2', y: '114', height: '14', 'data-stage': 'fetch', 'data-client': 'alpha',
      'data-start-ms': '1000', 'data-end-ms': '3000', 'data-outcome': 'succeeded', 'data-attempts': '1',
    });
    expect(titleOf(fetch!)).toBe('client alpha · fetch · attempt 1 · 2 s · succeeded');
    expect(process!.attrs).toMatchObject({ x: '490.4', width: '147.2', 'data-start-ms': '4000', 'data-end-ms': '6000' });
    expect(store!.attrs).toMatchObject({ x: '674.4', width: '36.8', class: 'bar store failed' });
    expect(titleOf(store!)).toBe('client alpha · store · attempt 1 · 500 ms · failed · BOOM: it <broke>');
    // Wide bars name their stage and duration; the 36.8 px store bar is too narrow.
    expect(find(rows[0]!, 'text', 'bar-text').map((t) => t.text)).toEqual(['fetch 2 s', 'process 2 s']);
    // The second row's bars sit one row (22 px) lower.
    expect(bars[3]!.attrs.y).toBe('136');
  });

  it('marks retries: a hatched gap for attempts known by count, a ×N badge, no gap when the attempts are runs', () => {
    const [alpha, nasty] = rows;
    const gaps = find(alpha!, 'rect', 'retry-gap');
    expect(gaps).toHaveLength(1);
    // From fetch's end (3 s) to process's start (4 s).
    expect(gaps[0]!.attrs).toMatchObject({ x: '416.8', width: '73.6' });
    expect(titleOf(gaps[0]!)).toContain('2 earlier attempts failed');
    expect(find(alpha!, 'g', 'retry-marker').map((m) => find(m, 'text')[0]!.text)).toEqual(['×3']);

    expect(find(nasty!, 'rect', 'retry-gap')).toHaveLength(0);
    expect(find(nasty!, 'rect', 'hatch')).toHaveLength(1);
    expect(find(nasty!, 'rect', 'bar', 'retrying')).toHaveLength(1);
    expect(find(nasty!, 'g', 'retry-marker').map((m) => m.attrs['data-attempts'])).toEqual(['2']);
  });

  it('draws failed, canceled, interrupted and running runs each in their own style', () => {
    expect(find(rows[0]!, 'path', 'fail-mark')).toHaveLength(1);
    const running = find(rows[1]!, 'rect', 'bar', 'running')[0]!;
    // Open end: drawn to "now" (the axis end) with an arrow head after it.
    expect(running.attrs).toMatchObject({ 'data-end-ms': '10000', x: '490.4', width: '441.6' });
    expect(titleOf(running)).toContain('running for 6 s');
    expect(find(rows[1]!, 'path', 'process')).toHaveLength(1);
    expect(find(rows[2]!, 'rect', 'bar', 'canceled')).toHaveLength(1);
    expect(find(rows[3]!, 'rect', 'bar', 'interrupted')).toHaveLength(1);
  });

  it('draws queue waits as lines from queuedAt to the first start', () => {
    const wait = find(rows[1]!, 'line', 'wait')[0]!;
    expect([numAttr(wait, 'x1'), numAttr(wait, 'x2')]).toEqual([232.8, 343.2]);
  });

  it('labels the axis in the unit the span calls for, ending at "now" while open', () => {
    const ticks = find(svg, 'text', 'tick').map((t) => t.text);
    expect(ticks).toEqual(['0 s', '2 s', '4 s', '6 s', '8 s', 'now']);
    const closed = parseSvg(renderTimeline({ ...model, open: false, status: 'failed' }));
    expect(find(closed, 'text', 'tick').at(-1)!.text).toBe('10 s');
  });

  it('escapes client ids and labels, and says when it shows only some workflows', () => {
    expect(rows[1]!.attrs['data-client']).toBe(NASTY);
    expect(find(rows[1]!, 'text', 'label')[0]!.text).toBe(NASTY);
    const texts = descendants(svg).filter((n) => n.name === 'text').map((n) => n.text);
    expect(texts).toContain('hand & made');
    expect(texts).toContain('showing 4 of 10 workflows (first by creation; ?rows= up to 1000)');
    expect(texts.some((t) => t.startsWith('running  ·  10 workflows  ·  elapsed 10 s so far'))).toBe(true);
    const all = parseSvg(renderTimeline({ ...model, totalRows: 4 }));
    expect(find(all, 'text', 'note')).toHaveLength(0);
  });

  it('keeps ids with characters XML forbids valid, and shortens long ones with the full id in a tooltip', () => {
    const long = `${'x'.repeat(30)}\u0001\uD800`;
    const svgText = renderTimeline({ ...model, rows: [{ ...model.rows[0]!, label: long }] });
    const label = find(parseSvg(svgText), 'text', 'label')[0]!;
    expect(label.text).toBe(`${'x'.repeat(23)}…`);
    expect(titleOf(label)).toBe(`client ${'x'.repeat(30)}\uFFFD\uFFFD`);
  });
});

describe('timeline units and escaping', () => {
  it('picks ms, s, min or h by span, and round tick steps', () => {
    expect([axisUnit(1_999), axisUnit(2_000), axisUnit(119_999), axisUnit(120_000), axisUnit(7_200_000)]).toEqual(['ms', 's', 's', 'min', 'h']);
    expect([tickStep(15), tickStep(6_100), tickStep(600_000), tickStep(3 * 86_400_000)]).toEqual([2, 1_000, 120_000, 43_200_000]);
    expect([tickLabel(250, 'ms'), tickLabel(1_500, 's'), tickLabel(90_000, 'min'), tickLabel(5_400_000, 'h')]).toEqual(['250 ms', '1.5 s', '1.5 min', '1.5 h']);
  });

  it('formats durations for people', () => {
    expect([850, 6_082, 125_000, 119_700, 4_800_000].map(formatDuration)).toEqual(['850 ms', '6.08 s', '2 min 5 s', '2 min', '1 h 20 min']);
  });

  it('escapes the five XML specials and replaces characters XML cannot hold', () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0000\u001F\uFFFE😀`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;\uFFFD\uFFFD\uFFFD😀');
    expect(truncate('😀😀😀', 2)).toBe('😀…');
  });
});
