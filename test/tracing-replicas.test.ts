/**
 * Traces across replicas, as the compose stack runs them: real server processes (src/server.ts,
 * configured by the standard OTEL_* variables) on one PostgreSQL, an api-only replica that takes
 * the POST and a worker that runs it. The worker's workflow spans link to the span of the POST the
 * other process served (the context came through the store), and the mock CRM gets each workflow's
 * trace id. Spans are read once both processes have stopped (SIGTERM exports what is left).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { workflowTraceId } from '../src/telemetry/trace-ids.js';
import { startMockCrm } from '../scripts/mock-crm.js';
import { startServer, type ChildServer } from './child-server.js';
import { startOtlpReceiver } from './otlp-receiver.js';
import { useTestDatabase } from './postgres/database.js';

const db = useTestDatabase();
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function stop(server: ChildServer): Promise<number | string> {
  server.child.kill('SIGTERM');
  return server.exited;
}

describe('tracing across replicas', () => {
  it('a worker replica runs what an api replica accepted in traces linked to that POST; the CRM gets each workflow\'s trace id', async () => {
    const otlp = await startOtlpReceiver();
    cleanup.push(() => otlp.close());
    const crm = await startMockCrm({ port: 0 });
    cleanup.push(() => crm.close());
    const traceparents = new Map<string, string | null>();
    crm.events.on('request', ({ id, traceparent }) => traceparents.set(id, traceparent));
    const env = {
      DATABASE_URL: db.url(), DB_SCHEMA: db.schema('replicas'), OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      CRM_URL_TEMPLATE: crm.template, CRM_ALLOW_HOSTS: '127.0.0.1', POLL_MS: '50',
    };
    const api = await startServer({ ...env, RUN_MODE: 'api' });
    cleanup.push(() => stop(api));
    const res = await fetch(`${api.url}/v1/batches`, {
      method: 'POST', headers: { 'content-type': 'application/json', traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
      body: JSON.stringify({ clientIds: ['r1', 'r2'], stages: 'http' }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    // The worker starts after the POST was answered: the batch reaches it through the store only.
    const worker = await startServer({ ...env, RUN_MODE: 'worker' });
    cleanup.push(() => stop(worker));
    let status = 'queued';
    for (let i = 0; i < 10 && !['succeeded', 'failed'].includes(status); i++) {
      ({ status } = (await (await fetch(`${api.url}/v1/batches/${id}?wait=30`)).json()) as { status: string });
    }
    expect(status).toBe('succeeded');
    const { items } = (await (await fetch(`${api.url}/v1/batches/${id}/workflows`)).json()) as { items: Array<{ id: string; clientId: string }> };
    expect(await stop(worker)).toBe(0);
    expect(await stop(api)).toBe(0);

    const post = otlp.spans.find((s) => s.name === 'POST /v1/batches')!;
    expect(post).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: CALLER_SPAN });
    for (const wf of items) {
      const trace = otlp.spans.filter((s) => s.traceId === workflowTraceId(wf.id));
      expect(trace.map((s) => s.name).sort()).toEqual(['stage fetch', 'stage process', 'stage store', 'workflow']);
      const run = trace.find((s) => s.name === 'workflow')!;
      expect(run.links).toEqual([{ traceId: CALLER_TRACE, spanId: post.spanId }]);
      // Another process made it: its own service.instance.id.
      expect(run.resource['service.instance.id']).not.toBe(post.resource['service.instance.id']);
      const fetch = trace.find((s) => s.name === 'stage fetch')!;
      expect(traceparents.get(wf.clientId)).toBe(`00-${workflowTraceId(wf.id)}-${fetch.spanId}-01`);
    }
  });
});
