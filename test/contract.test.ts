/**
 * Every endpoint's success and error answers, validated against the OpenAPI document the app
 * generates (the same document `npm run openapi` commits), plus the rules DESIGN.md states that
 * a schema cannot: Location, ordering, pagination, echoing ids as sent, problem+json everywhere.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Batch, Page, Workflow } from '../src/model/types.js';
import {
  ContractChecker, defaultConfigDocument, documentOf, errorPaths, expectProblem, type InjectResponse,
} from './contract-helpers.js';
import { runBatch, startService, type TestService } from './helpers.js';

type BatchBody = Batch & { links: { self: string; workflows: string } };

const open: TestService[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

interface Harness {
  service: TestService;
  contract: ContractChecker;
  /** Sends a request and checks the answer against the document; returns answer and body. */
  call: <T = unknown>(method: 'GET' | 'POST', url: string, payload?: unknown, headers?: Record<string, string>) =>
    Promise<{ res: InjectResponse; body: T }>;
}

async function harness(options: Parameters<typeof startService>[0] = {}): Promise<Harness> {
  const service = await startService(options);
  open.push(service);
  const contract = new ContractChecker(documentOf(service.app));
  const call: Harness['call'] = async <T>(method: 'GET' | 'POST', url: string, payload?: unknown, headers?: Record<string, string>) => {
    const res = await service.app.inject({
      method, url, headers,
      ...(payload === undefined ? {} : { payload: payload as string }),
    });
    return { res, body: contract.check<T>(method, url, res) };
  };
  return { service, contract, call };
}

const UNKNOWN_ID = randomUUID();

describe('the OpenAPI document', () => {
  it('committed openapi/openapi.json deep-equals the document of a default-configuration app', async () => {
    const committed = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(await defaultConfigDocument());
  });

  it('documents every v1 operation with an operationId and problem+json errors', async () => {
    const { service } = await harness();
    const doc = documentOf(service.app);
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })));
    expect(ops.map((o) => o.key).sort()).toEqual([
      'DELETE /v1/keys/{id}', 'GET /healthz', 'GET /metrics', 'GET /readyz', 'GET /v1/batches', 'GET /v1/batches/{id}', 'GET /v1/batches/{id}/events',
      'GET /v1/batches/{id}/results', 'GET /v1/batches/{id}/timeline.svg',
      'GET /v1/batches/{id}/workflows',
      'GET /v1/keys', 'GET /v1/limits/{key}', 'GET /v1/me', 'GET /v1/tenants', 'GET /v1/tenants/{id}', 'GET /v1/webhooks', 'GET /v1/workflows',
      'GET /v1/workflows/{id}', 'POST /v1/batches', 'POST /v1/batches/{id}/cancel', 'POST /v1/batches/{id}/retry',
      'POST /v1/batches/{id}/webhook/redeliver',
      'POST /v1/keys', 'POST /v1/workflows/{id}/cancel', 'POST /v1/workflows/{id}/retry', 'PUT /v1/limits/{key}', 'PUT /v1/tenants/{id}',
      'DELETE /v1/schedules/{id}', 'GET /v1/schedules', 'GET /v1/schedules/{id}', 'PATCH /v1/schedules/{id}', 'POST /v1/schedules',
      'POST /v1/schedules/{id}/pause', 'POST /v1/schedules/{id}/resume',
    ].sort());
    const ids = ops.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ops.length);
    for (const { key, op } of ops) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400 && key !== 'GET /readyz') {
          expect(Object.keys(response.content ?? {}), `${key} ${status}`).toEqual(['application/problem+json']);
        }
      }
    }
  });
});

describe('POST /v1/batches', () => {
  it('202: a Batch as documented, Location is the relative path /v1/batches/{id} = links.self', async () => {
    const { call } = await harness();
    const { res, body } = await call<BatchBody>('POST', '/v1/batches', { clientIds: [1, '1', 'a'], label: 'contract', priority: 7 });
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe(`/v1/batches/${body.id}`);
    expect(body.links).toEqual({ self: `/v1/batches/${body.id}`, workflows: `/v1/batches/${body.id}/workflows` });
    expect(body).toMatchObject({ status: 'queued', label: 'contract', priority: 7, startedAt: null, finishedAt: null });
    expect(body.progress).toEqual({ total: 3, queued: 3, running: 0, succeeded: 0, failed: 0, canceled: 0, percent: 0 });
  });

  it('400: invalid body, as documented', async () => {
    const { call } = await harness();
    const { res } = await call('POST', '/v1/batches', { clientIds: [] });
    expectProblem(res, 400);
    expect(errorPaths(res)).toEqual(['/body/clientIds']);
  });

  it('413: body over the limit, as documented', async () => {
    const { call } = await harness({ config: { MAX_BATCH_SIZE: 10 } });
    const payload = JSON.stringify({ clientIds: ['x'.repeat(128)], label: 'y'.repeat(200_000) });
    const { res } = await call('POST', '/v1/batches', payload, { 'content-type': 'application/json' });
    expectProblem(res, 413);
  });

  it('415: a body that is not application/json, as documented', async () => {
    const { call } = await harness();
    const { res } = await call('POST', '/v1/batches', 'clientIds=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expectProblem(res, 415);
  });

  it.each(['/v1/batches/{b}/cancel', '/v1/batches/{b}/retry', '/v1/workflows/{w}/cancel', '/v1/workflows/{w}/retry'])(
    'POST %s with a body that is not JSON (415) or over 1 MiB (413), as documented',
    async (template) => {
      const { call, service } = await harness();
      const batchId = await runBatch(service, { clientIds: [1] });
      const workflowId = (await service.store.listWorkflows(batchId, { limit: 1 }))!.items[0]!.id;
      const url = template.replace('{b}', batchId).replace('{w}', workflowId);
      expectProblem((await call('POST', url, 'x', { 'content-type': 'text/plain' })).res, 415);
      expectProblem((await call('POST', url, ' '.repeat(1024 * 1024 + 1), { 'content-type': 'application/json' })).res, 413);
    },
  );

  it('503 problem+json with Retry-After once the engine has stopped', async () => {
    const { call, service } = await harness();
    await service.engine.stop();
    const { res } = await call('POST', '/v1/batches', { clientIds: [1] });
    expectProblem(res, 503);
    const retryAfter = String(res.headers['retry-after'] ?? '');
    expect(/^\d+$/.test(retryAfter) || !Number.isNaN(Date.parse(retryAfter)), `Retry-After: ${retryAfter}`).toBe(true);
  });
});

describe('GET /v1/batches', () => {
  it('200: pages newest first by cursor, with no overlap, and the last page has nextCursor null', async () => {
    const { service, call } = await harness();
    const a = await runBatch(service, { clientIds: [1], label: 'a' });
    const b = await runBatch(service, { clientIds: [1], label: 'b', simulation: { failureRate: 1 } });
    const c = await runBatch(service, { clientIds: [1], label: 'c' });

    const first = await call<Page<BatchBody>>('GET', '/v1/batches?limit=2');
    expect(first.res.statusCode).toBe(200);
    expect(first.body.items.map((x) => x.id)).toEqual([c, b]);
    expect(first.body.nextCursor).toEqual(expect.any(String));

    const second = await call<Page<BatchBody>>('GET', `/v1/batches?limit=2&cursor=${encodeURIComponent(first.body.nextCursor!)}`);
    expect(second.body.items.map((x) => x.id)).toEqual([a]);
    expect(second.body.nextCursor).toBeNull();

    const all = await call<Page<BatchBody>>('GET', '/v1/batches');
    expect(all.body.items.map((x) => x.id)).toEqual([c, b, a]);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.items.map((x) => x.links.self)).toEqual([c, b, a].map((id) => `/v1/batches/${id}`));
  });

  it('200: status filters, and pages within the filter', async () => {
    const { service, call } = await harness();
    const a = await runBatch(service, { clientIds: [1] });
    const b = await runBatch(service, { clientIds: [1], simulation: { failureRate: 1 } });
    const c = await runBatch(service, { clientIds: [1] });

    const failed = await call<Page<BatchBody>>('GET', '/v1/batches?status=failed');
    expect(failed.body).toMatchObject({ items: [{ id: b, status: 'failed' }], nextCursor: null });

    const page1 = await call<Page<BatchBody>>('GET', '/v1/batches?status=succeeded&limit=1');
    expect(page1.body.items.map((x) => x.id)).toEqual([c]);
    const page2 = await call<Page<BatchBody>>('GET', `/v1/batches?status=succeeded&limit=1&cursor=${page1.body.nextCursor!}`);
    expect(page2.body.items.map((x) => x.id)).toEqual([a]);
    expect(page2.body.nextCursor).toBeNull();

    const none = await call<Page<BatchBody>>('GET', '/v1/batches?status=canceled');
    expect(none.body).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ['bad status', '/v1/batches?status=nope', '/querystring/status'],
    ['bad limit', '/v1/batches?limit=0', '/querystring/limit'],
    ['non-numeric limit', '/v1/batches?limit=abc', '/querystring/limit'],
    ['garbage cursor', '/v1/batches?cursor=garbage', '/querystring/cursor'],
  ])('400: %s, as documented', async (_name, url, path) => {
    const { call } = await harness();
    const { res } = await call('GET', url);
    expectProblem(res, 400);
    expect(errorPaths(res)).toEqual([path]);
  });
});

describe('GET /v1/batches/{id}', () => {
  it('200: a finished batch with progress, stage statistics and timings', async () => {
    const { service, call } = await harness();
    const id = await runBatch(service, { clientIds: [1, 2, 3], label: 'three' });
    const { body } = await call<BatchBody>('GET', `/v1/batches/${id}`);
    expect(body).toMatchObject({ id, status: 'succeeded', label: 'three', priority: 0 });
    expect(body.progress).toEqual({ total: 3, queued: 0, running: 0, succeeded: 3, failed: 0, canceled: 0, percent: 100 });
    for (const stage of ['fetch', 'process', 'store'] as const) {
      expect(body.stages[stage]).toMatchObject({ succeeded: 3, failed: 0, running: 0 });
      expect(body.stages[stage].p95Ms).toBeLessThanOrEqual(body.stages[stage].maxMs!);
    }
    expect(body.startedAt).not.toBeNull();
    expect(body.finishedAt).not.toBeNull();
    expect(body.timings.elapsedMs).toBe(Date.parse(body.finishedAt!) - Date.parse(body.createdAt));
    expect(body.timings.workflowMs).not.toBeNull();
    expect(body.timings.queueWaitMs).not.toBeNull();
    expect(body.links.self).toBe(`/v1/batches/${id}`);
  });

  it('200: timings and stage statistics follow the precise definitions over the workflows', async () => {
    const { service, call } = await harness();
    // 25 workflows: the nearest-rank p95 is the 24th value, not the max.
    const id = await runBatch(service, { clientIds: Array.from({ length: 25 }, (_, i) => `c${i}`) });
    const { body } = await call<BatchBody>('GET', `/v1/batches/${id}`);
    const workflows = (await call<Page<Workflow>>('GET', `/v1/batches/${id}/workflows`)).body.items;
    expect(workflows).toHaveLength(25);

    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const twoDecimals = (x: number) => Math.round(x * 100) / 100;
    const summaryOf = (xs: number[]) => ({
      avg: twoDecimals(xs.reduce((a, b) => a + b, 0) / xs.length), p95: sorted(xs)[23], max: Math.max(...xs),
    });
    const durations = workflows.map((w) => w.durationMs!);
    const sequentialMs = durations.reduce((a, b) => a + b, 0);
    expect(body.timings.sequentialMs).toBe(sequentialMs);
    expect(body.timings.workflowMs).toEqual(summaryOf(durations));
    expect(body.timings.queueWaitMs).toEqual(summaryOf(workflows.map((w) => w.queueWaitMs!)));
    const elapsedMs = Date.parse(body.finishedAt!) - Date.parse(body.createdAt);
    expect(body.timings.elapsedMs).toBe(elapsedMs);
    expect(body.timings.speedup).toBe(elapsedMs > 0 ? twoDecimals(sequentialMs / elapsedMs) : null);
    for (const [i, stage] of (['fetch', 'process', 'store'] as const).entries()) {
      const ms = workflows.map((w) => w.stages[i]!.durationMs!);
      const { avg, p95, max } = summaryOf(ms);
      expect(body.stages[stage], stage).toEqual({ succeeded: 25, failed: 0, running: 0, avgMs: avg, p95Ms: p95, maxMs: max });
    }
  });

  it('200: a failed batch counts skipped stages as finished (percent 100)', async () => {
    const { service, call } = await harness();
    const id = await runBatch(service, { clientIds: [1, 2], simulation: { failureRate: 1 } });
    const { body } = await call<BatchBody>('GET', `/v1/batches/${id}`);
    expect(body.status).toBe('failed');
    expect(body.progress).toEqual({ total: 2, queued: 0, running: 0, succeeded: 0, failed: 2, canceled: 0, percent: 100 });
    expect(body.stages.fetch).toMatchObject({ succeeded: 0, failed: 2, running: 0, avgMs: null, p95Ms: null });
    expect(body.stages.process).toMatchObject({ succeeded: 0, failed: 0, running: 0 });
  });

  it('404: an unknown uuid, as documented', async () => {
    const { call } = await harness();
    const { res } = await call('GET', `/v1/batches/${UNKNOWN_ID}`);
    expectProblem(res, 404);
  });

  it('400: a malformed id, as documented', async () => {
    const { call } = await harness();
    const { res } = await call('GET', '/v1/batches/not-a-uuid');
    expectProblem(res, 400);
    expect(errorPaths(res)).toEqual(['/params/id']);
  });
});

describe('GET /v1/batches/{id}/workflows', () => {
  it('200: workflows in the order their ids were sent, ids echoed exactly ("1" and 1 are two workflows)', async () => {
    const { service, call } = await harness();
    const ids = ['b', 1, '1', 'a', 0, Number.MAX_SAFE_INTEGER, 'é🙂 x', '0'];
    const batchId = await runBatch(service, { clientIds: ids });
    const { body } = await call<Page<Workflow>>('GET', `/v1/batches/${batchId}/workflows`);
    expect(body.nextCursor).toBeNull();
    // toStrictEqual on the array keeps "1" and 1 apart.
    expect(body.items.map((w) => w.clientId)).toStrictEqual(ids);
    expect(new Set(body.items.map((w) => w.id)).size).toBe(ids.length);
    expect(body.items.every((w) => w.batchId === batchId && w.status === 'succeeded')).toBe(true);
    const one = body.items.find((w) => w.clientId === 1)!;
    const oneText = body.items.find((w) => w.clientId === '1')!;
    expect(one.id).not.toBe(oneText.id);
    expect(one.result).toMatchObject({ clientId: 1 });
    expect(oneText.result).toMatchObject({ clientId: '1' });
  });

  it('200: pages by cursor in sending order', async () => {
    const { service, call } = await harness();
    const ids = [5, 4, 3, 2, 1];
    const batchId = await runBatch(service, { clientIds: ids });
    const seen: Array<string | number> = [];
    let url = `/v1/batches/${batchId}/workflows?limit=2`;
    for (let pages = 0; ; pages += 1) {
      expect(pages).toBeLessThan(3);
      const { body } = await call<Page<Workflow>>('GET', url);
      seen.push(...body.items.map((w) => w.clientId));
      if (body.nextCursor === null) break;
      url = `/v1/batches/${batchId}/workflows?limit=2&cursor=${body.nextCursor}`;
    }
    expect(seen).toStrictEqual(ids);
  });

  it('200: status filters keep the sending order', async () => {
    const { service, call } = await harness();
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'];
    // Seeded: the same clients fail on every run.
    const batchId = await runBatch(service, { clientIds: ids, simulation: { failureRate: 0.5, seed: 7 } });
    const all = (await call<Page<Workflow>>('GET', `/v1/batches/${batchId}/workflows`)).body.items;
    const failedIds = all.filter((w) => w.status === 'failed').map((w) => w.clientId);
    const succeededIds = all.filter((w) => w.status === 'succeeded').map((w) => w.clientId);
    expect(failedIds.length, 'seed 7 gives both outcomes').toBeGreaterThan(0);
    expect(succeededIds.length, 'seed 7 gives both outcomes').toBeGreaterThan(0);
    expect(failedIds.length + succeededIds.length).toBe(ids.length);

    const failed = await call<Page<Workflow>>('GET', `/v1/batches/${batchId}/workflows?status=failed`);
    expect(failed.body.items.map((w) => w.clientId)).toStrictEqual(failedIds);
    const succeeded = await call<Page<Workflow>>('GET', `/v1/batches/${batchId}/workflows?status=succeeded`);
    expect(succeeded.body.items.map((w) => w.clientId)).toStrictEqual(succeededIds);
    const queued = await call<Page<Workflow>>('GET', `/v1/batches/${batchId}/workflows?status=queued`);
    expect(queued.body).toEqual({ items: [], nextCursor: null });
  });

  it('404: an unknown batch, as documented', async () => {
    const { call } = await harness();
    const { res } = await call('GET', `/v1/batches/${UNKNOWN_ID}/workflows`);
    expectProblem(res, 404);
  });

  it('400: a malformed id or query, as documented', async () => {
    const { service, call } = await harness();
    const batchId = await runBatch(service, { clientIds: [1] });
    const bad = await call('GET', '/v1/batches/123/workflows');
    expect(errorPaths(bad.res)).toEqual(['/params/id']);
    const status = await call('GET', `/v1/batches/${batchId}/workflows?status=done`);
    expect(errorPaths(status.res)).toEqual(['/querystring/status']);
    const cursor = await call('GET', `/v1/batches/${batchId}/workflows?cursor=garbage`);
    expect(errorPaths(cursor.res)).toEqual(['/querystring/cursor']);
    for (const { res } of [bad, status, cursor]) expectProblem(res, 400);
  });
});

describe('GET /v1/workflows/{id}', () => {
  async function firstWorkflow(h: Harness, batchId: string): Promise<Workflow> {
    const { body } = await h.call<Page<Workflow>>('GET', `/v1/batches/${batchId}/workflows?limit=1`);
    return body.items[0]!;
  }

  it('200: a succeeded workflow with its stages, 3 attempts and its result', async () => {
    const h = await harness();
    const batchId = await runBatch(h.service, { clientIds: ['client-42'] });
    const listed = await firstWorkflow(h, batchId);
    const { body } = await h.call<Workflow>('GET', `/v1/workflows/${listed.id}`);
    expect(body).toEqual(listed);
    expect(body).toMatchObject({
      id: listed.id, batchId, clientId: 'client-42', status: 'succeeded', stage: 'store', attempts: 3, error: null,
    });
    expect(body.stages.map((s) => [s.name, s.status, s.attempts, s.error])).toEqual([
      ['fetch', 'succeeded', 1, null], ['process', 'succeeded', 1, null], ['store', 'succeeded', 1, null],
    ]);
    expect(body.result).toMatchObject({
      clientId: 'client-42',
      stats: { orderCount: expect.any(Number), total: expect.any(Number) },
      validation: { valid: expect.any(Boolean) },
    });
    expect(body.durationMs).toBe(Date.parse(body.finishedAt!) - Date.parse(body.startedAt!));
    expect(body.queueWaitMs).toBe(Date.parse(body.startedAt!) - Date.parse(body.queuedAt));
  });

  it('200: a failed workflow names the failed stage and skips the rest', async () => {
    const h = await harness();
    // Every attempt fails: the three attempts (the default policy) are used up, then it fails.
    const batchId = await runBatch(h.service, { clientIds: [9], simulation: { failureRate: 1 } });
    const listed = await firstWorkflow(h, batchId);
    const { body } = await h.call<Workflow>('GET', `/v1/workflows/${listed.id}`);
    expect(body.stages[0]!.attempts).toBe(3);
    expect(body).toMatchObject({
      status: 'failed', stage: 'fetch', attempts: 3, result: null, nextAttemptAt: null,
      error: { stage: 'fetch', code: 'SIMULATED_FAILURE' },
    });
    expect(body.stages.map((s) => s.status)).toEqual(['failed', 'skipped', 'skipped']);
    expect(body.stages[0]!.error).toMatchObject({ code: 'SIMULATED_FAILURE' });
  });

  it('404: an unknown uuid, and 400: a malformed id, as documented', async () => {
    const { call } = await harness();
    expectProblem((await call('GET', `/v1/workflows/${UNKNOWN_ID}`)).res, 404);
    const bad = await call('GET', '/v1/workflows/xyz');
    expectProblem(bad.res, 400);
    expect(errorPaths(bad.res)).toEqual(['/params/id']);
  });
});

describe('health', () => {
  it('/healthz 200 and /readyz 200 while running, /readyz 503 after engine.stop()', async () => {
    const { service, call } = await harness();
    expect((await call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await call('GET', '/readyz');
    expect(ready.res.statusCode).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { store: true, engine: true } });

    await service.engine.stop();
    const stopped = await call('GET', '/readyz');
    expect(stopped.res.statusCode).toBe(503);
    expect(stopped.body).toEqual({ status: 'unavailable', checks: { store: true, engine: false } });
    // Liveness is not readiness: the process still answers.
    expect((await call('GET', '/healthz')).res.statusCode).toBe(200);
  });
});

describe('running a wide batch', () => {
  it('raises no process warning when more than 10 workflows wait on the engine at once', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const { service } = await harness({ config: { CONCURRENCY: 50 } });
      await runBatch(service, { clientIds: Array.from({ length: 30 }, (_, i) => i) });
      // process.emitWarning delivers on the next tick; the batch took many ticks more.
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });
});

describe('errors outside the documented routes', () => {
  it('an unknown route is a 404 problem+json', async () => {
    const { service } = await harness();
    const res = await service.app.inject({ url: '/v1/nothing-here' });
    expectProblem(res, 404);
  });
});

describe('docs', () => {
  it('GET /docs/json is the OpenAPI 3.1 document the app generates', async () => {
    const { service } = await harness();
    const res = await service.app.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.json() as { openapi: string };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc).toEqual(JSON.parse(JSON.stringify(service.app.swagger())));
  });

  it('GET /docs is Swagger UI whose assets are all served locally', async () => {
    const { service } = await harness();
    const res = await service.app.inject({ url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('swagger-ui');
    const refs = [...res.body.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.some((r) => r.endsWith('.js'))).toBe(true);
    expect(refs.some((r) => r.endsWith('.css'))).toBe(true);
    for (const ref of refs) {
      const url = new URL(ref, 'http://clientflow.local/docs');
      expect(url.host, `${ref} is served by the service, not a CDN`).toBe('clientflow.local');
      const asset = await service.app.inject({ url: url.pathname });
      expect(asset.statusCode, ref).toBe(200);
      if (ref.endsWith('.js')) expect(asset.headers['content-type']).toMatch(/javascript/);
      if (ref.endsWith('.css')) expect(asset.headers['content-type']).toMatch(/^text\/css/);
      expect(asset.rawPayload.length, ref).toBeGreaterThan(0);
    }
  });
});
