/**
 * Traces (OpenTelemetry), against a receiver of the test's own (test/otlp-receiver.ts) and the
 * mock CRM: a POST's `traceparent` is honoured; each workflow is one trace (its id) holding a
 * `workflow` span linked to the POST's and a span per stage attempt; the CRM and the webhook
 * receiver get `traceparent`; work resumed after a restart joins the same trace; the log lines
 * of the work carry the span ids; and with no endpoint nothing is traced or sent.
 * Spans are read after the service stops, which exports every span left.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { synthesizeClient } from '../src/engine/stages/client-record.js';
import type { StageHandlers } from '../src/engine/stages/stage.js';
import type { Workflow } from '../src/model/types.js';
import { workflowTraceId } from '../src/telemetry/trace-ids.js';
import { startMockCrm, type MockCrm } from '../scripts/mock-crm.js';
import { runBatch, type startService, type TestService } from './helpers.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';
import { useStores } from './stores.js';

const stores = useStores();
type StartOptions = NonNullable<Parameters<typeof startService>[0]>;

/** The caller's trace and span, as the W3C specification's example writes them. */
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;

const open: Array<{ close: () => Promise<void> }> = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function receiver(): Promise<OtlpReceiver> {
  const r = await startOtlpReceiver();
  open.push(r);
  return r;
}

async function crm(): Promise<{ mock: MockCrm; traceparents: Map<string, string | null> }> {
  const mock = await startMockCrm({ port: 0 });
  open.push(mock);
  const traceparents = new Map<string, string | null>();
  mock.events.on('request', ({ id, traceparent }) => traceparents.set(id, traceparent));
  return { mock, traceparents };
}

/** A service on the backend of the test running now; it is stopped (its spans exported) by `stop`. */
async function service(config: Partial<Config>, options: Omit<StartOptions, 'config'> = {}): Promise<TestService & { stop: () => Promise<void> }> {
  const s = await stores.start({ ...options, config: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' as const, ...config } });
  let stopped: Promise<void> | null = null;
  const stop = () => (stopped ??= s.close());
  open.push({ close: stop });
  return { ...s, stop };
}

async function workflowsOf(s: TestService, batchId: string): Promise<Workflow[]> {
  return (await s.store.listWorkflows(batchId, { limit: 100 }))!.items;
}

/** The spans of one trace, by name. */
function traceOf(spans: ReceivedSpan[], traceId: string): Map<string, ReceivedSpan[]> {
  const byName = new Map<string, ReceivedSpan[]>();
  for (const s of spans.filter((x) => x.traceId === traceId)) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  return byName;
}

/** The one span named `name` in `spans`. */
function only(spans: ReceivedSpan[] | undefined, name: string): ReceivedSpan {
  expect(spans?.length, `${name} spans`).toBe(1);
  return spans![0]!;
}

/** The POST's own span, made by @fastify/otel. */
function postSpan(spans: ReceivedSpan[]): ReceivedSpan {
  return only(spans.filter((s) => s.name === 'POST /v1/batches'), 'POST /v1/batches');
}

stores.describe('tracing', () => {
  it('honours the POST\'s traceparent; each workflow is one trace of a linked workflow span and its stage spans; the CRM gets its traceparent; the log lines carry the span ids', async () => {
    const otlp = await receiver();
    const { mock, traceparents } = await crm();
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const s = await service({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, CRM_URL_TEMPLATE: mock.template, CRM_ALLOW_HOSTS: '127.0.0.1' }, { logger });
    const batchId = await runBatch(s, { clientIds: ['a', 'b', 7], stages: 'http' }, { headers: { traceparent: TRACEPARENT } });
    const workflows = await workflowsOf(s, batchId);
    await s.stop();

    // The request joined the caller's trace, as the child of the caller's span.
    const post = postSpan(otlp.spans);
    expect(post).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: CALLER_SPAN, attributes: { 'http.route': '/v1/batches' } });
    expect(post.resource['service.name']).toBe('clientflow');

    // One trace per workflow, and no workflow span anywhere else.
    const workflowSpans = otlp.spans.filter((x) => x.name === 'workflow');
    expect(new Set(workflowSpans.map((x) => x.traceId))).toEqual(new Set(workflows.map((w) => workflowTraceId(w.id))));
    for (const wf of workflows) {
      const traced = traceOf(otlp.spans, workflowTraceId(wf.id));
      expect([...traced.keys()].sort()).toEqual(['stage fetch', 'stage process', 'stage store', 'workflow']);
      const run = only(traced.get('workflow'), 'workflow');
      expect(run.parentSpanId).toBeUndefined();
      expect(run.links).toEqual([{ traceId: CALLER_TRACE, spanId: post.spanId }]);
      expect(run.attributes).toMatchObject({
        'clientflow.batch.id': batchId, 'clientflow.workflow.id': wf.id, 'clientflow.client.id': wf.clientId, 'clientflow.outcome': 'succeeded',
      });
      for (const stage of ['fetch', 'process', 'store']) {
        const attempt = only(traced.get(`stage ${stage}`), stage);
        expect(attempt.parentSpanId).toBe(run.spanId);
        expect(attempt.attributes).toEqual({
          'clientflow.batch.id': batchId, 'clientflow.workflow.id': wf.id, 'clientflow.client.id': wf.clientId,
          'clientflow.stage': stage, 'clientflow.attempt': 1, 'clientflow.outcome': 'succeeded',
        });
      }
      // The CRM was asked within the fetch attempt's span, in the workflow's trace.
      const fetch = traced.get('stage fetch')![0]!;
      expect(traceparents.get(String(wf.clientId))).toBe(`00-${fetch.traceId}-${fetch.spanId}-01`);
      // The engine's lines of this workflow name its trace and its run's span.
      const started = lines.filter((l) => l.workflowId === wf.id && l.msg === 'fetch started');
      expect(started).toHaveLength(1);
      expect(started[0]).toMatchObject({ traceId: run.traceId, spanId: run.spanId });
      expect(lines.find((l) => l.workflowId === wf.id && String(l.msg).startsWith('workflow succeeded'))).toMatchObject({ traceId: run.traceId });
    }
  });

  it('a workflow resumed after a restart joins its trace: a second workflow span, linked to the same POST, runs the stage again', async () => {
    const otlp = await receiver();
    const dir = mkdtempSync(join(tmpdir(), 'clientflow-tracing-'));
    dirs.push(dir);
    const config = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, DB_PATH: join(dir, 'db.sqlite'), SHUTDOWN_GRACE_MS: 0 };
    // The first process stops while `process` runs: the stage waits for the shutdown's abort.
    const stuck: StageHandlers = {
      fetch: { name: 'fetch', run: async (_input, ctx) => synthesizeClient(ctx.clientId) },
      process: { name: 'process', run: (_input, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true })) },
      store: { name: 'store', run: async () => ({}) },
    };
    const first = await service(config, { engine: { handlers: stuck } });
    const processing = first.waitFor((e) => e.type === 'stage.started' && e.stage === 'process');
    const batchId = await runBatch(first, { clientIds: ['resumed'] }, { headers: { traceparent: TRACEPARENT }, wait: false });
    await processing;
    const [wf] = await workflowsOf(first, batchId);
    await first.stop();

    const second = await service(config);
    for (let i = 0; i < 10; i++) {
      const res = await second.app.inject({ url: `/v1/batches/${batchId}?wait=30` });
      if (['succeeded', 'failed'].includes((res.json() as { status: string }).status)) break;
    }
    expect((await second.store.getWorkflow(wf!.id))?.status).toBe('succeeded');
    await second.stop();

    const post = postSpan(otlp.spans);
    const traced = traceOf(otlp.spans, workflowTraceId(wf!.id));
    const runs = traced.get('workflow')!;
    expect(runs.map((r) => r.attributes['clientflow.outcome']).sort()).toEqual(['interrupted', 'succeeded']);
    for (const run of runs) expect(run.links).toEqual([{ traceId: CALLER_TRACE, spanId: post.spanId }]);
    const [before, after] = [runs.find((r) => r.attributes['clientflow.outcome'] === 'interrupted')!, runs.find((r) => r.attributes['clientflow.outcome'] === 'succeeded')!];
    const attempts = (name: string) => traced.get(`stage ${name}`)!.map((a) => ({
      parent: a.parentSpanId === before.spanId ? 'before' : a.parentSpanId === after.spanId ? 'after' : a.parentSpanId,
      attempt: a.attributes['clientflow.attempt'], outcome: a.attributes['clientflow.outcome'],
    })).sort((x, y) => Number(x.attempt) - Number(y.attempt));
    expect(attempts('fetch')).toEqual([{ parent: 'before', attempt: 1, outcome: 'succeeded' }]);
    expect(attempts('process')).toEqual([{ parent: 'before', attempt: 1, outcome: 'interrupted' }, { parent: 'after', attempt: 2, outcome: 'succeeded' }]);
    expect(attempts('store')).toEqual([{ parent: 'after', attempt: 1, outcome: 'succeeded' }]);
  });

  it('a failed attempt that is retried shows as two attempt spans, the first an error with its code', async () => {
    const otlp = await receiver();
    const { mock } = await crm();
    const s = await service({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, CRM_URL_TEMPLATE: mock.template, CRM_ALLOW_HOSTS: '127.0.0.1' });
    // flaky-1-: the mock CRM answers 503 once, then the record.
    const batchId = await runBatch(s, { clientIds: ['flaky-1-x'], stages: 'http' });
    const [wf] = await workflowsOf(s, batchId);
    await s.stop();
    const traced = traceOf(otlp.spans, workflowTraceId(wf!.id));
    const fetches = traced.get('stage fetch')!.sort((x, y) => Number(x.attributes['clientflow.attempt']) - Number(y.attributes['clientflow.attempt']));
    expect(fetches.map((f) => [f.attributes['clientflow.attempt'], f.attributes['clientflow.outcome'], f.attributes['error.type'], f.status.code ?? 0])).toEqual([
      [1, 'retrying', 'CRM_UNAVAILABLE', 2], [2, 'succeeded', undefined, 0],
    ]);
    // The retry waited out its backoff without the lease: another run, in the same trace.
    expect(traced.get('workflow')!.map((r) => r.attributes['clientflow.outcome']).sort()).toEqual(['retrying', 'succeeded']);
  });
});

describe('tracing', () => {
  it('the webhook of a traced batch goes out in the POST\'s trace, with the attempt\'s traceparent', async () => {
    const otlp = await receiver();
    const received: IncomingHttpHeaders[] = [];
    const hook = createServer((req, res) => {
      received.push(req.headers);
      req.resume().on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => hook.close(() => resolve())) });
    const secret = `whsec_${Buffer.from('clientflow webhook test key 0123').toString('base64')}`;
    const s = await service({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, WEBHOOK_SECRET: secret, WEBHOOK_ALLOW_HOSTS: '127.0.0.1' });
    const delivered = new Promise<void>((resolve) => s.webhooks.onOutcome(() => resolve()));
    const callbackUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    await runBatch(s, { clientIds: ['w'], callbackUrl }, { headers: { traceparent: TRACEPARENT } });
    await delivered;
    await s.stop();

    const post = postSpan(otlp.spans);
    const webhook = only(otlp.spans.filter((x) => x.name === 'webhook'), 'webhook');
    expect(webhook).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: post.spanId, attributes: { 'clientflow.outcome': 'delivered', 'clientflow.attempt': 1 } });
    expect(received.map((h) => h.traceparent)).toEqual([`00-${CALLER_TRACE}-${webhook.spanId}-01`]);
  });

  it('exports protobuf by default (OTEL_EXPORTER_OTLP_PROTOCOL unset) to /v1/traces', async () => {
    const otlp = await receiver();
    const s = await stores.start({ config: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint } });
    open.push(s);
    const batchId = await runBatch(s, { clientIds: ['p'] });
    const [wf] = await workflowsOf(s, batchId);
    await s.close();
    expect(otlp.exports.length).toBeGreaterThan(0);
    for (const e of otlp.exports) expect(e).toMatchObject({ path: '/v1/traces', contentType: 'application/x-protobuf' });
    // Protobuf carries ids as raw bytes: the workflow's trace id is in an export.
    const id = Buffer.from(workflowTraceId(wf!.id), 'hex');
    expect(otlp.exports.some((e) => e.body.includes(id))).toBe(true);
  });

  it('a traceparent that is not one starts a new trace: the request is a root and the workflow links to it', async () => {
    const otlp = await receiver();
    const s = await service({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint });
    for (const bad of ['garbage', `00-${'0'.repeat(32)}-${CALLER_SPAN}-01`, `00-${CALLER_TRACE}-${CALLER_SPAN}-zz`, 'x'.repeat(4000)]) {
      const res = await s.app.inject({ method: 'POST', url: '/v1/batches', headers: { traceparent: bad }, payload: { clientIds: ['g'] } });
      expect(res.statusCode, bad).toBe(202);
    }
    await s.stop();
    const posts = otlp.spans.filter((x) => x.name === 'POST /v1/batches');
    expect(posts).toHaveLength(4);
    for (const post of posts) {
      expect(post.parentSpanId).toBeUndefined();
      expect(post.traceId).not.toBe(CALLER_TRACE);
    }
    const links = otlp.spans.filter((x) => x.name === 'workflow').map((w) => w.links[0]!.spanId).sort();
    expect(links).toEqual(posts.map((p) => p.spanId).sort());
  });

  it('is off without an endpoint: the CRM gets no traceparent, even when the POST carried one', async () => {
    const { mock, traceparents } = await crm();
    const s = await service({ CRM_URL_TEMPLATE: mock.template, CRM_ALLOW_HOSTS: '127.0.0.1' });
    await runBatch(s, { clientIds: ['off'], stages: 'http' }, { headers: { traceparent: TRACEPARENT } });
    expect(traceparents.get('off')).toBeNull();
  });
});
