/**
 * Cancel (Control.cancelBatch, cancelWorkflow; the rules of src/store/cancel-wins.ts). The Store promises:
 * - a workflow not running a stage (queued, claimed but waiting, between stages, waiting out a
 *   retry backoff) is canceled at once, its pending stages skipped, with `workflow.finished`;
 * - a workflow running a stage is marked and named in `abort`, for the engine running it to
 *   abort the stage; it ends canceled;
 * - cancel wins: an attempt that ends `retrying` or `interrupted` while its cancel is pending is
 *   written as `canceled` in the same commit, so nothing claims the workflow again; a lease freed
 *   on a workflow whose cancel is pending cancels it;
 * - a batch's cancel is one `batch.canceled` event; a finished workflow or batch is left as it is;
 * - an unknown (or purged) id answers null.
 */
import { describe, expect, it } from 'vitest';
import { T0, UNKNOWN_ID, type Contract } from './harness.js';

export function cancelContract(c: Contract): void {
  describe('cancel', () => {
    it('a cancel requested while the attempt was failing wins over the retry, in the same commit', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
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

    it('cancels at once what runs no stage, and marks what runs one for its engine to abort', async () => {
      const { store } = c;
      const batch = await c.newBatch([1, 2, 3, 4, 5]);
      const [running, between, backoff, waiting] = await store.claim('e', 4, T0, 60_000);
      await store.record({ kind: 'started', workflow: running!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'started', workflow: between!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'succeeded', workflow: between!, stage: 'fetch', at: T0 + 1, output: {} });
      await store.record({ kind: 'started', workflow: backoff!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'retrying', workflow: backoff!, stage: 'fetch', at: T0 + 1, error: { code: 'E', message: 'm' }, retryAt: T0 + 1_000 });
      const result = (await store.cancelBatch(batch.id, T0 + 2))!;
      expect(result.abort).toEqual([running!.id]);
      expect(result.item).toMatchObject({ status: 'running', progress: { running: 1, canceled: 4, queued: 0 } });
      const byId = new Map((await store.listWorkflows(batch.id, { limit: 10 }))!.items.map((w) => [w.id, w]));
      for (const wf of [between, backoff, waiting]) expect(byId.get(wf!.id)!.status, wf!.id).toBe('canceled');
      expect(byId.get(between!.id)!.stages.map((s) => s.status)).toEqual(['succeeded', 'skipped', 'skipped']);
      expect(byId.get(running!.id)!.stages[0]!.status).toBe('running');
      // The engine aborts the running stage: the batch ends canceled, and nothing is claimable.
      await store.record({ kind: 'canceled', workflow: running!, stage: 'fetch', at: T0 + 3 });
      expect((await store.getBatch(batch.id, T0 + 3))!).toMatchObject({ status: 'canceled', progress: { canceled: 5, running: 0 } });
      expect(await store.claim('f', 10, T0 + 2_000, 60_000)).toEqual([]);
      const finished = (await store.listEvents(batch.id, 0, 100))!.filter((e) => e.type === 'workflow.finished');
      expect(finished.map((e) => e.type === 'workflow.finished' && e.status)).toEqual(Array(5).fill('canceled'));
    });

    it('an interrupted attempt whose cancel is pending ends canceled, not pending again', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await store.cancelWorkflow(wf!.id, T0 + 1);
      await store.record({ kind: 'interrupted', workflow: wf!, stage: 'fetch', at: T0 + 2 });
      expect((await store.getWorkflow(wf!.id))!.status).toBe('canceled');
      expect((await store.getBatch(batch.id, T0 + 2))!.status).toBe('canceled');
      expect(await store.claim('f', 1, T0 + 3, 60_000)).toEqual([]);
    });

    it('a lease freed on a workflow whose cancel is pending cancels it, released or expired', async () => {
      const { store } = c;
      const batch = await c.newBatch([1, 2]);
      const [released, expired] = await store.claim('dead', 2, T0, 1_000);
      for (const wf of [released!, expired!]) await store.record({ kind: 'started', workflow: wf, stage: 'fetch', at: T0 });
      expect((await store.cancelBatch(batch.id, T0 + 1))!.abort.sort()).toEqual([released!.id, expired!.id].sort());
      expect(await store.releaseLeases('dead', T0 + 2, [released!.id])).toBe(1);
      expect((await store.getWorkflow(released!.id))!.status).toBe('canceled');
      expect(await store.releaseExpiredLeases(T0 + 1_001)).toBe(1);
      expect((await store.getWorkflow(expired!.id))!.status).toBe('canceled');
      expect((await store.getBatch(batch.id, T0 + 1_001))!).toMatchObject({ status: 'canceled', progress: { canceled: 2, running: 0 } });
      expect((await store.getBatch(batch.id, T0 + 1_001))!.stages.fetch.running).toBe(0);
      expect(await store.claim('f', 10, T0 + 1_002, 60_000)).toEqual([]);
    });

    it('leaves a finished workflow or batch as it is, and answers null for an unknown id', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await c.succeedAll(wf!, T0);
      const events = await store.listEvents(batch.id, 0, 100);
      expect(await store.cancelWorkflow(wf!.id, T0 + 100)).toMatchObject({ abort: [], item: { status: 'succeeded' } });
      expect(await store.cancelBatch(batch.id, T0 + 100)).toMatchObject({ abort: [], item: { status: 'succeeded' } });
      expect(await store.listEvents(batch.id, 0, 100)).toEqual(events);
      expect(await store.cancelBatch(UNKNOWN_ID, T0)).toBeNull();
      expect(await store.cancelWorkflow(UNKNOWN_ID, T0)).toBeNull();
    });
  });
}
