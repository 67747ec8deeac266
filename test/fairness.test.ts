/**
 * One large batch must not starve small ones; tenants share whatever their priorities; priorities
 * are honoured among a tenant's own batches.
 */
import { afterEach, expect, it } from 'vitest';
import type { EngineEvent } from '../src/engine/events.js';
import { deferred, type TestService } from './helpers.js';
import { useStores } from './stores.js';

// The order work is claimed in is the store's (its claim query): both backends.
const stores = useStores();

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

const sim = { fetchMs: 2, processMs: 2, storeMs: 2 };

async function post(s: TestService, payload: object): Promise<string> {
  const res = await s.app.inject({ method: 'POST', url: '/v1/batches', payload });
  expect(res.statusCode).toBe(202);
  return res.json().id as string;
}

stores.describe('fairness', () => {
  it('a 5-client batch posted after a 50,000-client batch finishes long before the big one', async () => {
    const concurrency = 50;
    service = await stores.start({ config: { CONCURRENCY: concurrency, MAX_BATCH_SIZE: 50_000 } });
    const big = await post(service, { clientIds: Array.from({ length: 50_000 }, (_, i) => i), simulation: sim });
    await service.waitFor((e) => e.type === 'workflow.finished' && e.batchId === big);
    // Count the big batch's workflows that finish while the small one waits and runs.
    let bigFinished = 0;
    const off = service.engine.events.on((e: EngineEvent) => {
      if (e.type === 'workflow.finished' && e.batchId === big) bigFinished += 1;
    });
    const smallDone = service.waitFor((e) => e.type === 'batch.finished');
    const small = await post(service, { clientIds: ['s1', 's2', 's3', 's4', 's5'], simulation: sim });
    const done = await smallDone;
    off();
    expect(done).toMatchObject({ batchId: small, status: 'succeeded' });
    // Without fairness the small batch would wait for all 50,000. With it, it waits for what was
    // already claimed (CONCURRENCY running + prefetch) and then shares every claim equally.
    expect(bigFinished).toBeLessThan(4 * concurrency);
    const bigNow = (await service.store.getBatch(big, Date.now()))!;
    expect(bigNow.progress.succeeded).toBeLessThan(50_000 / 10);

    // Cancelling the rest of the big batch is immediate for what is queued.
    const finished = service.waitFor((e) => e.type === 'batch.finished' && e.batchId === big);
    const canceled = await service.app.inject({ method: 'POST', url: `/v1/batches/${big}/cancel`, headers: { 'content-type': 'application/json' } });
    expect(canceled.statusCode).toBe(202);
    expect(canceled.json().progress.canceled).toBeGreaterThan(40_000);
    await finished;
  });

  it('caps a batch at its maxConcurrency', async () => {
    let running = 0;
    let peak = 0;
    service = await stores.start({ config: { CONCURRENCY: 20 } });
    service.engine.events.on((e) => {
      if (e.type === 'stage.started' && e.stage === 'fetch') peak = Math.max(peak, ++running);
      if (e.type === 'workflow.finished') running -= 1;
    });
    const done = service.waitFor((e) => e.type === 'batch.finished');
    await post(service, { clientIds: Array.from({ length: 30 }, (_, i) => i), maxConcurrency: 3, simulation: sim });
    await done;
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(3);
  });

  it('caps a tenant at its running cap, and claims again as soon as one of its workflows ends', async () => {
    let running = 0;
    let peak = 0;
    let batchesLeft = 2;
    const done = deferred();
    // No poll to fall back on: only a finished workflow of the tenant can start the next.
    service = await stores.start({ config: { CONCURRENCY: 20, TENANT_MAX_RUNNING: 3, POLL_MS: 60_000 } });
    service.engine.events.on((e) => {
      if (e.type === 'stage.started' && e.stage === 'fetch') peak = Math.max(peak, ++running);
      if (e.type === 'workflow.finished') running -= 1;
      if (e.type === 'batch.finished' && --batchesLeft === 0) done.resolve();
    });
    // Two batches of the same tenant share its cap.
    await post(service, { clientIds: Array.from({ length: 15 }, (_, i) => i), simulation: sim });
    await post(service, { clientIds: Array.from({ length: 15 }, (_, i) => i), simulation: sim });
    await done.promise;
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(3);
  });

  it('runs a higher-priority batch before a lower one that was queued first', async () => {
    const order: string[] = [];
    // Not started: both batches wait in the store, the lower one queued first. (A running engine
    // claims a batch as it commits: with a slot held, the first batch would already be claimed and
    // waiting when the second arrived, and which one the freed slot took would be a race.)
    service = await stores.start({ config: { CONCURRENCY: 1 }, start: false });
    service.engine.events.on((e) => {
      if (e.type === 'stage.started' && e.stage === 'fetch') order.push(String(e.clientId));
    });
    const create = async (clientIds: string[], priority: number) => (await service!.store.createBatch({
      clientIds, priority, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: sim,
    }, Date.now())).batch;
    const low = await create(['low-1', 'low-2'], 0);
    await create(['high-1', 'high-2'], 10);
    const done = service.waitFor((e) => e.type === 'batch.finished' && e.batchId === low.id);
    await service.engine.start();
    await done;
    expect(order).toEqual(['high-1', 'high-2', 'low-1', 'low-2']);
  });

  it('a tenant at priority 10 does not starve one at priority 0: they take turns', async () => {
    const order: string[] = [];
    // Not started: both batches wait in the store, then the engine's first claim finds them together.
    service = await stores.start({ config: { CONCURRENCY: 1 }, start: false });
    service.engine.events.on((e) => {
      if (e.type === 'stage.started' && e.stage === 'fetch') order.push(String(e.clientId));
    });
    const create = async (tenant: string, clientIds: string[], priority: number) => (await service!.store.createBatch({
      tenant, clientIds, priority, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: sim,
    }, Date.now())).batch;
    // acme's six first and at priority 10, globex's two after them at 0: the attack's order.
    const acme = await create('acme', ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'], 10);
    const globex = await create('globex', ['g1', 'g2'], 0);
    const both = Promise.all([acme, globex].map((b) => service!.waitFor((e) => e.type === 'batch.finished' && e.batchId === b.id)));
    await service.engine.start();
    await both;
    // Before: all six of acme's first (its priority). Now the tenants alternate from the start
    // (the first of the claim starts as it is handed over, before the rest wait in turns).
    expect(order.slice(0, 5).filter((id) => id.startsWith('g'))).toEqual(['g1', 'g2']);
  });
});
