/**
 * GET /v1/batches/{id}/results on both stores: every workflow exactly once, as NDJSON or CSV
 * (read back with csv-parse, a parser written elsewhere), with results, errors and stage timings;
 * tenant-scoped; Accept and ?format=; a batch still running; a client that goes away stops the
 * reads; a server that closes cuts the export so that it cannot pass for a whole one.
 */
import type { Socket } from 'node:net';
import { parse } from 'csv-parse/sync';
import { afterEach, expect, it } from 'vitest';
import { mintKey } from '../src/model/api-keys.js';
import { STAGES } from '../src/model/statuses.js';
import type { StageHandler, StageHandlers } from '../src/engine/stages/stage.js';
import { CSV_COLUMNS } from '../src/http/export-rows.js';
import { EXPORT_PAGE } from '../src/http/routes/export.js';
import type { Store } from '../src/store/store.js';
import { expectProblem } from './contract-helpers.js';
import { deferred, runBatch, type TestService } from './helpers.js';
import { useStores } from './stores.js';

const stores = useStores();
const ZERO = { fetchMs: 0, processMs: 0, storeMs: 0 };

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function start(options: Parameters<typeof stores.start>[0] = {}): Promise<TestService> {
  service = await stores.start(options);
  return service;
}

async function keyFor(store: Store, tenant: string, admin = false): Promise<Record<string, string>> {
  const { id, key, hash } = mintKey();
  await store.createKey({ id, hash, tenant, admin, label: null, createdAt: Date.now(), revokedAt: null });
  return { authorization: `Bearer ${key}` };
}

const ndjson = (body: string) => body.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

/** A batch of ids 0..n-1 written to the store: left queued when the engine is not started. */
async function queuedBatch(s: TestService, n: number, tenant = 'default'): Promise<string> {
  const { batch } = await s.store.createBatch({
    tenant, clientIds: Array.from({ length: n }, (_, i) => i), priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
  }, Date.now());
  return batch.id;
}

/** Stage handlers that succeed at once, except that fetch waits until `release()`. */
function gated(): { handlers: StageHandlers; release: () => void } {
  const gate = deferred();
  const make = (name: (typeof STAGES)[number]): StageHandler => ({
    name,
    async run(_input, ctx) {
      if (name === 'fetch' && ctx.clientId !== 0) await gate.promise;
      return { done: name };
    },
  });
  return { handlers: Object.fromEntries(STAGES.map((s) => [s, make(s)])) as StageHandlers, release: () => gate.resolve() };
}

stores.describe('GET /v1/batches/{id}/results', () => {
  it('exports every workflow once as NDJSON, in the order sent, with its result or error and stage timings', async () => {
    const s = await start();
    const clientIds = [1, '1', 'acme-7', 2, 3, 4];
    const id = await runBatch(s, { clientIds, simulation: { ...ZERO, failStage: 'process', failStageRate: 0.5, seed: 3 } });
    const res = await s.app.inject({ url: `/v1/batches/${id}/results` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="batch-${id}.ndjson"`);
    const rows = ndjson(res.body);
    // Every line one workflow, in the order the ids were sent ("1" and 1 kept apart).
    expect(rows.map((r) => r.clientId)).toEqual(clientIds);
    const listed = (await s.store.listWorkflows(id, { limit: 100 }))!.items;
    expect(rows.map((r) => r.workflowId)).toEqual(listed.map((w) => w.id));
    const failed = rows.filter((r) => r.status === 'failed');
    const succeeded = rows.filter((r) => r.status === 'succeeded');
    expect(failed.length).toBeGreaterThan(0);
    expect(succeeded.length).toBeGreaterThan(0);
    for (const row of failed) {
      expect(row).toMatchObject({ result: null, error: { stage: 'process', code: expect.any(String), message: expect.any(String) } });
      expect(row.stages).toMatchObject({ fetch: { status: 'succeeded', attempts: 1 }, process: { status: 'failed' }, store: { status: 'skipped', attempts: 0 } });
    }
    for (const row of succeeded) {
      const workflow = listed.find((w) => w.id === row.workflowId)!;
      expect(row).toEqual({
        workflowId: workflow.id, clientId: workflow.clientId, status: 'succeeded', finishedAt: workflow.finishedAt, durationMs: workflow.durationMs,
        result: workflow.result, error: null,
        stages: Object.fromEntries(workflow.stages.map((st) => [st.name, { status: st.status, attempts: st.attempts, durationMs: st.durationMs }])),
      });
      expect(row.result).not.toBeNull();
    }
    // ?status= exports only those.
    const onlyFailed = ndjson((await s.app.inject({ url: `/v1/batches/${id}/results?status=failed` })).body);
    expect(onlyFailed.map((r) => r.workflowId)).toEqual(failed.map((r) => r.workflowId));
  });

  it('exports CSV for Accept: text/csv or ?format=csv: a header, RFC 4180 quoting, formulas defused', async () => {
    const s = await start();
    const clientIds = ['a,b', 'say "hi"', 'two\nlines', '=HYPERLINK("http://evil")', 7];
    const id = await runBatch(s, { clientIds, simulation: { ...ZERO, failStage: 'store' } });
    for (const [url, headers] of [[`/v1/batches/${id}/results`, { accept: 'text/csv' }], [`/v1/batches/${id}/results?format=csv`, { accept: 'application/x-ndjson' }]] as const) {
      const res = await s.app.inject({ url, headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.body.endsWith('\r\n')).toBe(true);
      const [header, ...records] = parse(res.body, { relax_column_count: false }) as string[][];
      expect(header).toEqual([...CSV_COLUMNS]);
      expect(records.map((r) => r[1])).toEqual(['a,b', 'say "hi"', 'two\nlines', '\'=HYPERLINK("http://evil")', '7']);
      const at = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
      for (const r of records) {
        expect(r[at('status')]).toBe('failed');
        expect(r[at('errorStage')]).toBe('store');
        expect(r[at('errorCode')]).not.toBe('');
        expect(r[at('fetchStatus')]).toBe('succeeded');
        expect(r[at('fetchAttempts')]).toBe('1');
        expect(r[at('fetchDurationMs')]).toMatch(/^\d+$/);
        expect(r[at('storeStatus')]).toBe('failed');
        expect(r[at('result')]).toBe('');
      }
    }
  });

  it('answers NDJSON to an Accept naming neither type, and refuses an unknown ?format=', async () => {
    const s = await start({ start: false });
    const id = await queuedBatch(s, 2);
    for (const accept of ['application/json', 'text/csv;q=0', 'garbage', '', '*/*', 'text/html, application/xhtml+xml, */*;q=0.8']) {
      const res = await s.app.inject({ url: `/v1/batches/${id}/results`, headers: { accept } });
      expect(res.statusCode, accept).toBe(200);
      expect(res.headers['content-type'], accept).toBe('application/x-ndjson; charset=utf-8');
      expect(ndjson(res.body), accept).toHaveLength(2);
    }
    expect((await s.app.inject({ url: `/v1/batches/${id}/results`, headers: { accept: 'text/*' } })).headers['content-type']).toMatch(/^text\/csv/);
    const bad = await s.app.inject({ url: `/v1/batches/${id}/results?format=xlsx` });
    expectProblem(bad, 400);
    const head = await s.app.inject({ method: 'HEAD', url: `/v1/batches/${id}/results?format=csv` });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(head.body).toBe('');
  });

  it('is tenant-scoped: another tenant\'s batch, or none, is a 404', async () => {
    const s = await start({ config: { AUTH: 'required' }, start: false });
    const acme = await keyFor(s.store, 'acme');
    const globex = await keyFor(s.store, 'globex');
    const admin = await keyFor(s.store, 'ops', true);
    const id = await queuedBatch(s, 3, 'acme');
    expect(ndjson((await s.app.inject({ url: `/v1/batches/${id}/results`, headers: acme })).body)).toHaveLength(3);
    expect(ndjson((await s.app.inject({ url: `/v1/batches/${id}/results`, headers: admin })).body)).toHaveLength(3);
    for (const url of [`/v1/batches/${id}/results`, `/v1/batches/${id}/results?format=csv`, '/v1/batches/00000000-0000-4000-8000-000000000000/results']) {
      const res = await s.app.inject({ url, headers: globex });
      expectProblem(res, 404);
      expect(res.body).not.toContain('clientId');
    }
    expectProblem(await s.app.inject({ url: `/v1/batches/${id}/results` }), 401);
  });

  it('exports a batch of several pages, each workflow once, while it is still running', async () => {
    const { handlers, release } = gated();
    const s = await start({ engine: { handlers }, config: { CONCURRENCY: 4 } });
    const n = EXPORT_PAGE * 2 + 17;
    // Client 0 finishes; the others wait in fetch, running or queued.
    const zeroDone = s.waitFor((e) => e.type === 'workflow.finished');
    const id = await runBatch(s, { clientIds: Array.from({ length: n }, (_, i) => i) }, { wait: false });
    await zeroDone;
    const rows = ndjson((await s.app.inject({ url: `/v1/batches/${id}/results` })).body);
    expect(rows).toHaveLength(n);
    expect(new Set(rows.map((r) => r.workflowId)).size).toBe(n);
    expect(rows.map((r) => r.clientId)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(rows[0]).toMatchObject({ status: 'succeeded' });
    const statuses = new Set(rows.slice(1).map((r) => r.status));
    expect([...statuses].every((st) => st === 'running' || st === 'queued')).toBe(true);
    release();
  });

  it('stops reading the store when the client goes away mid-stream', async () => {
    const s = await start({ start: false });
    const id = await queuedBatch(s, EXPORT_PAGE * 5);
    // Each page read waits for the test: what is read after the client left is then exact.
    const gates: Array<() => void> = [];
    const firstRead = deferred();
    let reads = 0;
    const listWorkflows = s.store.listWorkflows.bind(s.store);
    s.store.listWorkflows = async (...args) => {
      reads += 1;
      const gate = deferred();
      gates.push(gate.resolve);
      firstRead.resolve();
      await gate.promise;
      return listWorkflows(...args);
    };
    const sockets: Socket[] = [];
    s.app.server.on('connection', (socket: Socket) => sockets.push(socket));
    const address = await s.app.listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const response = fetch(`${address}/v1/batches/${id}/results`, { signal: controller.signal });
    await firstRead.promise;
    gates.shift()!();
    const res = await response;
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    const closed = new Promise<void>((resolve) => sockets[0]!.once('close', () => resolve()));
    controller.abort();
    await closed;
    // Whatever read was under way ends; none follows it.
    const before = reads;
    for (const open of gates.splice(0)) open();
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toBe(before);
    // The first page, and at most the one read ahead while the socket took the first.
    expect(reads).toBeLessThanOrEqual(2);
  });

  it('cuts an export the server closes on: the client sees an error, not a short file', async () => {
    const s = await start({ start: false });
    const id = await queuedBatch(s, EXPORT_PAGE * 3);
    const second = deferred();
    let reads = 0;
    const listWorkflows = s.store.listWorkflows.bind(s.store);
    s.store.listWorkflows = async (...args) => {
      if (++reads === 2) await second.promise;
      return listWorkflows(...args);
    };
    const address = await s.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${address}/v1/batches/${id}/results`);
    expect(res.status).toBe(200);
    const text = res.text();
    // The second page is held until the client has seen the cut: released before, it could let
    // the export finish before the close reached it.
    const closing = s.close();
    await expect(text).rejects.toThrow();
    second.resolve();
    await closing;
    service = undefined;
  });
});
