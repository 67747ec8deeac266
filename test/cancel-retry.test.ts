/** Cancel (batch and workflow, queued and during each stage) and retry of what failed. */
import { afterEach, expect, it } from 'vitest';
import type { StageHandler, StageHandlers } from '../src/engine/stages/stage.js';
import { STAGES, type StageName } from '../src/model/statuses.js';
import type { Batch, Workflow } from '../src/model/types.js';
import { runBatch, type TestService } from './helpers.js';
import { useStores } from './stores.js';

const stores = useStores();

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

/** Stage handlers that return at once, except `blocking`, which waits for its abort signal. */
function handlersBlockingIn(blocking: StageName | null, broken = { store: false }): StageHandlers {
  const make = (name: StageName): StageHandler => ({
    name,
    async run(_input, ctx) {
      if (name === 'store' && broken.store) throw Object.assign(new Error('store is down'), { name: 'StoreDown' });
      if (name !== blocking) return { done: name };
      return new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      });
    },
  });
  return Object.fromEntries(STAGES.map((s) => [s, make(s)])) as StageHandlers;
}

async function post(s: TestService, url: string, payload?: unknown) {
  const res = await s.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

async function get(s: TestService, url: string): Promise<Batch> {
  const res = await s.app.inject({ method: 'GET', url });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  return res.json();
}

stores.describe('cancel', () => {
  it.each(STAGES)('a workflow canceled during %s ends canceled, its stage aborted', async (stage) => {
    service = await stores.start({ engine: { handlers: handlersBlockingIn(stage) } });
    const started = service.waitFor((e) => e.type === 'stage.started' && e.stage === stage);
    const { body: batch } = await post(service, '/v1/batches', { clientIds: ['c'] });
    const e = await started;
    if (e.type !== 'stage.started') throw new Error('unexpected event');
    const finished = service.waitFor((x) => x.type === 'batch.finished');
    const { status } = await post(service, `/v1/workflows/${e.workflowId}/cancel`);
    expect(status).toBe(202);
    await finished;
    const w = (await service.store.getWorkflow(e.workflowId))!;
    const at = STAGES.indexOf(stage);
    expect(w.status).toBe('canceled');
    expect(w.stages.map((s) => s.status)).toEqual(STAGES.map((_, i) => (i < at ? 'succeeded' : 'skipped')));
    expect(w.stages[at]!.error).toMatchObject({ code: 'CANCELED' });
    const b = (await service.store.getBatch(batch.id, Date.now()))!;
    expect(b).toMatchObject({ status: 'canceled', progress: { canceled: 1, running: 0, percent: 100 } });
    expect(b.stages[stage].running).toBe(0);
  });

  it('cancels queued workflows at once, aborts running ones, leaves finished ones; twice is harmless', async () => {
    service = await stores.start({ config: { CONCURRENCY: 1 }, engine: { handlers: handlersBlockingIn('process') } });
    const started = service.waitFor((e) => e.type === 'stage.started' && e.stage === 'process');
    const { body: created } = await post(service, '/v1/batches', { clientIds: [1, 2, 3, 4] });
    await started;
    const finished = service.waitFor((e) => e.type === 'batch.finished');
    const first = await post(service, `/v1/batches/${created.id}/cancel`);
    expect(first.status).toBe(202);
    // The three that had not started are canceled in the answer itself.
    expect((first.body as Batch).progress).toMatchObject({ queued: 0, canceled: 3, running: 1 });
    await finished;
    const second = await post(service, `/v1/batches/${created.id}/cancel`);
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ status: 'canceled', progress: { canceled: 4, running: 0, percent: 100 } });
    const again = await post(service, `/v1/batches/${created.id}/cancel`);
    expect(again.body.progress).toEqual(second.body.progress);
  });

  it('a workflow canceled while it waits in the queue never runs: its refused start aborts the handler', async () => {
    const seen: Array<{ clientId: unknown; aborted: boolean }> = [];
    let releaseFirst: () => void = () => undefined;
    let secondAborted: (reason: unknown) => void = () => undefined;
    const secondAbort = new Promise<unknown>((resolve) => {
      secondAborted = resolve;
    });
    const fetch: StageHandler = {
      name: 'fetch',
      run: (_input, ctx) => new Promise((resolve, reject) => {
        const entry = { clientId: ctx.clientId, aborted: false };
        seen.push(entry);
        if (ctx.clientId === 'first') releaseFirst = () => resolve({});
        ctx.signal.addEventListener('abort', () => {
          entry.aborted = true;
          if (ctx.clientId === 'second') secondAborted(ctx.signal.reason);
          reject(ctx.signal.reason);
        }, { once: true });
      }),
    };
    const handlers = { ...handlersBlockingIn(null), fetch };
    service = await stores.start({ config: { CONCURRENCY: 1 }, engine: { handlers } });
    const started = service.waitFor((e) => e.type === 'stage.started');
    const { body: batch } = await post(service, '/v1/batches', { clientIds: ['first', 'second'] });
    await started;
    // 'second' is claimed (prefetched) but has not started: cancel it.
    const [, second] = (await service.store.listWorkflows(batch.id, { limit: 2 }))!.items;
    const canceled = await post(service, `/v1/workflows/${second!.id}/cancel`);
    expect(canceled.body).toMatchObject({ status: 'canceled' });
    const finished = service.waitFor((e) => e.type === 'batch.finished');
    releaseFirst();
    await finished;
    // Its handler may have been entered, but it is aborted because its start was refused.
    expect(await secondAbort).toMatchObject({ why: 'lease-lost' });
    expect(seen.filter((s) => s.clientId === 'second')).toEqual([{ clientId: 'second', aborted: true }]);
    expect((await service.store.getWorkflow(second!.id))!.status).toBe('canceled');
    expect((await service.store.getBatch(batch.id, Date.now()))!.progress).toMatchObject({ succeeded: 1, canceled: 1 });
  });

  it('a workflow canceled while it waits in memory, then retried, runs exactly once', async () => {
    const runs = new Map<unknown, number>();
    let releaseFirst: () => void = () => undefined;
    const fetch: StageHandler = {
      name: 'fetch',
      run: (_input, ctx) => new Promise((resolve, reject) => {
        runs.set(ctx.clientId, (runs.get(ctx.clientId) ?? 0) + 1);
        if (ctx.clientId === 'first') releaseFirst = () => resolve({});
        else resolve({});
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      }),
    };
    service = await stores.start({ config: { CONCURRENCY: 1 }, engine: { handlers: { ...handlersBlockingIn(null), fetch } } });
    const started = service.waitFor((e) => e.type === 'stage.started');
    const { body: batch } = await post(service, '/v1/batches', { clientIds: ['first', 'second'] });
    await started;
    // 'second' waits in memory behind 'first': cancel it, retry it (the engine claims it again).
    const [, second] = (await service.store.listWorkflows(batch.id, { limit: 2 }))!.items;
    expect((await post(service, `/v1/workflows/${second!.id}/cancel`)).body).toMatchObject({ status: 'canceled' });
    expect((await post(service, `/v1/workflows/${second!.id}/retry`)).status).toBe(202);
    const finished = service.waitFor((e) => e.type === 'batch.finished');
    releaseFirst();
    await finished;
    // Whatever else the engine still holds runs now; a second copy of 'second' must not be there.
    for (let i = 0; service.engine.stats.running + service.engine.stats.waiting > 0; i += 1) {
      if (i > 10_000) throw new Error('the engine never went idle');
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(runs.get('second')).toBe(1);
    const view = (await service.store.getBatch(batch.id, Date.now()))!;
    expect(view).toMatchObject({ status: 'succeeded' });
    expect(view.progress).toEqual({ total: 2, queued: 0, running: 0, succeeded: 2, failed: 0, canceled: 0, percent: 100 });
  });

  it('a cancel that arrives while a stage finishes anyway ends the workflow between stages, with its events', async () => {
    let entered: () => void = () => undefined;
    const inFetch = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let finishFetch: () => void = () => undefined;
    // This fetch ignores its abort signal: it finishes (succeeds) after the cancel.
    const fetch: StageHandler = {
      name: 'fetch',
      run: () => new Promise((resolve) => {
        finishFetch = () => resolve({ late: true });
        entered();
      }),
    };
    service = await stores.start({ engine: { handlers: { ...handlersBlockingIn(null), fetch } } });
    // The handler starts before its start is committed (the write joins the next group): the
    // cancel must find the stage running, not the workflow still queued.
    const fetchStarted = service.waitFor((e) => e.type === 'stage.started' && e.stage === 'fetch');
    const { body: batch } = await post(service, '/v1/batches', { clientIds: ['c'] });
    await inFetch;
    await fetchStarted;
    const [wf] = (await service.store.listWorkflows(batch.id, { limit: 1 }))!.items;
    const workflowFinished = service.waitFor((e) => e.type === 'workflow.finished');
    const batchFinished = service.waitFor((e) => e.type === 'batch.finished');
    expect((await post(service, `/v1/workflows/${wf!.id}/cancel`)).status).toBe(202);
    finishFetch();
    expect(await workflowFinished).toMatchObject({ status: 'canceled', workflowId: wf!.id });
    expect(await batchFinished).toMatchObject({ status: 'canceled', batchId: batch.id });
    const done = (await service.store.getWorkflow(wf!.id))!;
    expect(done.stages.map((st) => st.status)).toEqual(['succeeded', 'skipped', 'skipped']);
  });

  it('leaves a finished batch untouched', async () => {
    service = await stores.start();
    const id = await runBatch(service, { clientIds: [1, 2] });
    const { status, body } = await post(service, `/v1/batches/${id}/cancel`);
    expect(status).toBe(202);
    expect(body).toMatchObject({ status: 'succeeded', progress: { succeeded: 2, canceled: 0 } });
  });

  it('404s unknown ids', async () => {
    service = await stores.start();
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const url of [`/v1/batches/${unknown}/cancel`, `/v1/workflows/${unknown}/cancel`, `/v1/batches/${unknown}/retry`, `/v1/workflows/${unknown}/retry`]) {
      expect((await post(service, url)).status).toBe(404);
    }
  });
});

stores.describe('retry', () => {
  it('requeues failed workflows at the stage that failed; earlier stages are not run again', async () => {
    const broken = { store: true };
    service = await stores.start({
      config: { RETRY_MAX_ATTEMPTS: 1, RETRY_BASE_MS: 0, RETRY_MAX_MS: 0 },
      engine: { handlers: handlersBlockingIn(null, broken) },
    });
    const id = await runBatch(service, { clientIds: ['a', 'b', 'c'] });
    const failed = (await service.store.getBatch(id, Date.now()))!;
    expect(failed).toMatchObject({ status: 'failed', progress: { failed: 3 }, stages: { store: { failed: 3 } } });
    // Read twice: a finished batch's answer is encoded once and kept (routes/batches.ts).
    for (let i = 0; i < 2; i++) expect(await get(service, `/v1/batches/${id}`)).toMatchObject({ status: 'failed', finishedAt: failed.finishedAt });

    broken.store = false;
    const done = service.waitFor((e) => e.type === 'batch.finished' && e.batchId === id);
    const { status, body, headers } = await post(service, `/v1/batches/${id}/retry`);
    expect(status).toBe(202);
    expect(headers['x-retried-workflows']).toBe('3');
    expect(body).toMatchObject({ finishedAt: null, progress: { failed: 0, queued: 3, percent: 66.67 } });
    expect(body.status).not.toMatch(/failed|succeeded/);
    // The reopened batch is read anew, not answered from the encoding of its failed state.
    expect(await get(service, `/v1/batches/${id}`)).toMatchObject({ finishedAt: null });
    await done;
    expect(await get(service, `/v1/batches/${id}`)).toMatchObject({ status: 'succeeded', progress: { succeeded: 3, failed: 0 } });

    const batch = (await service.store.getBatch(id, Date.now()))!;
    expect(batch).toMatchObject({
      status: 'succeeded',
      progress: { total: 3, succeeded: 3, failed: 0, queued: 0, running: 0, percent: 100 },
      stages: { fetch: { succeeded: 3, failed: 0 }, process: { succeeded: 3 }, store: { succeeded: 3, failed: 0 } },
    });
    for (const w of (await service.store.listWorkflows(id, { limit: 10 }))!.items as Workflow[]) {
      expect(w.stages.map((s) => [s.status, s.attempts])).toEqual([['succeeded', 1], ['succeeded', 1], ['succeeded', 2]]);
      expect(w.error).toBeNull();
    }
  });

  it('retries one workflow, and refuses one that has not failed (409)', async () => {
    service = await stores.start({ config: { RETRY_MAX_ATTEMPTS: 1, RETRY_BASE_MS: 0, RETRY_MAX_MS: 0 } });
    const id = await runBatch(service, { clientIds: [7], simulation: { failStage: 'process' } });
    const [w] = (await service.store.listWorkflows(id, { limit: 1 }))!.items;
    const done = service.waitFor((e) => e.type === 'batch.finished' && e.batchId === id);
    const retried = await post(service, `/v1/workflows/${w!.id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ status: 'queued', error: null });
    await done;
    // failStage is permanent: it fails again at process, after fetch did not re-run.
    const after = (await service.store.getWorkflow(w!.id))!;
    expect(after.stages.map((s) => [s.status, s.attempts])).toEqual([['succeeded', 1], ['failed', 2], ['skipped', 0]]);

    const ok = await runBatch(service, { clientIds: [8] });
    const [fine] = (await service.store.listWorkflows(ok, { limit: 1 }))!.items;
    const refused = await post(service, `/v1/workflows/${fine!.id}/retry`);
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
  });

  it('includes canceled workflows only when asked', async () => {
    service = await stores.start({ config: { CONCURRENCY: 1 }, engine: { handlers: handlersBlockingIn('fetch') } });
    const started = service.waitFor((e) => e.type === 'stage.started');
    const { body: created } = await post(service, '/v1/batches', { clientIds: [1, 2] });
    await started;
    const finished = service.waitFor((e) => e.type === 'batch.finished');
    await post(service, `/v1/batches/${created.id}/cancel`);
    await finished;
    expect((await post(service, `/v1/batches/${created.id}/retry`)).headers['x-retried-workflows']).toBe('0');
    const reopened = await post(service, `/v1/batches/${created.id}/retry?includeCanceled=true`);
    expect(reopened.headers['x-retried-workflows']).toBe('2');
    expect(reopened.body.progress).toMatchObject({ canceled: 0 });
  });
});
