/**
 * Retry (Control.retryBatch, retryWorkflow; transitions.ts applyRequeue). The Store promises:
 * - retryBatch requeues the batch's failed workflows (and canceled ones, if asked) at their
 *   failed stage: stages that succeeded keep their state, the rest are pending again; it says
 *   how many it requeued and logs one `batch.retried` with that number; a finished batch reopens;
 * - retryWorkflow requeues one failed or canceled workflow; NotRetryableError otherwise;
 * - both keep the queue within the limits they are given (`MAX_QUEUED`, the batch's tenant's
 *   `maxQueued`), as admission does: past them, QueueFullError and nothing requeued;
 * - an unknown (or purged) id answers null.
 */
import { describe, expect, it } from 'vitest';
import { NotRetryableError, QueueFullError } from '../../../src/store/store.js';
import { T0, UNKNOWN_ID, type Contract } from './harness.js';

export function retryContract(c: Contract): void {
  describe('retry', () => {
    it('retries a failed batch at the stage that failed, and only failed workflows', async () => {
      const { store } = c;
      const batch = await c.newBatch([1, 2]);
      const [a, b] = await store.claim('e', 2, T0, 60_000);
      await store.record({ kind: 'started', workflow: a!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'failed', workflow: a!, stage: 'fetch', at: T0 + 5, error: { code: 'X', message: 'x' } });
      await c.succeedAll(b!, T0);
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

    it('requeues within the queue\'s limits, as admission admits: past them QueueFullError, nothing requeued', async () => {
      const { store } = c;
      const canceled = await c.newBatch([1, 2, 3]);
      await store.cancelBatch(canceled.id, T0 + 1);
      const other = await c.newBatch([4, 5]);
      const [wf] = await store.claim('e', 1, T0 + 2, 60_000);
      await store.cancelWorkflow(wf!.id, T0 + 3);
      // Queued now: one of `other`. Requeuing the three canceled ones would make four.
      await expect(store.retryBatch(canceled.id, true, T0 + 4, { maxQueued: 3 })).rejects.toBeInstanceOf(QueueFullError);
      await expect(store.retryBatch(canceled.id, true, T0 + 4, { tenantMaxQueued: 3 })).rejects.toBeInstanceOf(QueueFullError);
      await expect(store.retryWorkflow(wf!.id, T0 + 4, { tenantMaxQueued: 1 })).rejects.toBeInstanceOf(QueueFullError);
      expect((await store.getBatch(canceled.id, T0 + 5))!).toMatchObject({ status: 'canceled', progress: { queued: 0, canceled: 3 } });
      expect((await store.getWorkflow(wf!.id))!.status).toBe('canceled');
      expect((await store.listEvents(canceled.id, 0, 100))!.map((e) => e.type)).not.toContain('batch.retried');
      // Within them, both go through.
      expect((await store.retryBatch(canceled.id, true, T0 + 6, { maxQueued: 4, tenantMaxQueued: 4 }))!.retried).toBe(3);
      expect((await store.retryWorkflow(wf!.id, T0 + 7, { maxQueued: 5, tenantMaxQueued: 5 }))!.status).toBe('queued');
      expect((await store.getBatch(other.id, T0 + 8))!.progress.queued).toBe(2);
    });

    it('resumes a requeued workflow at its failed stage with the output before it, its succeeded stages kept', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'succeeded', workflow: wf!, stage: 'fetch', at: T0 + 7, output: { fetched: 1 }, next: 'process' });
      await store.record({ kind: 'failed', workflow: wf!, stage: 'process', at: T0 + 9, error: { code: 'X', message: 'x' } });
      const requeued = (await store.retryWorkflow(wf!.id, T0 + 20))!;
      expect(requeued).toMatchObject({ status: 'queued', error: null, finishedAt: null, queuedAt: new Date(T0 + 20).toISOString() });
      expect(requeued.stages.map((s) => [s.status, s.attempts, s.durationMs])).toEqual([['succeeded', 1, 7], ['pending', 1, null], ['pending', 0, null]]);
      expect((await store.getBatch(batch.id, T0 + 20))!).toMatchObject({
        status: 'running', progress: { queued: 1, failed: 0 }, stages: { fetch: { succeeded: 1 }, process: { failed: 0 } },
      });
      const [again] = await store.claim('e', 1, T0 + 21, 60_000);
      expect(again!.output).toEqual({ fetched: 1 });
      await store.record({ kind: 'started', workflow: again!, stage: 'process', at: T0 + 21 });
      await store.record({ kind: 'succeeded', workflow: again!, stage: 'process', at: T0 + 22, output: {}, next: 'store' });
      await store.record({ kind: 'succeeded', workflow: again!, stage: 'store', at: T0 + 23, output: {} });
      expect((await store.getBatch(batch.id, T0 + 23))!).toMatchObject({ status: 'succeeded', progress: { succeeded: 1 } });
    });

    it('requeues canceled workflows only when asked, and logs one batch.retried with the number', async () => {
      const { store } = c;
      const batch = await c.newBatch([1, 2, 3]);
      const [failing] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: failing!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'failed', workflow: failing!, stage: 'fetch', at: T0 + 1, error: { code: 'X', message: 'x' } });
      await store.cancelBatch(batch.id, T0 + 2);
      expect((await store.getBatch(batch.id, T0 + 2))!.status).toBe('failed');
      expect((await store.retryBatch(batch.id, false, T0 + 3))!).toMatchObject({ retried: 1, batch: { progress: { queued: 1, canceled: 2 } } });
      // Nothing failed is left: a retry without canceled ones requeues nothing and logs nothing.
      const events = await store.listEvents(batch.id, 0, 100);
      expect((await store.retryBatch(batch.id, false, T0 + 4))!.retried).toBe(0);
      expect(await store.listEvents(batch.id, 0, 100)).toEqual(events);
      expect((await store.retryBatch(batch.id, true, T0 + 5))!).toMatchObject({ retried: 2, batch: { progress: { queued: 3, canceled: 0 } } });
      const retried = (await store.listEvents(batch.id, 0, 100))!.filter((e) => e.type === 'batch.retried');
      expect(retried).toMatchObject([{ workflows: 1, at: T0 + 3 }, { workflows: 2, at: T0 + 5 }]);
    });

    it('refuses to retry a workflow that is not failed or canceled, and answers null for an unknown id', async () => {
      const { store } = c;
      await c.newBatch([1, 2]);
      const [running] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: running!, stage: 'fetch', at: T0 });
      const queued = (await store.claim('f', 1, T0, 60_000))[0]!;
      await expect(store.retryWorkflow(running!.id, T0 + 1)).rejects.toBeInstanceOf(NotRetryableError);
      await expect(store.retryWorkflow(queued.id, T0 + 1)).rejects.toBeInstanceOf(NotRetryableError);
      expect((await store.getWorkflow(running!.id))!.stages[0]!.status).toBe('running');
      expect(await store.retryWorkflow(UNKNOWN_ID, T0)).toBeNull();
      expect(await store.retryBatch(UNKNOWN_ID, true, T0)).toBeNull();
    });
  });
}
