/** GET /v1/batches/{id}/timeline.svg on real batches: valid SVG whose bars match the workflows' times. */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { StageHandler } from '../src/engine/stages/stage.js';
import { MIN_BAR_W, PLOT_RIGHT } from '../src/http/timeline/layout.js';
import { timeScale } from '../src/http/timeline/render.js';
import type { Batch, Page, Workflow } from '../src/model/types.js';
import { errorPaths, expectProblem } from './contract-helpers.js';
import { runBatch, startService, type TestService } from './helpers.js';
import { find, numAttr, parseSvg, titleOf, type Node } from './timeline-svg.js';

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function timeline(s: TestService, url: string): Promise<{ svg: Node; headers: Record<string, unknown> }> {
  const res = await s.app.inject({ url });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
  return { svg: parseSvg(res.body), headers: res.headers };
}

async function get<T>(s: TestService, url: string): Promise<T> {
  return (await s.app.inject({ url })).json() as T;
}

describe('GET /v1/batches/{id}/timeline.svg', () => {
  it('draws three bars per workflow where the workflows say their stages ran', async () => {
    service = await startService();
    const id = await runBatch(service, { clientIds: [1, 2, 3, 4, 5], label: 'tutorial' });
    const { svg, headers } = await timeline(service, `/v1/batches/${id}/timeline.svg`);
    expect(svg.name).toBe('svg');
    expect(svg.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(svg.attrs.viewBox).toMatch(/^0 0 960 \d+$/);
    expect(headers['cache-control']).toBe('no-cache');

    const bars = find(svg, 'rect', 'bar');
    expect(bars).toHaveLength(5 * 3);
    expect(find(svg, 'g', 'row').map((r) => r.attrs['data-client'])).toEqual(['1', '2', '3', '4', '5']);

    const batch = await get<Batch>(service, `/v1/batches/${id}`);
    const { items } = await get<Page<Workflow>>(service, `/v1/batches/${id}/workflows`);
    const origin = Date.parse(batch.createdAt);
    const sx = timeScale({ origin, end: Date.parse(batch.finishedAt!) });
    for (const [w, s] of [[0, 0], [2, 1], [4, 2]] as const) {
      const stage = items[w]!.stages[s]!;
      const bar = bars.find((b) => b.attrs['data-client'] === String(items[w]!.clientId) && b.attrs['data-stage'] === stage.name)!;
      const start = Date.parse(stage.startedAt!);
      const end = Date.parse(stage.finishedAt!);
      expect(numAttr(bar, 'x')).toBeCloseTo(sx(start), 1);
      expect(numAttr(bar, 'width')).toBeCloseTo(Math.max(1, sx(end) - sx(start)), 1);
      expect(bar.attrs).toMatchObject({ 'data-start-ms': String(start - origin), 'data-end-ms': String(end - origin), 'data-outcome': 'succeeded' });
      expect(titleOf(bar)).toContain(`client ${items[w]!.clientId} · ${stage.name} · attempt 1`);
    }
    const header = find(svg, 'text', 'muted').map((t) => t.text).join('\n');
    expect(header).toContain(`succeeded  ·  5 workflows  ·  elapsed`);
    expect(header).toContain(`speedup ${batch.timings.speedup}×`);
  });

  it('draws every attempt of a retried stage, from the event history', async () => {
    service = await startService();
    const id = await runBatch(service, {
      clientIds: Array.from({ length: 20 }, (_, i) => `t${i}`),
      retry: { maxAttempts: 8, baseMs: 2, maxMs: 6 }, simulation: { failureRate: 0.4, seed: 5 },
    });
    const { items } = await get<Page<Workflow>>(service, `/v1/batches/${id}/workflows?limit=20`);
    const retriedStages = items.flatMap((w) => w.stages.filter((s) => s.attempts > 1).map((s) => ({ w, s })));
    expect(retriedStages.length).toBeGreaterThan(0);
    // Attempts 1 … n-1 failed with another due (retrying); attempt n ended as the stage did.
    const expected = retriedStages.flatMap(({ w, s }) => Array.from({ length: s.attempts }, (_, k) =>
      `${String(w.clientId)}/${s.name}/${k + 1}/${k + 1 < s.attempts ? 'retrying' : s.status}`));
    const isRetried = new Set(retriedStages.map(({ w, s }) => `${String(w.clientId)}/${s.name}`));

    const { svg } = await timeline(service, `/v1/batches/${id}/timeline.svg`);
    const rows = find(svg, 'g', 'row');
    const drawn = rows.flatMap((row) => find(row, 'rect', 'bar')
      .filter((b) => isRetried.has(`${row.attrs['data-client']}/${b.attrs['data-stage']}`))
      .map((b) => `${row.attrs['data-client']}/${b.attrs['data-stage']}/${b.attrs['data-attempts']}/${b.attrs['data-outcome']}`));
    expect(drawn.sort()).toEqual(expected.sort());
    // Each attempt is its own bar: no hatched gap stands for attempts without times.
    expect(rows.flatMap((r) => find(r, 'rect', 'retry-gap'))).toHaveLength(0);
    const badges = retriedStages.reduce((n, { s }) => n + s.attempts - 1, 0);
    expect(rows.flatMap((r) => find(r, 'g', 'retry-marker'))).toHaveLength(badges);
  });

  it('draws failed stages with a failure mark and skipped stages not at all', async () => {
    service = await startService();
    const id = await runBatch(service, { clientIds: ['p1', 'p2'], simulation: { failStage: 'process' } });
    const { svg } = await timeline(service, `/v1/batches/${id}/timeline.svg`);
    const bars = find(svg, 'rect', 'bar');
    expect(bars.map((b) => `${b.attrs['data-stage']} ${b.attrs['data-outcome']}`)).toEqual([
      'fetch succeeded', 'process failed', 'fetch succeeded', 'process failed',
    ]);
    expect(titleOf(bars[1]!)).toContain('SIMULATED_PERMANENT_FAILURE');
    expect(find(svg, 'g', 'row').flatMap((r) => find(r, 'path', 'fail-mark'))).toHaveLength(2);
  });

  it('while running: no-store, a running bar open to "now"; after cancel: canceled bars', async () => {
    service = await startService();
    const started = service.waitFor((e) => e.type === 'stage.started');
    const finished = service.waitFor((e) => e.type === 'batch.finished');
    const post = await service.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: ['slow'], simulation: { fetchMs: 600_000 } } });
    const id = (post.json() as { id: string }).id;
    await started;
    const running = await timeline(service, `/v1/batches/${id}/timeline.svg`);
    expect(running.headers['cache-control']).toBe('no-store');
    const [bar] = find(running.svg, 'rect', 'bar');
    expect(bar!.attrs).toMatchObject({ 'data-stage': 'fetch', 'data-outcome': 'running' });
    // Open to the axis end ("now"); a run that began in the same millisecond is still MIN_BAR_W wide.
    expect(numAttr(bar!, 'data-end-ms')).toBe(numAttr(running.svg, 'data-end') - numAttr(running.svg, 'data-origin'));
    const right = numAttr(bar!, 'x') + numAttr(bar!, 'width');
    expect(right).toBeGreaterThanOrEqual(PLOT_RIGHT - 0.01);
    expect(right).toBeLessThanOrEqual(PLOT_RIGHT + MIN_BAR_W + 0.01);
    expect(find(running.svg, 'text', 'tick').at(-1)!.text).toBe('now');

    await service.app.inject({ method: 'POST', url: `/v1/batches/${id}/cancel`, headers: { 'content-type': 'application/json' } });
    await finished;
    const canceled = await timeline(service, `/v1/batches/${id}/timeline.svg`);
    expect(canceled.headers['cache-control']).toBe('no-cache');
    expect(find(canceled.svg, 'rect', 'bar').map((b) => b.attrs['data-outcome'])).toEqual(['canceled']);
  });

  it('?rows=2 on a 5-workflow batch draws 2 rows and says so', async () => {
    service = await startService();
    const id = await runBatch(service, { clientIds: ['a', 'b', 'c', 'd', 'e'] });
    const { svg } = await timeline(service, `/v1/batches/${id}/timeline.svg?rows=2`);
    expect(find(svg, 'g', 'row').map((r) => r.attrs['data-client'])).toEqual(['a', 'b']);
    expect(find(svg, 'rect', 'bar')).toHaveLength(6);
    expect(find(svg, 'text', 'note').map((t) => t.text)).toEqual(['showing 2 of 5 workflows (first by creation; ?rows= up to 1000)']);
  });

  it('?status=running draws the running workflows a large batch\'s first rows would not show, and says how many', async () => {
    // The slow clients' fetch waits until the batch is canceled: the first two rows are finished work.
    const slowFetch: StageHandler = {
      name: 'fetch',
      run: (_input, ctx) => (String(ctx.clientId).startsWith('slow')
        ? new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }))
        : Promise.resolve({})),
    };
    const quick = (name: 'process' | 'store'): StageHandler => ({ name, run: async () => ({}) });
    const s = await startService({ config: { CONCURRENCY: 4 }, engine: { handlers: { fetch: slowFetch, process: quick('process'), store: quick('store') } } });
    service = s;
    const settled = new Promise<void>((resolve) => {
      let started = 0;
      let finished = 0;
      s.engine.events.on((e) => {
        if (e.type === 'stage.started' && String(e.clientId).startsWith('slow')) started += 1;
        if (e.type === 'workflow.finished') finished += 1;
        if (started === 2 && finished === 2) resolve();
      });
    });
    const finished = service.waitFor((e) => e.type === 'batch.finished');
    const post = await service.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: ['a', 'b', 'slow-1', 'slow-2'] } });
    const id = post.json<{ id: string }>().id;
    await settled;
    const first = await timeline(service, `/v1/batches/${id}/timeline.svg?rows=2`);
    expect(find(first.svg, 'g', 'row').map((r) => r.attrs['data-client'])).toEqual(['a', 'b']);
    const running = await timeline(service, `/v1/batches/${id}/timeline.svg?rows=2&status=running`);
    expect(find(running.svg, 'g', 'row').map((r) => r.attrs['data-client'])).toEqual(['slow-1', 'slow-2']);
    expect(find(running.svg, 'text', 'note').map((t) => t.text)).toEqual(['showing 2 of 2 running workflows']);
    const bad = await service.app.inject({ url: `/v1/batches/${id}/timeline.svg?status=stuck` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ errors: [{ path: '/querystring/status' }] });
    await service.app.inject({ method: 'POST', url: `/v1/batches/${id}/cancel`, headers: { 'content-type': 'application/json' } });
    await finished;
  });

  it('stays valid XML whatever the client ids hold', async () => {
    service = await startService();
    const ids = [`<&"'>`, `]]><!--`, '\u0001bell\u0007', 'ü😀', 7];
    const id = await runBatch(service, { clientIds: ids, label: `<script>alert("x")</script>` });
    const { svg } = await timeline(service, `/v1/batches/${id}/timeline.svg`);
    expect(find(svg, 'g', 'row').map((r) => r.attrs['data-client'])).toEqual([`<&"'>`, `]]><!--`, '\uFFFDbell\uFFFD', 'ü😀', '7']);
    expect(find(svg, 'rect', 'bar')).toHaveLength(15);
    expect(find(svg, 'text', 'title')[0]!.text).toBe(`<script>alert("x")</script>`);
    expect(find(svg, 'script')).toHaveLength(0);
  });

  it('unknown batch → 404 problem; bad rows → 400 naming the parameter', async () => {
    service = await startService();
    const unknown = await service.app.inject({ url: `/v1/batches/${randomUUID()}/timeline.svg` });
    expect(expectProblem(unknown, 404).detail).toMatch(/^no batch with id /);
    expectProblem(await service.app.inject({ url: '/v1/batches/not-a-uuid/timeline.svg' }), 400);
    const id = await runBatch(service, { clientIds: [1] });
    for (const rows of ['0', 'abc', '1001', '-1', '2.5']) {
      const res = await service.app.inject({ url: `/v1/batches/${id}/timeline.svg?rows=${rows}` });
      expectProblem(res, 400);
      expect(errorPaths(res)).toEqual(['/querystring/rows']);
    }
  });
});
