/** Idempotency-Key replays and backpressure (429) on POST /v1/batches. */
import { afterEach, expect, it } from 'vitest';
import type { TestService } from './helpers.js';
import { useStores } from './stores.js';

const stores = useStores();

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

const post = (s: TestService, payload: unknown, headers: Record<string, string> = {}) =>
  s.app.inject({ method: 'POST', url: '/v1/batches', payload: payload as object, headers });

async function countBatches(s: TestService): Promise<number> {
  return (await s.store.listBatches({ limit: 1000 }, Date.now())).items.length;
}

stores.describe('Idempotency-Key', () => {
  it('20 concurrent identical POSTs create exactly one batch; the rest replay it', async () => {
    service = await stores.start();
    const body = { clientIds: [1, 2, 3], label: 'once' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(service!, body, { 'idempotency-key': 'k-1' })));
    const created = answers.filter((r) => r.statusCode === 202);
    const replayed = answers.filter((r) => r.statusCode === 200);
    expect(created).toHaveLength(1);
    expect(replayed).toHaveLength(19);
    const id = created[0]!.json().id;
    for (const r of replayed) {
      expect(r.headers['idempotent-replayed']).toBe('true');
      expect(r.headers.location).toBe(`/v1/batches/${id}`);
      expect(r.json().id).toBe(id);
    }
    expect(await countBatches(service)).toBe(1);
  });

  it('treats the same body in another key order as the same request', async () => {
    service = await stores.start();
    const a = await post(service, { label: 'x', clientIds: ['a'] }, { 'idempotency-key': 'k-2' });
    const b = await post(service, { clientIds: ['a'], label: 'x' }, { 'idempotency-key': 'k-2' });
    expect([a.statusCode, b.statusCode]).toEqual([202, 200]);
    expect(b.json().id).toBe(a.json().id);
  });

  it('answers 422 for the same key with a different body, and creates nothing', async () => {
    service = await stores.start();
    expect((await post(service, { clientIds: [1] }, { 'idempotency-key': 'k-3' })).statusCode).toBe(202);
    const conflict = await post(service, { clientIds: [2] }, { 'idempotency-key': 'k-3' });
    expect(conflict.statusCode).toBe(422);
    expect(conflict.headers['content-type']).toContain('application/problem+json');
    expect(conflict.json().detail).toMatch(/Idempotency-Key/);
    expect(await countBatches(service)).toBe(1);
  });

  it('forgets a key after IDEMPOTENCY_TTL_MS', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    service = await stores.start({ config: { IDEMPOTENCY_TTL_MS: 1000 }, engine: { now: () => now } });
    const first = await post(service, { clientIds: [1] }, { 'idempotency-key': 'k-4' });
    now += 1001;
    const second = await post(service, { clientIds: [1] }, { 'idempotency-key': 'k-4' });
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    expect(second.json().id).not.toBe(first.json().id);
  });

  it('without a key, two identical POSTs are two batches', async () => {
    service = await stores.start();
    await post(service, { clientIds: [1] });
    await post(service, { clientIds: [1] });
    expect(await countBatches(service)).toBe(2);
  });
});

stores.describe('backpressure', () => {
  it('answers 429 with Retry-After past MAX_QUEUED, accepting nothing of that batch', async () => {
    // One workflow runs (a long stage), the other seven stay queued.
    service = await stores.start({ config: { MAX_QUEUED: 10, CONCURRENCY: 1 } });
    const started = service.waitFor((e) => e.type === 'stage.started');
    expect((await post(service, { clientIds: [1, 2, 3, 4, 5, 6, 7, 8], simulation: { fetchMs: 600_000 } })).statusCode).toBe(202);
    await started;
    const full = await post(service, { clientIds: [9, 10, 11, 12] });
    expect(full.statusCode).toBe(429);
    expect(full.headers['content-type']).toContain('application/problem+json');
    expect(Number(full.headers['retry-after'])).toBeGreaterThan(0);
    const batches = (await service.store.listBatches({ limit: 10 }, Date.now())).items;
    expect(batches).toHaveLength(1);
    expect(batches[0]!.progress.total).toBe(8);
    expect((await post(service, { clientIds: [9, 10, 11] })).statusCode).toBe(202);
  });

  it('answers 429 to a retry that would pass MAX_QUEUED, requeuing nothing', async () => {
    service = await stores.start({ config: { MAX_QUEUED: 3, CONCURRENCY: 1 } });
    const canceled = (await post(service, { clientIds: [1, 2, 3], simulation: { fetchMs: 600_000 } })).json<{ id: string }>().id;
    const action = (url: string) => service!.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' } });
    const finished = service.waitFor((e) => e.type === 'batch.finished' && e.batchId === canceled);
    expect((await action(`/v1/batches/${canceled}/cancel`)).statusCode).toBe(202);
    await finished;
    expect((await post(service, { clientIds: [4, 5], simulation: { fetchMs: 600_000 } })).statusCode).toBe(202);
    // At most one of the second batch runs: one or two stay queued, and three more would pass 3.
    const full = await action(`/v1/batches/${canceled}/retry?includeCanceled=true`);
    expect(full.statusCode).toBe(429);
    expect(full.headers['content-type']).toContain('application/problem+json');
    expect(full.json()).toMatchObject({ status: 429, detail: expect.stringContaining('3') });
    expect((await service.store.getBatch(canceled, Date.now()))!).toMatchObject({ status: 'canceled', progress: { queued: 0, canceled: 3 } });
  });
});
