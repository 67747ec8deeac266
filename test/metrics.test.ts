/** GET /metrics: Prometheus text whose series move with the work the service does. */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineEvents, type EngineEvent } from '../src/engine/events.js';
import type { StageHandler, StageHandlers } from '../src/engine/stages/stage.js';
import { createMetrics, processMetrics, UNMATCHED_ROUTE } from '../src/http/metrics.js';
import { STAGES } from '../src/model/statuses.js';
import { deferred, runBatch, startService, type TestService } from './helpers.js';

const open: TestService[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of open.splice(0)) await s.close();
});

async function service(options: Parameters<typeof startService>[0] = {}): Promise<TestService> {
  const s = await startService(options);
  open.push(s);
  return s;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text exposition (comment lines skipped). */
function parse(text: string): Sample[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => {
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(LABEL)) labels[key!] = value!;
    return { name: m[1]!, labels, value: Number(m[3]) };
  });
}

/** Scrapes the app; `value(name, labels)` is the one sample with exactly those labels, or undefined. */
async function scrape(s: TestService) {
  const res = await s.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  const samples = parse(res.body);
  const value = (name: string, labels: Record<string, string> = {}): number | undefined => {
    const found = samples.filter((x) => x.name === name
      && Object.keys(x.labels).length === Object.keys(labels).length
      && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
    if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
    return found[0]?.value;
  };
  return { res, samples, value };
}

describe('GET /metrics', () => {
  it('answers Prometheus text with the registry content type, process metrics included', async () => {
    const s = await service();
    const { res, samples } = await scrape(s);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toContain('# TYPE clientflow_workflows gauge');
    expect(res.body).toContain('# TYPE clientflow_stage_duration_seconds histogram');
    expect(res.body).toContain('# TYPE clientflow_workflows_finished_total counter');
    const names = new Set(samples.map((x) => x.name));
    for (const name of [
      'clientflow_workflows', 'clientflow_queue_depth', 'clientflow_running', 'clientflow_dispatcher_waiting',
      'clientflow_stage_duration_seconds_count', 'clientflow_stage_retries_total', 'clientflow_workflows_finished_total',
      'clientflow_batches_created_total', 'clientflow_batches_finished_total',
      'nodejs_eventloop_lag_seconds', 'process_cpu_user_seconds_total', 'process_resident_memory_bytes',
    ]) expect(names, name).toContain(name);
  });

  it('counts a batch: finished workflows, stage durations per stage, workflows by status, the POST', async () => {
    const s = await service();
    const before = await scrape(s);
    expect(before.value('clientflow_workflows_finished_total', { status: 'succeeded' })).toBe(0);
    expect(before.value('clientflow_batches_created_total')).toBe(0);
    for (const stage of STAGES) {
      expect(before.value('clientflow_stage_duration_seconds_count', { stage, outcome: 'succeeded' })).toBe(0);
    }

    const n = 7;
    await runBatch(s, { clientIds: Array.from({ length: n }, (_, i) => `m${i}`) });
    const after = await scrape(s);
    expect(after.value('clientflow_workflows_finished_total', { status: 'succeeded' })).toBe(n);
    expect(after.value('clientflow_workflows_finished_total', { status: 'failed' })).toBe(0);
    for (const stage of STAGES) {
      const labels = { stage, outcome: 'succeeded' };
      expect(after.value('clientflow_stage_duration_seconds_count', labels), stage).toBe(n);
      expect(after.value('clientflow_stage_duration_seconds_bucket', { ...labels, le: '+Inf' }), stage).toBe(n);
      expect(after.value('clientflow_stage_duration_seconds_count', { stage, outcome: 'failed' }), stage).toBe(0);
    }
    expect(after.value('clientflow_workflows', { tenant: 'default', status: 'succeeded' })).toBe(n);
    expect(after.value('clientflow_workflows', { tenant: 'default', status: 'queued' })).toBe(0);
    expect(after.value('clientflow_queue_depth')).toBe(0);
    expect(after.value('clientflow_batches_created_total')).toBe(1);
    expect(after.value('clientflow_batches_finished_total', { status: 'succeeded' })).toBe(1);
    const post = { method: 'POST', route: '/v1/batches', status_code: '202' };
    expect(after.value('clientflow_http_request_duration_seconds_count', post)).toBe(1);
    expect(after.value('clientflow_http_request_duration_seconds_bucket', { ...post, le: '+Inf' })).toBe(1);
    // The first scrape is itself a sample by the time of the second.
    expect(after.value('clientflow_http_request_duration_seconds_count', { method: 'GET', route: '/metrics', status_code: '200' }))
      .toBe(1);
  });

  it('labels requests with the route template, never the raw URL', async () => {
    const s = await service();
    const id = randomUUID();
    expect((await s.app.inject({ method: 'GET', url: `/v1/batches/${id}` })).statusCode).toBe(404);
    expect((await s.app.inject({ method: 'GET', url: `/no/such/${id}` })).statusCode).toBe(404);
    const { res, value } = await scrape(s);
    expect(value('clientflow_http_request_duration_seconds_count', { method: 'GET', route: '/v1/batches/:id', status_code: '404' }))
      .toBe(1);
    expect(value('clientflow_http_request_duration_seconds_count', { method: 'GET', route: UNMATCHED_ROUTE, status_code: '404' }))
      .toBe(1);
    expect(res.body).not.toContain(id);
  });

  it('counts retries and observes the retried attempts', async () => {
    const s = await service();
    const retrying: Array<Extract<EngineEvent, { type: 'stage.retrying' }>> = [];
    s.engine.events.on((e) => {
      if (e.type === 'stage.retrying') retrying.push(e);
    });
    await runBatch(s, {
      clientIds: Array.from({ length: 20 }, (_, i) => `r${i}`),
      retry: { maxAttempts: 8, baseMs: 1, maxMs: 2 }, simulation: { failureRate: 0.4, seed: 5 },
    });
    expect(retrying.length).toBeGreaterThan(0);
    const { value } = await scrape(s);
    for (const stage of STAGES) {
      const expected = retrying.filter((e) => e.stage === stage).length;
      expect(value('clientflow_stage_retries_total', { stage }), stage).toBe(expected);
      expect(value('clientflow_stage_duration_seconds_count', { stage, outcome: 'retrying' }), stage).toBe(expected);
    }
    expect(value('clientflow_workflows_finished_total', { status: 'succeeded' })).toBe(20);
  });

  it('reads queued and running work from the store and the engine at scrape time', async () => {
    const gate = deferred();
    let started = 0;
    const allStarted = deferred();
    const held: StageHandler = {
      name: 'fetch',
      run: async () => {
        started += 1;
        if (started === 2) allStarted.resolve();
        await gate.promise;
        return {};
      },
    };
    const quick = (name: 'process' | 'store'): StageHandler => ({ name, run: async () => ({}) });
    const handlers: StageHandlers = { fetch: held, process: quick('process'), store: quick('store') };
    const s = await service({ config: { CONCURRENCY: 2 }, engine: { handlers } });
    const startedCommitted = new Promise<void>((resolve) => {
      let n = 0;
      s.engine.events.on((e) => {
        if (e.type === 'stage.started' && ++n === 2) resolve();
      });
    });
    const finished = s.waitFor((e) => e.type === 'batch.finished');
    const post = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1, 2, 3, 4, 5] } });
    expect(post.statusCode).toBe(202);
    await Promise.all([allStarted.promise, startedCommitted]);

    const busy = await scrape(s);
    expect(busy.value('clientflow_running')).toBe(2);
    expect(busy.value('clientflow_dispatcher_waiting')).toBe(3);
    expect(busy.value('clientflow_workflows', { tenant: 'default', status: 'running' })).toBe(2);
    // Claimed but not started is still queued.
    expect(busy.value('clientflow_workflows', { tenant: 'default', status: 'queued' })).toBe(3);
    expect(busy.value('clientflow_queue_depth')).toBe(3);

    gate.resolve();
    await finished;
    // batch.finished fires inside the last workflow's run, so the engine may still count it running.
    const idle = await scrape(s);
    expect(idle.value('clientflow_workflows', { tenant: 'default', status: 'succeeded' })).toBe(5);
    expect(idle.value('clientflow_queue_depth')).toBe(0);
  });
});

describe('GET /metrics: streams, long polls and readiness', () => {
  it('counts the open event streams and long polls of this process, and drops them when they end', async () => {
    const s = await service();
    const base = await s.app.listen({ host: '127.0.0.1', port: 0 });
    // A slow batch: its stream and its long poll stay open until it is canceled.
    const post = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1], simulation: { fetchMs: 60_000, processMs: 1, storeMs: 1 } } });
    const { id } = post.json<{ id: string }>();
    const before = await scrape(s);
    expect(before.value('clientflow_sse_streams')).toBe(0);
    expect(before.value('clientflow_long_polls')).toBe(0);

    const reader = new AbortController();
    const stream = await fetch(`${base}/v1/batches/${id}/events`, { signal: reader.signal });
    expect(stream.status).toBe(200);
    // The headers are sent once the watch is open.
    expect((await scrape(s)).value('clientflow_sse_streams')).toBe(1);
    const longPoll = fetch(`${base}/v1/batches/${id}?wait=30`);
    await vi.waitFor(async () => expect((await scrape(s)).value('clientflow_long_polls')).toBe(1));

    reader.abort();
    await stream.body?.cancel().catch(() => undefined);
    await s.app.inject({ method: 'POST', url: `/v1/batches/${id}/cancel`, headers: { 'content-type': 'application/json' } });
    expect((await longPoll).status).toBe(200);
    await vi.waitFor(async () => {
      const after = await scrape(s);
      expect([after.value('clientflow_sse_streams'), after.value('clientflow_long_polls')]).toEqual([0, 0]);
    });
  });

  it('clientflow_ready is what GET /readyz answers: 1, then 0 once the engine stops taking work', async () => {
    const s = await service();
    expect((await scrape(s)).value('clientflow_ready')).toBe(1);
    expect((await s.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    await s.engine.stop();
    expect((await s.app.inject({ url: '/readyz' })).statusCode).toBe(503);
    expect((await scrape(s)).value('clientflow_ready')).toBe(0);
  });
});

describe('metrics registries', () => {
  it('are one per app: work in one app does not show in another', async () => {
    const a = await service();
    const b = await service();
    await runBatch(a, { clientIds: ['only-in-a'] });
    expect((await scrape(a)).value('clientflow_workflows_finished_total', { status: 'succeeded' })).toBe(1);
    expect((await scrape(b)).value('clientflow_workflows_finished_total', { status: 'succeeded' })).toBe(0);
    expect((await scrape(b)).value('clientflow_batches_created_total')).toBe(0);
  });

  it('share the process metrics, created once per process however many apps there are', async () => {
    const s = await service({ start: false });
    const first = createMetrics({ store: s.store, engine: s.engine });
    const second = createMetrics({ store: s.store, engine: s.engine });
    first.close();
    second.close();
    expect(processMetrics()).toBe(processMetrics());
    for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_gc_duration_seconds']) {
      expect(first.registry.getSingleMetric(name), name).toBeDefined();
      expect(first.registry.getSingleMetric(name), name).toBe(second.registry.getSingleMetric(name));
    }
    expect(first.registry.getSingleMetric('clientflow_workflows')).not.toBe(second.registry.getSingleMetric('clientflow_workflows'));
  });

  it('stop listening to the engine when closed, and the app closes them', async () => {
    const s = await service({ start: false });
    const metrics = createMetrics({ store: s.store, engine: s.engine });
    s.engine.events.emit({ type: 'batch.created', at: Date.now(), batchId: 'b1', total: 1, id: 1 });
    metrics.close();
    s.engine.events.emit({ type: 'batch.created', at: Date.now(), batchId: 'b2', total: 1, id: 2 });
    const text = await metrics.registry.getSingleMetricAsString('clientflow_batches_created_total');
    expect(parse(text)[0]!.value).toBe(1);

    // The app's own subscription: the unsubscribe it was given runs when the app closes.
    const offs: Array<ReturnType<typeof vi.fn>> = [];
    const on = EngineEvents.prototype.on;
    vi.spyOn(EngineEvents.prototype, 'on').mockImplementation(function (this: EngineEvents, listener) {
      const off = vi.fn(on.call(this, listener));
      offs.push(off);
      return off;
    });
    const other = await service({ start: false });
    const subscribed = offs.length;
    expect(subscribed).toBeGreaterThan(0);
    expect(offs.filter((off) => off.mock.calls.length > 0)).toHaveLength(0);
    await other.app.close();
    expect(offs.filter((off) => off.mock.calls.length > 0)).toHaveLength(1);
  });
});
