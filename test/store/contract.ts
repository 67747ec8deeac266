/**
 * The Store contract: what every backend must do, as one suite run once per backend through a
 * factory (test/store/sqlite.test.ts today). A second backend adds a factory file and passes the
 * same suite. The suite calls every method of the Store interface: a proxy records the calls and
 * the last test checks that none was left out.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/model/events.js';
import { STAGES } from '../../src/model/statuses.js';
import { nearestRank } from '../../src/model/stats.js';
import { LeaseLostError, NotRetryableError, QueueFullError, IdempotencyConflictError, type ClaimedWorkflow, type Store } from '../../src/store/store.js';

/** Every member of Store: the compiler refuses this object if one is missing or unknown. */
const MEMBERS = {
  createBatch: true, cancelBatch: true, cancelWorkflow: true, retryBatch: true, retryWorkflow: true,
  getBatch: true, listBatches: true, listWorkflows: true, getWorkflow: true, listEvents: true, workflowEvents: true,
  workflowTotals: true, onEvents: true, onRemote: true, claim: true, renewLeases: true, releaseExpiredLeases: true, releaseLeases: true,
  recover: true, record: true, saveResult: true, claimWebhooks: true, recordWebhook: true, nextWebhookAt: true,
  createKey: true, findKey: true, listKeys: true, revokeKey: true, getTenant: true, listTenants: true, putTenant: true,
  putFlowLimit: true, getFlowLimit: true, listFlowLimits: true,
  purgeFinished: true, capabilities: true, ping: true, probeWrite: true, close: true,
} satisfies Record<keyof Store, true>;

/** What a test may ask of the store it opens (the constructors' options both backends share). */
export interface StoreFactoryOptions {
  /** A tenant's running cap when its quotas set none; null: no cap. */
  tenantMaxRunning?: number | null;
}

export type StoreFactory = (options?: StoreFactoryOptions) => Store | Promise<Store>;

export function describeStoreContract(name: string, open: StoreFactory): void {
  const used = new Set<string>();
  /** The store, with every member access recorded. */
  const recorded = (store: Store): Store => new Proxy(store, {
    get(target, key, receiver) {
      if (typeof key === 'string') used.add(key);
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

  afterAll(() => {
    expect(Object.keys(MEMBERS).filter((m) => !used.has(m))).toEqual([]);
  });

  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const T0 = Date.parse('2026-01-01T00:00:00.000Z');
    beforeEach(async () => {
      store = recorded(await open());
    });
    afterEach(async () => {
      await store.close();
    });

    const newBatch = async (clientIds: Array<string | number>, priority = 0) => (await store.createBatch({
      clientIds, priority, label: 'l', maxConcurrency: null, retry: null, timeouts: null, simulation: null,
    }, T0)).batch;

    async function succeedAll(wf: ClaimedWorkflow, at: number): Promise<void> {
      for (const stage of ['fetch', 'process', 'store'] as const) {
        await store.record({ kind: 'started', workflow: wf, stage, at });
        await store.record({ kind: 'succeeded', workflow: wf, stage, at: at + 10, output: { stage } });
        at += 10;
      }
    }

    it('creates a batch with every workflow queued, echoing client ids as sent', async () => {
      const batch = await newBatch([1, '1', 'x']);
      expect(batch).toMatchObject({ status: 'queued', label: 'l', createdAt: new Date(T0).toISOString() });
      expect(batch.progress).toMatchObject({ total: 3, queued: 3, percent: 0 });
      const page = await store.listWorkflows(batch.id, { limit: 10 });
      expect(page?.items.map((w) => [w.clientId, w.status, w.stage])).toEqual([
        [1, 'queued', null], ['1', 'queued', null], ['x', 'queued', null],
      ]);
    });

    it('pages batches newest first and workflows in order, by cursor', async () => {
      const a = await newBatch([1]);
      const b = await newBatch([2]);
      const c = await newBatch([3, 4, 5]);
      const first = await store.listBatches({ limit: 2 }, T0);
      expect(first.items.map((x) => x.id)).toEqual([c.id, b.id]);
      const second = await store.listBatches({ limit: 2, cursor: first.nextCursor! }, T0);
      expect(second.items.map((x) => x.id)).toEqual([a.id]);
      expect(second.nextCursor).toBeNull();
      const w1 = await store.listWorkflows(c.id, { limit: 2 });
      const w2 = await store.listWorkflows(c.id, { limit: 2, cursor: w1!.nextCursor! });
      expect([...w1!.items, ...w2!.items].map((w) => w.clientId)).toEqual([3, 4, 5]);
      expect(await store.listWorkflows('00000000-0000-4000-8000-000000000000', { limit: 2 })).toBeNull();
    });

    it('leases a claimed workflow to one owner until the lease expires', async () => {
      await newBatch([1, 2]);
      const mine = await store.claim('a', 10, T0, 1_000);
      expect(mine).toHaveLength(2);
      expect(await store.claim('b', 10, T0 + 500, 1_000)).toHaveLength(0);
      expect(await store.releaseExpiredLeases(T0 + 999)).toBe(0);
      expect(await store.releaseExpiredLeases(T0 + 1_001)).toBe(2);
      expect(await store.claim('b', 10, T0 + 1_001, 1_000)).toHaveLength(2);
    });

    it('renews only the leases named', async () => {
      await newBatch([1, 2]);
      const [one] = await store.claim('a', 10, T0, 1_000);
      expect(await store.renewLeases('a', [one!.id], T0 + 900, 1_000)).toEqual({ lost: [], canceled: [] });
      expect(await store.releaseExpiredLeases(T0 + 1_500)).toBe(1);
      expect(await store.claim('b', 10, T0 + 1_500, 1_000)).toHaveLength(1);
    });

    it('renews a lease its owner still holds even after it expired, and names the ones it lost', async () => {
      await newBatch([1, 2]);
      const [one, two] = await store.claim('a', 10, T0, 1_000);
      // A stall: nothing ran for 5 s. The owner renews before any sweep and keeps both.
      expect(await store.renewLeases('a', [one!.id, two!.id], T0 + 5_000, 1_000)).toEqual({ lost: [], canceled: [] });
      expect(await store.releaseExpiredLeases(T0 + 5_001)).toBe(0);
      // Now one is swept and claimed by someone else: renewing names it as lost.
      expect(await store.renewLeases('a', [two!.id], T0 + 5_500, 1_000)).toEqual({ lost: [], canceled: [] });
      expect(await store.releaseExpiredLeases(T0 + 6_001)).toBe(1);
      expect(await store.claim('b', 10, T0 + 6_001, 1_000)).toHaveLength(1);
      expect(await store.renewLeases('a', [one!.id, two!.id], T0 + 6_002, 1_000)).toEqual({ lost: [one!.id], canceled: [] });
      // A claim canceled while it waited is over, not lost.
      const other = await newBatch([3]);
      const [waiting] = await store.claim('a', 10, T0 + 7_000, 1_000);
      await store.cancelBatch(other.id, T0 + 7_001);
      expect(await store.renewLeases('a', [waiting!.id], T0 + 7_002, 1_000)).toEqual({ lost: [], canceled: [] });
      // A running one whose cancel was requested (by any process) is still held, and named so its
      // run ends canceled: the heartbeat carries the cancel when no notice did.
      const third = await newBatch([4]);
      const [running] = await store.claim('a', 10, T0 + 8_000, 1_000);
      await store.record({ kind: 'started', workflow: running!, stage: 'fetch', at: T0 + 8_000 });
      expect((await store.cancelBatch(third.id, T0 + 8_001))!.abort).toEqual([running!.id]);
      expect(await store.renewLeases('a', [running!.id], T0 + 8_002, 1_000)).toEqual({ lost: [], canceled: [running!.id] });
    });

    it('releases an owner\'s leases with no stage left running, counters included', async () => {
      const batch = await newBatch([1, 2]);
      const [a] = await store.claim('e', 2, T0, 60_000);
      await store.record({ kind: 'started', workflow: a!, stage: 'fetch', at: T0 + 1 });
      // The run died between its start and its outcome; the engine stops and frees its leases.
      expect(await store.releaseLeases('e', T0 + 5)).toBe(2);
      const wf = (await store.getWorkflow(a!.id))!;
      expect(wf.stages[0]).toMatchObject({ name: 'fetch', status: 'pending', attempts: 1 });
      const view = (await store.getBatch(batch.id, T0 + 5))!;
      expect(view.stages.fetch.running).toBe(0);
      // Both are claimable again, and the started one resumes at fetch.
      const again = await store.claim('f', 10, T0 + 6, 60_000);
      expect(again.map((w) => w.id).sort()).toEqual((await store.listWorkflows(batch.id, { limit: 10 }))!.items.map((w) => w.id).sort());
    });

    it('fences results on the lease: a claim that lost its workflow cannot save one', async () => {
      const batch = await newBatch([1]);
      const [wf] = await store.claim('a', 1, T0, 1_000);
      await store.releaseExpiredLeases(T0 + 2_000);
      const [taken] = await store.claim('b', 1, T0 + 2_000, 1_000);
      await expect(store.saveResult(wf!, { from: 'a' }, T0 + 2_001)).rejects.toMatchObject({ code: 'LEASE_LOST', expected: false });
      expect((await store.getWorkflow(wf!.id))!.result).toBeNull();
      await store.saveResult(taken!, { from: 'b' }, T0 + 2_002);
      expect((await store.getWorkflow(wf!.id))!.result).toEqual({ from: 'b' });
      // A claim canceled while it waited: refused too, as the normal end of a cancel.
      const other = await newBatch([2]);
      const [waiting] = await store.claim('c', 1, T0 + 3_000, 60_000);
      await store.cancelBatch(other.id, T0 + 3_001);
      await expect(store.saveResult(waiting!, { x: 1 }, T0 + 3_002)).rejects.toMatchObject({ code: 'LEASE_LOST', expected: true });
      expect(batch.id).toBeTruthy();
    });

    it('fences writes on the lease: a former owner cannot record', async () => {
      await newBatch([1]);
      const [wf] = await store.claim('a', 1, T0, 1_000);
      await store.releaseExpiredLeases(T0 + 2_000);
      await store.claim('b', 1, T0 + 2_000, 1_000);
      await expect(store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 + 2_001 }))
        .rejects.toBeInstanceOf(LeaseLostError);
    });

    it('keeps counters true through a full run and finishes the batch once', async () => {
      const batch = await newBatch([1, 2]);
      const [a, b] = await store.claim('e', 2, T0, 60_000);
      await store.record({ kind: 'started', workflow: a!, stage: 'fetch', at: T0 + 5 });
      let view = (await store.getBatch(batch.id, T0 + 6))!;
      expect(view.status).toBe('running');
      expect(view.progress).toMatchObject({ queued: 1, running: 1 });
      expect(view.stages.fetch.running).toBe(1);
      await store.record({ kind: 'succeeded', workflow: a!, stage: 'fetch', at: T0 + 15, output: {} });
      await store.record({ kind: 'started', workflow: a!, stage: 'process', at: T0 + 15 });
      await store.record({ kind: 'failed', workflow: a!, stage: 'process', at: T0 + 20, error: { code: 'X', message: 'boom' } });
      await succeedAll(b!, T0 + 10);
      view = (await store.getBatch(batch.id, T0 + 100))!;
      expect(view.status).toBe('failed');
      expect(view.finishedAt).toBe(new Date(T0 + 40).toISOString());
      expect(view.progress).toEqual({ total: 2, queued: 0, running: 0, succeeded: 1, failed: 1, canceled: 0, percent: 100 });
      expect(view.stages.fetch).toEqual({ succeeded: 2, failed: 0, running: 0, avgMs: 10, p95Ms: 10, maxMs: 10 });
      expect(view.stages.process).toMatchObject({ succeeded: 1, failed: 1, running: 0 });
      expect(view.stages.store).toMatchObject({ succeeded: 1, failed: 0 });
      expect(view.timings).toMatchObject({ elapsedMs: 40, sequentialMs: 15 + 30, speedup: 1.13 });
      const failed = (await store.getWorkflow(a!.id))!;
      expect(failed.error).toEqual({ stage: 'process', code: 'X', message: 'boom' });
      expect(failed.stages.map((s) => s.status)).toEqual(['succeeded', 'failed', 'skipped']);
    });

    /** Asserts the batch view's p95s and maxima: what sorting its workflows' own values gives. */
    async function expectExactPercentiles(batchId: string, now: number): Promise<void> {
      const workflows = (await store.listWorkflows(batchId, { limit: 1_000 }))!.items;
      const of = (values: Array<number | null>) => {
        const sorted = values.filter((v): v is number => v !== null).sort((x, y) => x - y);
        return { p95: nearestRank(sorted, 95), max: sorted.at(-1) ?? null };
      };
      const view = (await store.getBatch(batchId, now))!;
      const wait = of(workflows.map((w) => w.queueWaitMs));
      const run = of(workflows.map((w) => w.durationMs));
      expect(view.timings.queueWaitMs, 'wait').toMatchObject(wait);
      expect(view.timings.workflowMs, 'workflow').toMatchObject(run);
      for (const stage of STAGES) {
        const ms = of(workflows.map((w) => w.stages.find((st) => st.name === stage && st.status === 'succeeded')?.durationMs ?? null));
        expect(view.stages[stage], stage).toMatchObject({ p95Ms: ms.p95, maxMs: ms.max });
      }
    }

    it('reports exact p95s and maxima of a running batch, also after a retry takes values back', async () => {
      // 45 workflows: p95 is the 43rd value of 45, not the max; durations repeat, as whole ms do.
      const batch = await newBatch(Array.from({ length: 45 }, (_, i) => i));
      const claimed = await store.claim('e', 42, T0, 60_000); // 3 stay queued: the batch runs on
      const leftRunning: ClaimedWorkflow[] = [];
      // All at once, as an engine runs them: a store may write many workflows' changes together.
      await Promise.all(claimed.map(async (wf, i) => {
        // The last one waited longest and runs longest, then fails: the retry must lower both maxima.
        const last = i === claimed.length - 1;
        let at = T0 + (last ? 500 : (i % 9) * 3);
        await store.record({ kind: 'started', workflow: wf, stage: 'fetch', at });
        at += 1 + (i % 5) * 2;
        await store.record({ kind: 'succeeded', workflow: wf, stage: 'fetch', at, output: {}, next: 'process' });
        at += last ? 300 : (i * 7) % 11;
        if (last || i % 10 === 3) {
          await store.record({ kind: 'failed', workflow: wf, stage: 'process', at, error: { code: 'X', message: 'x' } });
          return;
        }
        await store.record({ kind: 'succeeded', workflow: wf, stage: 'process', at, output: {}, next: 'store' });
        if (i % 4 === 0) {
          leftRunning.push(wf);
          return;
        }
        await store.record({ kind: 'succeeded', workflow: wf, stage: 'store', at: at + (i % 3), output: {} });
      }));
      expect((await store.getBatch(batch.id, T0 + 1_000))!.status).toBe('running');
      await expectExactPercentiles(batch.id, T0 + 1_000);
      const before = (await store.getBatch(batch.id, T0 + 1_000))!.timings;

      await store.retryWorkflow(claimed.at(-1)!.id, T0 + 1_000);
      await expectExactPercentiles(batch.id, T0 + 1_001);
      const after = (await store.getBatch(batch.id, T0 + 1_001))!.timings;
      expect(after.queueWaitMs!.max).toBeLessThan(before.queueWaitMs!.max);
      expect(after.workflowMs!.max).toBeLessThan(before.workflowMs!.max);

      // Everything left runs to the end: the p95s frozen at the finish are the same exact ones.
      await Promise.all(leftRunning.map((wf) => store.record({ kind: 'succeeded', workflow: wf, stage: 'store', at: T0 + 1_002, output: {} })));
      await Promise.all((await store.claim('e', 100, T0 + 1_010, 60_000)).map((wf) => succeedAll(wf, T0 + 1_010)));
      expect((await store.getBatch(batch.id, T0 + 2_000))!.status).toBe('failed');
      await expectExactPercentiles(batch.id, T0 + 2_000);
    });

    it('recovers a dead owner\'s running stage as pending, attempt counted, and resumes after it', async () => {
      const batch = await newBatch([1]);
      const [wf] = await store.claim('dead', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'succeeded', workflow: wf!, stage: 'fetch', at: T0 + 10, output: { fetched: true } });
      await store.record({ kind: 'started', workflow: wf!, stage: 'process', at: T0 + 10 });
      // An exclusive owner frees every lease it finds at start; on a shared store other owners may
      // be alive, so only leases that expired are freed: the dead owner's, once its lease ran out.
      if (store.capabilities.owner === 'shared') expect(await store.recover(T0 + 20)).toBe(0);
      const at = store.capabilities.owner === 'shared' ? T0 + 60_001 : T0 + 20;
      expect(await store.recover(at)).toBe(1);
      const view = (await store.getBatch(batch.id, T0 + 20))!;
      expect(view.stages.process.running).toBe(0);
      const [again] = await store.claim('alive', 1, T0 + 20, 60_000);
      expect(again!.status).toBe('running');
      expect(again!.output).toEqual({ fetched: true });
      expect(again!.stages.map((s) => [s.name, s.status, s.attempts])).toEqual([
        ['fetch', 'succeeded', 1], ['process', 'pending', 1], ['store', 'pending', 0],
      ]);
    });

    it('shows when a waiting retry is due, and not once its next attempt runs', async () => {
      const batch = await newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await store.record({
        kind: 'retrying', workflow: wf!, stage: 'fetch', at: T0 + 5, error: { code: 'E', message: 'm' }, retryAt: T0 + 100,
      });
      const waiting = (await store.listWorkflows(batch.id, { limit: 10 }))!.items[0]!;
      expect(waiting.nextAttemptAt).toBe(new Date(T0 + 100).toISOString());
      expect(await store.claim('e', 1, T0 + 50, 60_000)).toEqual([]);
      const [again] = await store.claim('e', 1, T0 + 100, 60_000);
      await store.record({ kind: 'started', workflow: again!, stage: 'fetch', at: T0 + 100 });
      const running = (await store.getWorkflow(wf!.id))!;
      expect(running.stages[0]).toMatchObject({ status: 'running', attempts: 2 });
      expect(running.nextAttemptAt).toBeNull();
    });

    it('upserts results: saving twice keeps one result, the last', async () => {
      const batch = await newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await store.saveResult(wf!, { n: 1 }, T0);
      await store.saveResult(wf!, { n: 2 }, T0 + 1);
      expect((await store.getWorkflow(wf!.id))!.result).toEqual({ n: 2 });
      expect(batch.id).toBeTruthy();
    });

    it('writes each change\'s events in its commit, publishes them after it, and lists them after an id', async () => {
      const published: EngineEvent[] = [];
      const off = store.onEvents((e) => published.push(e));
      const batch = await newBatch([1]);
      const [wf] = await store.claim('o', 1, T0, 60_000);
      await succeedAll(wf!, T0);
      off();
      const listed = (await store.listEvents(batch.id, 0, 100))!;
      expect(listed).toEqual(published);
      expect(listed.map((e) => ('stage' in e ? `${e.type} ${e.stage}` : e.type))).toEqual([
        'batch.created', 'batch.started', 'stage.started fetch', 'stage.succeeded fetch', 'stage.started process',
        'stage.succeeded process', 'stage.started store', 'stage.succeeded store', 'workflow.finished', 'batch.finished',
      ]);
      const ids = listed.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect((await store.listEvents(batch.id, ids[3]!, 2))!.map((e) => e.id)).toEqual(ids.slice(4, 6));
      expect(await store.listEvents('00000000-0000-4000-8000-000000000000', 0, 10)).toBeNull();
    });

    it('a cancel requested while the attempt was failing wins over the retry, in the same commit', async () => {
      const batch = await newBatch([1]);
      const [wf] = await store.claim('o', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      const canceled = await store.cancelWorkflow(wf!.id, T0 + 1);
      expect(canceled!.abort).toEqual([wf!.id]);
      await store.record({
        kind: 'retrying', workflow: wf!, stage: 'fetch', at: T0 + 2, error: { code: 'E', message: 'm' }, retryAt: T0 + 3,
      });
      expect((await store.getWorkflow(wf!.id))!.status).toBe('canceled');
      expect(await store.getBatch(batch.id, T0 + 10)).toMatchObject({ status: 'canceled', progress: { canceled: 1, running: 0 } });
      expect(await store.claim('o', 1, T0 + 10, 60_000)).toEqual([]);
      const types = (await store.listEvents(batch.id, 0, 100))!.map((e) => e.type);
      // The attempt is reported canceled, not retrying: no retry is announced that will never come.
      expect(types.slice(-3)).toEqual(['stage.canceled', 'workflow.finished', 'batch.finished']);
      expect((await store.getWorkflow(wf!.id))!.stages[0]).toMatchObject({ status: 'skipped', error: { code: 'CANCELED' } });
    });

    it('a superseded claim cannot write, even under the same owner', async () => {
      await newBatch([1]);
      const [stale] = await store.claim('o', 1, T0, 60_000);
      await store.cancelWorkflow(stale!.id, T0 + 1);
      await store.retryWorkflow(stale!.id, T0 + 2);
      const [fresh] = await store.claim('o', 1, T0 + 3, 60_000);
      expect(fresh!.id).toBe(stale!.id);
      await expect(store.record({ kind: 'started', workflow: stale!, stage: 'fetch', at: T0 + 4 })).rejects.toBeInstanceOf(LeaseLostError);
      await succeedAll(fresh!, T0 + 5);
      expect((await store.getWorkflow(fresh!.id))!.stages.map((st) => st.attempts)).toEqual([1, 1, 1]);
    });

    it('rejects a cursor it did not issue', async () => {
      await expect(store.listBatches({ limit: 1, cursor: 'bm9wZQ' }, T0)).rejects.toThrow(/cursor/);
    });

    it('totals workflows by tenant and status: active batches live, finished ones added once, taken back when a retry reopens one', async () => {
      expect(await store.workflowTotals()).toEqual({});
      await newBatch([1, 2, 3]);
      const [a, b] = await store.claim('e', 2, T0, 60_000);
      const other = await newBatch(['a', 'b']);
      await succeedAll(a!, T0);
      await store.record({ kind: 'started', workflow: b!, stage: 'fetch', at: T0 });
      await store.cancelBatch(other.id, T0);
      const { batch: acme } = await store.createBatch({
        tenant: 'acme', clientIds: [9], priority: 5, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
      }, T0);
      const [c] = await store.claim('e', 1, T0, 60_000);
      expect(c!.batchId).toBe(acme.id);
      await store.record({ kind: 'started', workflow: c!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'failed', workflow: c!, stage: 'fetch', at: T0 + 1, error: { code: 'X', message: 'x' } });
      expect(await store.workflowTotals()).toEqual({
        default: { queued: 1, running: 1, succeeded: 1, failed: 0, canceled: 2 },
        acme: { queued: 0, running: 0, succeeded: 0, failed: 1, canceled: 0 },
      });
      await store.retryBatch(acme.id, false, T0 + 2);
      expect((await store.workflowTotals()).acme).toEqual({ queued: 1, running: 0, succeeded: 0, failed: 0, canceled: 0 });
    });

    it('hears of other processes only when shared: an exclusive store never calls onRemote', async () => {
      const heard: unknown[] = [];
      const off = store.onRemote((n) => heard.push(n));
      await newBatch([1]);
      off();
      // Its own commits are events (onEvents), never remote notices.
      expect(heard).toEqual([]);
    });

    it('declares its capabilities, answers ping and commits a write probe', async () => {
      expect(['exclusive', 'shared']).toContain(store.capabilities.owner);
      expect(['commit', 'per-batch']).toContain(store.capabilities.eventIds);
      expect(store.ping()).toBe(true);
      expect(await store.probeWrite(T0)).toBe(true);
    });

    it('refuses a batch past maxQueued, writing nothing; replays an idempotent request; refuses a reused key', async () => {
      const input = (clientIds: number[]) => ({
        clientIds, priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
      });
      await store.createBatch(input([1, 2, 3]), T0, { maxQueued: 5 });
      await expect(store.createBatch(input([4, 5, 6]), T0, { maxQueued: 5 })).rejects.toBeInstanceOf(QueueFullError);
      expect((await store.listBatches({ limit: 10 }, T0)).items).toHaveLength(1);
      const key = { key: 'k', fingerprint: 'f1', ttlMs: 1_000 };
      const first = await store.createBatch(input([9]), T0, { idempotency: key });
      const again = await store.createBatch(input([9]), T0 + 1, { idempotency: key });
      expect(again).toMatchObject({ replayed: true, batch: { id: first.batch.id } });
      await expect(store.createBatch(input([8]), T0 + 2, { idempotency: { ...key, fingerprint: 'f2' } }))
        .rejects.toBeInstanceOf(IdempotencyConflictError);
      // Once the key expired, the same request is a new batch.
      expect((await store.createBatch(input([9]), T0 + 2_000, { idempotency: key })).replayed).toBe(false);
    });

    it('retries a failed batch at the stage that failed, and only failed workflows', async () => {
      const batch = await newBatch([1, 2]);
      const [a, b] = await store.claim('e', 2, T0, 60_000);
      await store.record({ kind: 'started', workflow: a!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'failed', workflow: a!, stage: 'fetch', at: T0 + 5, error: { code: 'X', message: 'x' } });
      await succeedAll(b!, T0);
      expect((await store.getBatch(batch.id, T0 + 50))!.status).toBe('failed');
      await expect(store.retryWorkflow(b!.id, T0 + 60)).rejects.toBeInstanceOf(NotRetryableError);
      const retried = (await store.retryBatch(batch.id, false, T0 + 60))!;
      expect(retried.retried).toBe(1);
      expect(retried.batch).toMatchObject({ status: 'running', finishedAt: null, progress: { queued: 1, succeeded: 1, failed: 0 } });
      const [again] = await store.claim('e', 10, T0 + 61, 60_000);
      expect(again!.id).toBe(a!.id);
      expect(again!.stages.map((st) => [st.status, st.attempts])).toEqual([['pending', 1], ['pending', 0], ['pending', 0]]);
      expect(await store.retryBatch('00000000-0000-4000-8000-000000000000', false, T0)).toBeNull();
    });

    it("lists one workflow's history with workflowEvents", async () => {
      const batch = await newBatch([1, 2]);
      const [a, b] = await store.claim('e', 2, T0, 60_000);
      await succeedAll(a!, T0);
      await succeedAll(b!, T0);
      const history = await store.workflowEvents(batch.id, [a!.id]);
      expect(new Set(history.map((e) => ('workflowId' in e ? e.workflowId : null)))).toEqual(new Set([a!.id]));
      expect(history.filter((e) => e.type === 'stage.started')).toHaveLength(3);
      expect(await store.workflowEvents(batch.id, [])).toEqual([]);
    });

    it('makes a webhook due when its batch finishes, claims it with a token and fences the outcome on it', async () => {
      const { batch } = await store.createBatch({
        clientIds: [1], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
        callbackUrl: 'http://receiver.test/hook',
      }, T0);
      expect(await store.nextWebhookAt()).toBeNull();
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await succeedAll(wf!, T0);
      const finishedAt = T0 + 30;
      expect(await store.nextWebhookAt()).toBe(finishedAt);
      const [first] = await store.claimWebhooks(finishedAt, 10, 5_000, 3);
      expect(first).toMatchObject({ batchId: batch.id, url: 'http://receiver.test/hook', attempt: 1 });
      expect(await store.nextWebhookAt()).toBe(finishedAt + 5_000);
      expect(await store.recordWebhook(first!, { status: 'failed', at: finishedAt + 1, error: 'HTTP 500', nextAt: T0 + 100 })).toBe(true);
      expect((await store.getBatch(batch.id, T0 + 50))!.webhook).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 500' });
      expect(await store.claimWebhooks(T0 + 99, 10, 5_000, 3)).toEqual([]);
      const [second] = await store.claimWebhooks(T0 + 100, 10, 5_000, 3);
      expect(second!.attempt).toBe(2);
      expect(await store.recordWebhook(first!, { status: 'delivered', at: T0 + 101 })).toBe(false);
      expect(await store.recordWebhook(second!, { status: 'delivered', at: T0 + 102 })).toBe(true);
      expect((await store.getBatch(batch.id, T0 + 200))!.webhook).toMatchObject({ status: 'delivered', attempts: 2 });
      expect(await store.nextWebhookAt()).toBeNull();
    });

    /** Purges until nothing is left to delete, as the retention loop does; returns the sums. */
    async function purgeAll(before: number, limit: number): Promise<{ batches: number; workflows: number; events: number }> {
      const sum = { batches: 0, workflows: 0, events: 0 };
      for (;;) {
        const r = await store.purgeFinished(before, limit);
        if (r.batches + r.workflows + r.events === 0) return sum;
        sum.batches += r.batches;
        sum.workflows += r.workflows;
        sum.events += r.events;
      }
    }

    it('purges finished batches older than the cutoff with everything kept for them, and nothing else', async () => {
      const DAY = 86_400_000;
      const input = (clientIds: number[], callbackUrl?: string) => ({
        clientIds, priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null, callbackUrl,
      });
      // Old: finished on day 0, with an idempotency key that would outlive it.
      const key = { key: 'old', fingerprint: 'f', ttlMs: 100 * DAY };
      const { batch: old } = await store.createBatch(input([1, 2]), T0, { idempotency: key });
      const oldRuns = await store.claim('e', 2, T0, 60_000);
      for (const wf of oldRuns) {
        await store.saveResult(wf, { kept: false }, T0);
        await succeedAll(wf, T0);
      }
      // Old too, but its webhook is still to be delivered.
      const { batch: hooked } = await store.createBatch(input([3], 'http://receiver.test/hook'), T0);
      for (const wf of await store.claim('e', 1, T0, 60_000)) await succeedAll(wf, T0);
      // Finished on day 10: recent.
      const recent = await newBatch([4]);
      for (const wf of await store.claim('e', 1, T0, 60_000)) await succeedAll(wf, T0 + 10 * DAY);
      // Still running (and holding the store's newest rows).
      const running = await newBatch([5]);
      const [runningWf] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: runningWf!, stage: 'fetch', at: T0 });
      const eventsBefore = async (id: string) => (await store.listEvents(id, 0, 1_000))!.length;
      const kept = { hooked: await eventsBefore(hooked.id), recent: await eventsBefore(recent.id), running: await eventsBefore(running.id) };
      const totalsBefore = await store.workflowTotals();

      // Day 5: only the old batch without a pending webhook is due. A limit of 1 takes one
      // workflow at a time where a backend deletes in chunks.
      const purged = await purgeAll(T0 + 5 * DAY, 1);
      expect(purged).toMatchObject({ batches: 1, workflows: 2 });
      expect(purged.events).toBeGreaterThanOrEqual(10);
      expect(await store.getBatch(old.id, T0 + 5 * DAY)).toBeNull();
      expect(await store.listWorkflows(old.id, { limit: 10 })).toBeNull();
      expect(await store.listEvents(old.id, 0, 10)).toBeNull();
      expect(await store.workflowEvents(old.id, oldRuns.map((w) => w.id))).toEqual([]);
      for (const wf of oldRuns) expect(await store.getWorkflow(wf.id)).toBeNull();
      expect((await store.listBatches({ limit: 10 }, T0)).items.map((b) => b.id)).toEqual([running.id, recent.id, hooked.id]);
      expect(await store.workflowTotals()).toEqual({ default: { ...totalsBefore.default!, succeeded: totalsBefore.default!.succeeded - 2 } });
      // Control calls on what is gone answer as for an unknown id.
      expect(await store.cancelBatch(old.id, T0 + 5 * DAY)).toBeNull();
      expect(await store.retryBatch(old.id, true, T0 + 5 * DAY)).toBeNull();
      expect(await store.retryWorkflow(oldRuns[0]!.id, T0 + 5 * DAY)).toBeNull();
      expect(await store.cancelWorkflow(oldRuns[0]!.id, T0 + 5 * DAY)).toBeNull();
      // Its idempotency key went with it: the same request is a new batch, not a replay of nothing.
      expect((await store.createBatch(input([1, 2]), T0 + 5 * DAY, { idempotency: key })).replayed).toBe(false);
      // The others are untouched, events included.
      expect(await eventsBefore(hooked.id)).toBe(kept.hooked);
      expect(await eventsBefore(recent.id)).toBe(kept.recent);
      expect(await eventsBefore(running.id)).toBe(kept.running);
      expect((await store.getWorkflow(runningWf!.id))!.status).toBe('running');

      // Once its webhook is delivered, the hooked batch goes too.
      const [delivery] = await store.claimWebhooks(T0 + 5 * DAY, 10, 5_000, 3);
      expect(delivery!.batchId).toBe(hooked.id);
      expect(await purgeAll(T0 + 5 * DAY, 1)).toMatchObject({ batches: 0, workflows: 0 });
      await store.recordWebhook(delivery!, { status: 'delivered', at: T0 + 5 * DAY });
      expect(await purgeAll(T0 + 5 * DAY, 1)).toMatchObject({ batches: 1, workflows: 1 });
      expect(await store.getBatch(hooked.id, T0 + 5 * DAY)).toBeNull();
      expect(await store.getBatch(recent.id, T0 + 5 * DAY)).not.toBeNull();
    });

    it('purges a batch a retry reopened only once it finishes again, and takes at most about `limit` workflows a call', async () => {
      const DAY = 86_400_000;
      const failing = await newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'failed', workflow: wf!, stage: 'fetch', at: T0 + 1, error: { code: 'X', message: 'x' } });
      const small = [await newBatch([2]), await newBatch([3])];
      for (const w of await store.claim('e', 10, T0, 60_000)) await succeedAll(w, T0);
      const newest = await newBatch([4]);
      await store.retryBatch(failing.id, false, T0 + 2 * DAY);
      // Two one-workflow batches are due: a limit of 1 takes one of them per call.
      expect(await store.purgeFinished(T0 + DAY, 1)).toMatchObject({ batches: 1, workflows: 1 });
      expect(await store.purgeFinished(T0 + DAY, 1)).toMatchObject({ batches: 1, workflows: 1 });
      expect(await purgeAll(T0 + 30 * DAY, 100)).toMatchObject({ batches: 0 });
      for (const b of small) expect(await store.getBatch(b.id, T0)).toBeNull();
      expect((await store.getBatch(failing.id, T0 + 2 * DAY))!.status).toBe('running');
      expect(await store.getBatch(newest.id, T0)).not.toBeNull();
    });

    it('shares a claim fairly between the batches of one priority, highest priority first, within maxConcurrency', async () => {
      const big = await newBatch(Array.from({ length: 20 }, (_, i) => i));
      const small = await newBatch(['a', 'b']);
      const urgent = await newBatch(['u'], 5);
      const { batch: capped } = await store.createBatch({
        clientIds: [100, 101, 102, 103], priority: 0, label: null, maxConcurrency: 1, retry: null, timeouts: null, simulation: null,
      }, T0);
      const claimed = await store.claim('e', 6, T0, 60_000);
      const from = (id: string) => claimed.filter((w) => w.batchId === id).length;
      expect(claimed[0]!.batchId).toBe(urgent.id);
      expect([from(urgent.id), from(small.id), from(capped.id), from(big.id)]).toEqual([1, 2, 1, 2]);
      // The capped batch gets nothing more while its one workflow holds its lease.
      const more = await store.claim('e', 100, T0, 60_000);
      expect(more.filter((w) => w.batchId === capped.id)).toEqual([]);
      expect(more.filter((w) => w.batchId === big.id)).toHaveLength(18);
    });

    it('keeps API keys (hash only), revokes them once, and keeps tenants with their own quotas', async () => {
      const key = { id: 'abc123def456', tenant: 'acme', admin: false, hash: 'f'.repeat(64), label: 'ci', createdAt: T0, revokedAt: null };
      await store.createKey(key);
      await store.createKey({ ...key, id: 'zzz999yyy888', tenant: 'ops', admin: true, label: null });
      await store.createKey({ ...key, id: 'old000old000', tenant: 'ops', revokedAt: T0 });
      expect((await store.findKey('old000old000'))!.revokedAt).toBe(T0);
      expect(await store.findKey('abc123def456')).toEqual(key);
      expect(await store.findKey('nope00000000')).toBeNull();
      expect((await store.listKeys()).map((k) => k.id)).toEqual(['abc123def456', 'old000old000', 'zzz999yyy888']);
      expect((await store.listKeys('ops')).map((k) => [k.id, k.admin])).toEqual([['old000old000', false], ['zzz999yyy888', true]]);
      expect(await store.revokeKey('abc123def456', T0 + 1)).toBe(true);
      expect(await store.revokeKey('abc123def456', T0 + 2)).toBe(false);
      expect((await store.findKey('abc123def456'))!.revokedAt).toBe(T0 + 1);
      // A key's tenant exists from then on, with no quotas of its own.
      expect(await store.getTenant('acme')).toEqual({ id: 'acme', quotas: {}, createdAt: new Date(T0).toISOString() });
      expect(await store.putTenant('acme', { maxQueued: 5, maxRunning: null }, T0 + 3)).toMatchObject({ id: 'acme', quotas: { maxQueued: 5, maxRunning: null } });
      await store.putTenant('new', { priorityMax: 1 }, T0 + 4);
      expect((await store.listTenants()).map((t) => [t.id, t.quotas])).toEqual([
        ['acme', { maxQueued: 5, maxRunning: null }], ['new', { priorityMax: 1 }], ['ops', {}],
      ]);
      expect(await store.getTenant('none')).toBeNull();
    });

    it("keeps each batch's tenant: lists by tenant, and refuses a batch past its tenant's queued quota", async () => {
      const input = (tenant: string | undefined, n: number) => ({
        tenant, clientIds: Array.from({ length: n }, (_, i) => i), priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
      });
      const a1 = (await store.createBatch(input('acme', 2), T0, { tenantMaxQueued: 3 })).batch;
      const g1 = (await store.createBatch(input('globex', 3), T0, { tenantMaxQueued: 3 })).batch;
      const d1 = (await store.createBatch(input(undefined, 1), T0)).batch;
      expect([a1.tenant, g1.tenant, d1.tenant]).toEqual(['acme', 'globex', 'default']);
      await expect(store.createBatch(input('acme', 2), T0, { tenantMaxQueued: 3 })).rejects.toThrow(QueueFullError);
      const ids = async (tenant?: string, status?: 'queued') => (await store.listBatches({ tenant, status, limit: 10 }, T0)).items.map((b) => b.id);
      expect(await ids('acme')).toEqual([a1.id]);
      expect(await ids('globex', 'queued')).toEqual([g1.id]);
      expect(await ids()).toEqual([d1.id, g1.id, a1.id]);
      const wf = (await store.listWorkflows(g1.id, { limit: 1 }))!.items[0]!;
      expect((await store.getWorkflow(wf.id))!.tenant).toBe('globex');
    });

    describe('tenants in claims', () => {
      /** Each batch's tenant (a claimed workflow names only its batch). */
      const tenantOf = new Map<string, string>();
      const admitTo = async (into: Store, tenant: string, n: number) => {
        const { batch } = await into.createBatch({
          tenant, clientIds: Array.from({ length: n }, (_, i) => `${tenant}-${i}`), priority: 0, label: null, maxConcurrency: null,
          retry: null, timeouts: null, simulation: null,
        }, T0);
        tenantOf.set(batch.id, tenant);
        return batch;
      };
      const admit = (tenant: string, n: number) => admitTo(store, tenant, n);
      /** How many of `claimed` each tenant got. */
      const count = (claimed: ClaimedWorkflow[]) => {
        const by: Record<string, number> = {};
        for (const w of claimed) {
          const tenant = tenantOf.get(w.batchId)!;
          by[tenant] = (by[tenant] ?? 0) + 1;
        }
        return by;
      };

      it('shares a claim equally between the tenants of one priority, however many batches each has', async () => {
        const many = [];
        for (let i = 0; i < 6; i++) many.push(await admit('many', 10));
        await admit('one', 10);
        const claimed = await store.claim('e', 10, T0, 60_000);
        expect(count(claimed)).toEqual({ many: 5, one: 5 });
        // Inside a tenant, its batches share its part: five of its six batches got one each.
        const perBatch = many.map((b) => claimed.filter((w) => w.batchId === b.id).length);
        expect(perBatch.filter((n) => n === 1)).toHaveLength(5);
      });

      it("never leases more of a tenant than its maxRunning, also once some of its leases are freed", async () => {
        await store.putTenant('capped', { maxRunning: 3 }, T0);
        await admit('capped', 5);
        await admit('capped', 5);
        await admit('other', 4);
        // The capped tenant's waiting workflows hold nothing: the rest of the claim goes to the other.
        const first = await store.claim('e', 100, T0, 60_000);
        expect(count(first)).toEqual({ capped: 3, other: 4 });
        expect(await store.claim('e', 100, T0, 60_000)).toEqual([]);
        const capped = first.filter((w) => tenantOf.get(w.batchId) === 'capped');
        // Each claimed workflow says whether its tenant's cap held it: its end frees a place.
        for (const w of first) expect(w.tenantCapped === true).toBe(tenantOf.get(w.batchId) === 'capped');
        // Two leases freed: two more, and no more.
        expect(await store.releaseLeases('e', T0 + 1, [capped[0]!.id, capped[1]!.id])).toBe(2);
        expect(count(await store.claim('f', 100, T0 + 1, 60_000))).toEqual({ capped: 2 });
        expect(await store.claim('f', 100, T0 + 1, 60_000)).toEqual([]);
        // A finished workflow frees its place too.
        await succeedAll(capped[2]!, T0 + 2);
        expect(count(await store.claim('g', 100, T0 + 100, 60_000))).toEqual({ capped: 1 });
        // A higher cap lets more run at once.
        await store.putTenant('capped', { maxRunning: 5 }, T0 + 101);
        expect(count(await store.claim('g', 100, T0 + 101, 60_000))).toEqual({ capped: 2 });
      });

      it("takes a tenant's cap from the store's default when its quotas set none (null: explicitly none)", async () => {
        const capped = await open({ tenantMaxRunning: 2 });
        try {
          await capped.putTenant('own', { maxRunning: 4 }, T0);
          await capped.putTenant('free', { maxRunning: null }, T0);
          await capped.putTenant('quiet', { maxQueued: 100 }, T0);
          for (const tenant of ['plain', 'own', 'free', 'quiet']) await admitTo(capped, tenant, 6);
          expect(count(await capped.claim('e', 100, T0, 60_000))).toEqual({ plain: 2, own: 4, free: 6, quiet: 2 });
          expect(await capped.claim('e', 100, T0, 60_000)).toEqual([]);
        } finally {
          await capped.close();
        }
      });
    });

    describe('flow limits per key', () => {
      const keyed = async (flowKey: string | null, n: number, tenant = 'default', priority = 0) => (await store.createBatch({
        clientIds: Array.from({ length: n }, (_, i) => i), priority, label: null, maxConcurrency: null, retry: null, timeouts: null,
        simulation: null, tenant, flowKey,
      }, T0)).batch;
      const none = { concurrency: null, rate: null, periodMs: null, burst: null };

      it('stores a limit, starts its bucket full, keeps tokens up to a new burst, and shows use', async () => {
        expect(await store.getFlowLimit('crm:acme', T0)).toBeNull();
        await store.putFlowLimit('crm:acme', { ...none, concurrency: 2, rate: 10, periodMs: 1000 }, T0);
        const batch = await keyed('crm:acme', 5);
        expect(batch.options.flowKey).toBe('crm:acme');
        expect(await store.getFlowLimit('crm:acme', T0)).toMatchObject({
          limit: { key: 'crm:acme', concurrency: 2, rate: 10, periodMs: 1000, burst: null, throttled: 0 }, inUse: 0, waiting: 5, tokens: 10,
        });
        expect(await store.claim('e', 100, T0, 60_000)).toHaveLength(2);
        expect(await store.getFlowLimit('crm:acme', T0)).toMatchObject({ inUse: 2, waiting: 3, tokens: 8 });
        await store.putFlowLimit('crm:acme', { ...none, rate: 5, periodMs: 1000 }, T0);
        expect(await store.getFlowLimit('crm:acme', T0)).toMatchObject({ limit: { concurrency: null }, tokens: 5 });
        expect((await store.listFlowLimits(T0)).map((u) => u.limit.key)).toEqual(['crm:acme']);
      });

      it("caps a key's leases across its batches and tenants; a waiting workflow holds no lease, a freed one lets another in", async () => {
        await store.putFlowLimit('crm:acme', { ...none, concurrency: 3 }, T0);
        await keyed('crm:acme', 5, 'a');
        await keyed('crm:acme', 5, 'b', 5);
        await keyed('crm:other', 4, 'c');
        await keyed(null, 2, 'd');
        const first = await store.claim('e', 100, T0, 60_000);
        expect(first).toHaveLength(3 + 4 + 2);
        const acme = first.filter((w) => w.options.flowKey === 'crm:acme');
        expect(acme).toHaveLength(3);
        for (const w of first) expect(w.tenantCapped === true).toBe(w.options.flowKey === 'crm:acme');
        expect(await store.claim('e', 100, T0, 60_000)).toEqual([]);
        expect(await store.getFlowLimit('crm:acme', T0)).toMatchObject({ inUse: 3, waiting: 7 });
        await succeedAll(acme[0]!, T0 + 1);
        await store.releaseLeases('e', T0 + 100, [acme[1]!.id]);
        const next = await store.claim('f', 100, T0 + 100, 60_000);
        expect(next.map((w) => w.options.flowKey)).toEqual(['crm:acme', 'crm:acme']);
        // A rate added to a limit that had none starts with a full bucket.
        await store.putFlowLimit('crm:acme', { ...none, concurrency: 3, rate: 2, periodMs: 60_000 }, T0 + 100);
        expect(await store.getFlowLimit('crm:acme', T0 + 100)).toMatchObject({ tokens: 2 });
      });

      it('lets at most rate + burst claims of a key through in one period, a token per claimed workflow, and counts throttled claims', async () => {
        // 4 per second, burst 2: full at T0 (2), then one token every 250 ms.
        await store.putFlowLimit('crm:acme', { ...none, rate: 4, periodMs: 1000, burst: 2 }, T0);
        await keyed('crm:acme', 50);
        let claimed = 0;
        for (let t = T0; t <= T0 + 1000; t += 50) {
          const got = await store.claim('e', 100, t, 60_000);
          claimed += got.length;
          // Its end is worth a claim: the bucket refilled meanwhile.
          for (const w of got) expect(w.tenantCapped).toBe(true);
          await store.releaseLeases('e', t, got.map((w) => w.id)); // released: a new claim costs again
        }
        expect(claimed).toBe(2 + 4);
        const usage = (await store.getFlowLimit('crm:acme', T0 + 1000))!;
        expect(usage.limit.throttled).toBeGreaterThan(0);
        expect(usage.tokens).toBeLessThan(1);
        // A claim never lets the clock run back: an earlier `now` refills nothing.
        expect(await store.claim('e', 100, T0, 60_000)).toEqual([]);
      });

      it('counts a claim throttled only when the key has work waiting to start and no token', async () => {
        await store.putFlowLimit('crm:acme', { ...none, rate: 1, periodMs: 3_600_000 }, T0);
        await keyed('crm:acme', 1);
        expect(await store.claim('e', 100, T0, 60_000)).toHaveLength(1);
        // No token left, but nothing of the key waits (its one workflow is leased): not throttled.
        expect(await store.claim('e', 100, T0 + 1, 60_000)).toEqual([]);
        expect((await store.getFlowLimit('crm:acme', T0 + 1))!.limit.throttled).toBe(0);
        await keyed('crm:acme', 1);
        expect(await store.claim('e', 100, T0 + 2, 60_000)).toEqual([]);
        expect(await store.getFlowLimit('crm:acme', T0 + 2)).toMatchObject({ limit: { throttled: 1 }, inUse: 1, waiting: 1 });
      });
    });
  });
}
