/**
 * The http stage set against the mock CRM (scripts/mock-crm.ts) in this process: what each CRM
 * answer does to a workflow, Retry-After, cancel closing the socket, the connection cap and the
 * SSRF rules. Waits are on engine events and the mock's own events, never on time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { loadConfig } from '../src/config.js';
import { analyzeClient, synthesizeClient } from '../src/engine/stages/client-record.js';
import { parseCrmUrlTemplate } from '../src/net/crm-url.js';
import { crmRecord } from '../src/engine/stages/crm-record.js';
import { StageError } from '../src/engine/stages/stage.js';
import { retryAfterMs } from '../src/engine/stages/retry-after.js';
import { retryDelayMs } from '../src/engine/retry-policy.js';
import type { EngineEvent } from '../src/model/events.js';
import type { Batch, Workflow } from '../src/model/types.js';
import { mockCrmArgs, startMockCrm, type MockCrm } from '../scripts/mock-crm.js';
import { Quotas, parseQuota } from '../scripts/mock-crm/quota.js';
import { deferred, runBatch, startService, type TestService } from './helpers.js';

let service: TestService | undefined;
let crm: MockCrm | undefined;
afterEach(async () => {
  await service?.close();
  await crm?.close();
  service = undefined;
  crm = undefined;
});

/** A mock CRM and a service whose http stages fetch from it (127.0.0.1 allowed). */
async function withCrm(config: Partial<Config> = {}, mock: Parameters<typeof startMockCrm>[0] = {}): Promise<{ s: TestService; crm: MockCrm }> {
  crm = await startMockCrm({ port: 0, ...mock });
  service = await startService({ config: { CRM_URL_TEMPLATE: crm.template, CRM_ALLOW_HOSTS: '127.0.0.1', ...config } });
  return { s: service, crm };
}

async function workflowsOf(s: TestService, batchId: string): Promise<Workflow[]> {
  return (await s.store.listWorkflows(batchId, { limit: 1000 }))?.items ?? [];
}

async function batchOf(s: TestService, id: string): Promise<Batch> {
  const batch = await s.store.getBatch(id, Date.now());
  if (!batch) throw new Error('no batch');
  return batch;
}

/** The ids the mock was asked for, in arrival order. */
function requestsSeen(mock: MockCrm): Array<{ id: string; key: string | null }> {
  const seen: Array<{ id: string; key: string | null }> = [];
  mock.events.on('request', ({ id, key }) => seen.push({ id, key }));
  return seen;
}

async function post(s: TestService, body: Record<string, unknown>): Promise<string> {
  const res = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: body });
  expect(res.statusCode, res.body).toBe(202);
  return (res.json() as { id: string }).id;
}

/** Collects the engine's events from now on. */
function record(s: TestService): EngineEvent[] {
  const events: EngineEvent[] = [];
  s.engine.events.on((e) => {
    events.push(e);
  });
  return events;
}

describe('http stages against the mock CRM', () => {
  it('fetches each client from the CRM with the batch key, and stores the report of the CRM\'s record', async () => {
    const { s, crm: mock } = await withCrm();
    const seen = requestsSeen(mock);
    const id = await runBatch(s, { clientIds: [7, '007', 'acme 42/ü?x#y'], stages: 'http', crmKey: 'crm:acme' });
    const batch = await batchOf(s, id);
    expect(batch.status).toBe('succeeded');
    expect(batch.options).toMatchObject({ stages: 'http', crmKey: 'crm:acme' });
    // One request per client, each id arriving whole (URL-encoded on the way), with the key.
    expect([...seen].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: '007', key: 'crm:acme' }, { id: '7', key: 'crm:acme' }, { id: 'acme 42/ü?x#y', key: 'crm:acme' },
    ]);
    for (const w of await workflowsOf(s, id)) {
      expect(w.status).toBe('succeeded');
      expect(w.result).toMatchObject({ ...analyzeClient(synthesizeClient(w.clientId)), storedAt: expect.any(String) });
    }
    const [numeric] = await workflowsOf(s, id);
    // The stage output keeps the workflow's id as submitted (a number), not the URL's string.
    expect(numeric!.clientId).toBe(7);
  });

  it('shows the stage set in options over HTTP: simulated by default, http when asked', async () => {
    const { s } = await withCrm();
    const simulated = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1] } });
    expect(simulated.json()).toMatchObject({ options: { stages: 'simulated', crmKey: null } });
    const http = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1], stages: 'http', crmKey: 'k1' } });
    const got = await s.app.inject({ url: `/v1/batches/${(http.json() as { id: string }).id}` });
    expect(got.json()).toMatchObject({ options: { stages: 'http', crmKey: 'k1' } });
    // A batch stored before stage sets existed (no `stages` in its options) reads as simulated.
    const { batch: old } = await s.engine.submit({
      clientIds: [2], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
    });
    expect(old.options.stages).toBeUndefined();
    const shown = await s.app.inject({ url: `/v1/batches/${old.id}` });
    expect(shown.json()).toMatchObject({ options: { stages: 'simulated', crmKey: null } });
  });

  it('takes DEFAULT_STAGES for a batch that names no stage set', async () => {
    const { s, crm: mock } = await withCrm({ DEFAULT_STAGES: 'http' });
    const seen = requestsSeen(mock);
    const id = await runBatch(s, { clientIds: ['d1'] });
    expect((await batchOf(s, id)).options.stages).toBe('http');
    // No crmKey: no x-crm-key header.
    expect(seen).toEqual([{ id: 'd1', key: null }]);
  });

  it('retries a 503 and succeeds once the CRM answers', async () => {
    const { s, crm: mock } = await withCrm({ RETRY_MAX_ATTEMPTS: 3 });
    const events = record(s);
    const id = await runBatch(s, { clientIds: ['flaky-2-a'], stages: 'http' });
    const [w] = await workflowsOf(s, id);
    expect(w!.status).toBe('succeeded');
    expect(w!.stages[0]).toMatchObject({ name: 'fetch', status: 'succeeded', attempts: 3 });
    const retries = events.filter((e) => e.type === 'stage.retrying');
    expect(retries.map((e) => e.type === 'stage.retrying' && e.error.code)).toEqual(['CRM_UNAVAILABLE', 'CRM_UNAVAILABLE']);
    expect(mock.answered.get(503)).toBe(2);
  });

  it('retries a 500 and a refused connection until the attempts run out', async () => {
    const { s, crm: mock } = await withCrm({ RETRY_MAX_ATTEMPTS: 3 }, { errorRate: 1 });
    const id = await runBatch(s, { clientIds: ['e1'], stages: 'http' });
    expect((await workflowsOf(s, id))[0]!.stages[0]).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'CRM_ERROR' } });
    expect(mock.answered.get(500)).toBe(3);
    // Nothing listens there any more: connect fails with ECONNREFUSED.
    await mock.close();
    const gone = await runBatch(s, { clientIds: ['e2'], stages: 'http' });
    expect((await workflowsOf(s, gone))[0]!.stages[0]).toMatchObject({
      status: 'failed', attempts: 3, error: { code: 'CRM_UNREACHABLE', message: 'the CRM could not be reached: ECONNREFUSED' },
    });
  });

  it('waits at least Retry-After before the next attempt after a 429', async () => {
    // Backoff alone would wait at most RETRY_MAX_MS = 5 ms.
    const { s } = await withCrm({ RETRY_MAX_MS: 5 });
    const retrying = s.waitFor((e) => e.type === 'stage.retrying');
    const id = await post(s, { clientIds: ['throttled-120-a'], stages: 'http' });
    const e = await retrying;
    if (e.type !== 'stage.retrying') throw new Error('unreachable');
    expect(e.error.code).toBe('CRM_THROTTLED');
    expect(e.error.message).toContain('Retry-After 120 s');
    expect(e.delayMs).toBeGreaterThanOrEqual(120_000);
    expect(e.nextAttemptAt - e.at).toBeGreaterThanOrEqual(120_000);
    const [w] = await workflowsOf(s, id);
    expect(Date.parse(w!.nextAttemptAt!) - e.at).toBeGreaterThanOrEqual(120_000);
    await s.engine.cancelBatch(id);
  });

  it('caps the Retry-After wait at RETRY_AFTER_MAX_MS', async () => {
    const { s } = await withCrm({ RETRY_MAX_MS: 5, RETRY_AFTER_MAX_MS: 0 });
    const events = record(s);
    const id = await runBatch(s, { clientIds: ['throttled-120-b'], stages: 'http' });
    const retry = events.find((e) => e.type === 'stage.retrying');
    expect(retry?.type === 'stage.retrying' && retry.delayMs).toBeLessThanOrEqual(5);
    expect((await workflowsOf(s, id))[0]!.status).toBe('succeeded');
  });

  it('fails a 404 at once, without a retry', async () => {
    const { s, crm: mock } = await withCrm({ RETRY_MAX_ATTEMPTS: 5 });
    const events = record(s);
    const id = await runBatch(s, { clientIds: ['missing-1'], stages: 'http' });
    const [w] = await workflowsOf(s, id);
    expect(w!.status).toBe('failed');
    expect(w!.stages[0]).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'CRM_NOT_FOUND' } });
    expect(events.some((e) => e.type === 'stage.retrying')).toBe(false);
    expect(mock.answered.get(404)).toBe(1);
  });

  it('fails an invalid record permanently, naming the field', async () => {
    const { s } = await withCrm({ RETRY_MAX_ATTEMPTS: 5 });
    const id = await runBatch(s, { clientIds: ['invalid-1'], stages: 'http' });
    const [w] = await workflowsOf(s, id);
    expect(w!.stages[0]).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'CRM_INVALID_RECORD' } });
    expect(w!.stages[0]!.error!.message).toContain('/orders/0/amount must be number');
  });

  it('never sends a client id of dots only, even in a batch accepted without the check: it fails at once', async () => {
    const { s, crm: mock } = await withCrm({ RETRY_MAX_ATTEMPTS: 5 });
    const seen = requestsSeen(mock);
    const finished = s.waitFor((e) => e.type === 'batch.finished');
    const { batch } = await s.engine.submit({
      clientIds: ['..', '.', 'ok-1'], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null, stages: 'http',
    });
    await finished;
    const byId = new Map((await workflowsOf(s, batch.id)).map((w) => [w.clientId, w]));
    for (const id of ['..', '.']) {
      expect(byId.get(id)!.stages[0]).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'CRM_INVALID_ID' } });
    }
    expect(byId.get('ok-1')!.status).toBe('succeeded');
    expect(seen.map((r) => r.id)).toEqual(['ok-1']);
  });

  it('a 429 with Retry-After pauses the batch\'s flow key: no call reaches the CRM until then, and the waits spend no attempt', async () => {
    // One attempt only: a retry that spent one would fail the workflow.
    const { s, crm: mock } = await withCrm({ RETRY_MAX_ATTEMPTS: 1, CONCURRENCY: 1 }, { quotas: new Map([['acme', 1]]) });
    const id = await runBatch(s, { clientIds: ['p1', 'p2', 'p3'], stages: 'http', flowKey: 'acme' });
    const workflows = await workflowsOf(s, id);
    expect(workflows.map((w) => w.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(workflows.every((w) => w.stages[0]!.attempts === 1)).toBe(true);
    // The CRM throttled at least once, and nothing arrived while its Retry-After stood.
    expect(mock.answered.get(429)).toBeGreaterThanOrEqual(1);
    expect(mock.whilePaused.get('acme') ?? 0).toBe(0);
    const limit = await s.app.inject({ url: '/v1/limits/acme' });
    expect(limit.json()).toMatchObject({ key: 'acme', concurrency: null, rate: null, pauses: expect.any(Number), pausedUntil: expect.any(String) });
    expect((limit.json() as { pauses: number }).pauses).toBeGreaterThanOrEqual(1);
    expect((await s.app.inject({ url: '/metrics' })).body).toMatch(/^clientflow_flow_pauses_total\{key="acme"\} [1-9]/m);
  });

  it('fails a body past CRM_MAX_RESPONSE_BYTES, and takes one within it', async () => {
    const { s } = await withCrm({ CRM_MAX_RESPONSE_BYTES: 64 * 1024 });
    const id = await runBatch(s, { clientIds: ['huge-1', 'fine-1'], stages: 'http' });
    const [huge, fine] = await workflowsOf(s, id);
    expect(huge!.stages[0]).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'CRM_RESPONSE_TOO_LARGE' } });
    expect(fine!.status).toBe('succeeded');
  });

  it('cancel aborts a request in flight: the CRM sees it closed', async () => {
    const { s, crm: mock } = await withCrm();
    const arrived = deferred();
    const closed = deferred<string>();
    mock.events.on('request', () => arrived.resolve());
    mock.events.on('aborted', ({ id }) => closed.resolve(id));
    const id = await post(s, { clientIds: ['slow-1'], stages: 'http' });
    await arrived.promise;
    const finished = s.waitFor((e) => e.type === 'batch.finished');
    await s.engine.cancelBatch(id);
    expect(await closed.promise).toBe('slow-1');
    await finished;
    const [w] = await workflowsOf(s, id);
    expect(w!.status).toBe('canceled');
    expect(mock.answered.size).toBe(0);
  });

  it('the stage timeout aborts a request the CRM never answers', async () => {
    const { s, crm: mock } = await withCrm();
    const closed = deferred<string>();
    mock.events.on('aborted', ({ id }) => closed.resolve(id));
    // A timeout long enough for the request to reach the CRM first, even on a loaded machine (at 50 ms a
    // request still connecting was aborted before the CRM saw it, and nothing was there to close).
    const id = await runBatch(s, { clientIds: ['slow-2'], stages: 'http', timeouts: { fetchMs: 1_000 }, retry: { maxAttempts: 1 } });
    expect(await closed.promise).toBe('slow-2');
    expect((await workflowsOf(s, id))[0]!.stages[0]).toMatchObject({ status: 'failed', error: { code: 'TIMEOUT' } });
  });

  it('keeps connections alive and never opens more than CRM_MAX_CONNECTIONS', async () => {
    const { s, crm: mock } = await withCrm({ CRM_MAX_CONNECTIONS: 2, CONCURRENCY: 10 }, { latencyMs: 5 });
    const clientIds = Array.from({ length: 30 }, (_, i) => i);
    const id = await runBatch(s, { clientIds, stages: 'http' });
    expect((await batchOf(s, id)).progress.succeeded).toBe(30);
    expect(mock.connections.peak).toBeLessThanOrEqual(2);
    expect(mock.connections.opened).toBeLessThanOrEqual(2);
  });
});

describe('http stages: SSRF rules', () => {
  it('refuses a CRM at a private address without CRM_ALLOW_HOSTS, permanently and before connecting', async () => {
    service = await startService({ config: { CRM_URL_TEMPLATE: 'http://10.0.0.1:4010/clients/{id}', RETRY_MAX_ATTEMPTS: 5 } });
    const id = await runBatch(service, { clientIds: [1], stages: 'http' });
    const [w] = await workflowsOf(service, id);
    expect(w!.stages[0]).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'CRM_ADDRESS_REFUSED' } });
    expect(w!.stages[0]!.error!.message).toContain('private');
  });

  it('refuses a CRM on loopback, by address or by name, unless CRM_ALLOW_HOSTS lists it', async () => {
    crm = await startMockCrm({ port: 0 });
    const seen = requestsSeen(crm);
    for (const template of [crm.template, `http://localhost:${crm.port}/clients/{id}`]) {
      service = await startService({ config: { CRM_URL_TEMPLATE: template, WEBHOOK_ALLOW_HOSTS: '127.0.0.1' } });
      const id = await runBatch(service, { clientIds: [1], stages: 'http' });
      const [w] = await workflowsOf(service, id);
      expect(w!.stages[0]).toMatchObject({ status: 'failed', error: { code: 'CRM_ADDRESS_REFUSED' } });
      expect(w!.stages[0]!.error!.message).toContain('loopback');
      await service.close();
      service = undefined;
    }
    expect(seen).toEqual([]);
  });
});

describe('http stages: what a batch may ask', () => {
  it('answers 400 naming /body/stages when the server has no CRM_URL_TEMPLATE', async () => {
    service = await startService();
    const res = await service.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1], stages: 'http' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ errors: [{ path: '/body/stages', message: expect.stringContaining('CRM_URL_TEMPLATE') }] });
    expect((await service.store.listBatches({ limit: 10 }, Date.now())).items).toEqual([]);
  });

  it('answers 400 for simulation options on http stages, and for a bad stages or crmKey', async () => {
    const { s } = await withCrm();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ stages: 'http', simulation: { fetchMs: 1 } }, '/body/simulation'],
      [{ stages: 'ftp' }, '/body/stages'],
      [{ stages: 'http', crmKey: 'bad key\n' }, '/body/crmKey'],
    ];
    for (const [extra, path] of cases) {
      const res = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1], ...extra } });
      expect(res.statusCode, JSON.stringify(extra)).toBe(400);
      expect((res.json() as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toContain(path);
    }
  });

  it('answers 400 naming each client id of dots only for http stages, and accepts them for simulated ones', async () => {
    const { s } = await withCrm();
    const res = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: ['..', 'a..b', '.', '...', 1], stages: 'http' } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ type: expect.stringContaining('invalid-client-ids') });
    expect((res.json() as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toEqual(['/body/clientIds/0', '/body/clientIds/2', '/body/clientIds/3']);
    expect((await s.store.listBatches({ limit: 10 }, Date.now())).items).toEqual([]);
    const simulated = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: ['..'], stages: 'simulated' } });
    expect(simulated.statusCode).toBe(202);
  });

  it('a replica without CRM_URL_TEMPLATE fails the http batches it runs, permanently, naming what is missing', async () => {
    service = await startService({ config: { RETRY_MAX_ATTEMPTS: 5 } });
    const finished = service.waitFor((e) => e.type === 'batch.finished');
    // Accepted elsewhere (another replica's API had a CRM): straight into the engine here.
    const { batch } = await service.engine.submit({
      clientIds: [1], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null, stages: 'http',
    });
    await finished;
    expect((await workflowsOf(service, batch.id))[0]!.stages[0]).toMatchObject({
      status: 'failed', attempts: 1, error: { code: 'STAGES_UNAVAILABLE', message: expect.stringContaining('CRM_URL_TEMPLATE') },
    });
  });

  it('config: refuses a CRM_URL_TEMPLATE without {id} or not http, and DEFAULT_STAGES=http without one', () => {
    expect(() => loadConfig({ CRM_URL_TEMPLATE: 'http://127.0.0.1:4010/clients' })).toThrow(/CRM_URL_TEMPLATE.*\{id\}/);
    expect(() => loadConfig({ CRM_URL_TEMPLATE: 'file:///etc/{id}' })).toThrow(/CRM_URL_TEMPLATE.*http/);
    expect(() => loadConfig({ CRM_URL_TEMPLATE: 'http://{id}.crm.example/x' })).toThrow(/CRM_URL_TEMPLATE.*host/);
    expect(() => loadConfig({ DEFAULT_STAGES: 'http' })).toThrow(/DEFAULT_STAGES=http/);
    expect(() => loadConfig({ CRM_ALLOW_HOSTS: 'not a host' })).toThrow(/CRM_ALLOW_HOSTS/);
    expect(loadConfig({ DEFAULT_STAGES: 'http', CRM_URL_TEMPLATE: 'https://crm.example/api/clients?id={id}' }).DEFAULT_STAGES).toBe('http');
  });
});

describe('http stages: the parts', () => {
  it('encodes the id into the template so it cannot leave its place', () => {
    const t = parseCrmUrlTemplate('http://crm.example:8080/v2/clients/{id}?full=1');
    expect(t.origin).toBe('http://crm.example:8080');
    expect(t.path('a/b?c&d#e')).toBe('/v2/clients/a%2Fb%3Fc%26d%23e?full=1');
    expect(t.path('a..')).toBe('/v2/clients/a..?full=1');
    // URL parsing reads %2E%2E as `..`: there is no form of it that stays in its segment.
    expect(() => t.path('..')).toThrow(/dots only/);
    expect(() => t.path('.')).toThrow(/dots only/);
    expect(t.path(42)).toBe('/v2/clients/42?full=1');
  });

  it('a record for another client fails quoting only the requested id, never the other client\'s', () => {
    const other = { ...synthesizeClient('globex-secret-7'), clientId: 'globex-secret-7' };
    let error: unknown;
    try {
      crmRecord(other, '..');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StageError);
    expect((error as Error).message).toContain('".."');
    expect((error as Error).message).not.toContain('globex-secret-7');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-30T10:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Mon, 30 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 30 Nov 2026 09:00:00 GMT', now)).toBe(0);
    for (const junk of [undefined, '', '-5', '1.5', '1e3', 'soon']) expect(retryAfterMs(junk, now)).toBeNull();
  });

  it('waits the backoff or the capped Retry-After, whichever is longer, and never past the last attempt', () => {
    const policy = { maxAttempts: 3, baseMs: 1000, maxMs: 30_000 };
    const one = () => 0.999_999;
    expect(retryDelayMs(policy, 1, null, 60_000, one)).toBe(1000);
    expect(retryDelayMs(policy, 1, 20_000, 60_000, one)).toBe(20_000);
    expect(retryDelayMs(policy, 1, 500, 60_000, one)).toBe(1000);
    expect(retryDelayMs(policy, 1, 3_600_000, 60_000, one)).toBe(60_000);
    expect(retryDelayMs(policy, 3, 20_000, 60_000, one)).toBeNull();
  });

  it('mock CRM: a token bucket per key answers with the seconds to the next token', () => {
    let now = 0;
    const quotas = new Quotas(new Map([parseQuota('crm:acme=2/s')]), () => now);
    expect([quotas.take('crm:acme'), quotas.take('crm:acme'), quotas.take('crm:acme')]).toEqual([null, null, 1]);
    expect(quotas.take(null)).toBeNull();
    expect(quotas.take('other')).toBeNull();
    now = 500; // one token back
    expect([quotas.take('crm:acme'), quotas.take('crm:acme')]).toEqual([null, 1]);
    expect(() => parseQuota('crm:acme=fast')).toThrow(/KEY=N\/s/);
  });

  it('mock CRM: answers 429 with Retry-After past a key\'s quota', async () => {
    crm = await startMockCrm({ port: 0, quotas: new Map([['k', 1]]), now: () => 0 });
    const get = (key: string) => fetch(`${crm!.origin}/clients/1`, { headers: { 'x-crm-key': key } });
    expect((await get('k')).status).toBe(200);
    const refused = await get('k');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await get('other')).status).toBe(200);
  });

  it('mock CRM: parses its command line', () => {
    const o = mockCrmArgs(['--port=0', '--latency-ms=100', '--jitter=0.2', '--error-rate=0.05', '--seed=7', '--quota=crm:acme=500/s', '--quota=b=2']);
    expect(o).toMatchObject({ port: 0, latencyMs: 100, jitter: 0.2, errorRate: 0.05, seed: 7 });
    expect([...o.quotas!]).toEqual([['crm:acme', 500], ['b', 2]]);
    expect(() => mockCrmArgs(['--error-rate=2'])).toThrow(/--error-rate/);
  });
});
