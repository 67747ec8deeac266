/**
 * Fences (RunnerStore.record, saveResult). The Store promises:
 * - every workflow write is fenced on the lease and on the claim it was made under: a writer
 *   that no longer holds the lease (expired and freed, taken by another claim, given up by its
 *   own transition), or whose claim was superseded (even by the same owner), gets LeaseLostError
 *   and nothing is written: no row, output, result, event or counter moves;
 * - LeaseLostError says whether that is the normal end of a cancel (`expected`) or a lost lease;
 * - saveResult upserts the final result under the lease; repeating it is harmless. A success that
 *   carries the result (`result`) writes it in the same write, under the same fence.
 */
import { describe, expect, it } from 'vitest';
import { LeaseLostError, type ClaimedWorkflow, type Store, type Transition } from '../../../src/store/store.js';
import { T0, type Contract } from './harness.js';

/** Everything a fenced write could move, to compare before and after a refused one. */
async function snapshot(store: Store, batchId: string, workflowId: string, at: number): Promise<unknown> {
  return {
    workflow: await store.getWorkflow(workflowId),
    batch: await store.getBatch(batchId, at),
    events: await store.listEvents(batchId, 0, 1_000),
    totals: await store.workflowTotals(),
  };
}

/** Each kind of transition a runner may report for `wf` running `fetch`, as a stale writer would. */
function everyKind(wf: ClaimedWorkflow, at: number): Transition[] {
  const error = { code: 'X', message: 'x' };
  // A copy each: a store may move the workflow it is sent before its fence refuses the write.
  const running = (): ClaimedWorkflow => {
    const copy = structuredClone(wf);
    copy.status = 'running';
    copy.stages[0] = { ...copy.stages[0]!, status: 'running', attempts: 1, startedAt: T0 };
    return copy;
  };
  return [
    { kind: 'started', workflow: structuredClone(wf), stage: 'fetch', at },
    { kind: 'succeeded', workflow: running(), stage: 'fetch', at, output: { stale: true }, next: 'process' },
    { kind: 'succeeded', workflow: running(), stage: 'fetch', at, output: { stale: true } },
    { kind: 'succeeded', workflow: running(), stage: 'fetch', at, output: { stale: true }, result: { data: { stale: true }, at } },
    { kind: 'failed', workflow: running(), stage: 'fetch', at, error },
    { kind: 'retrying', workflow: running(), stage: 'fetch', at, error, retryAt: at + 100 },
    { kind: 'canceled', workflow: running(), stage: 'fetch', at },
    { kind: 'interrupted', workflow: running(), stage: 'fetch', at },
  ];
}

export function fencesContract(c: Contract): void {
  describe('fences', () => {
    it('fences results on the lease: a claim that lost its workflow cannot save one', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('a', 1, T0, 1_000);
      await store.releaseExpiredLeases(T0 + 2_000);
      const [taken] = await store.claim('b', 1, T0 + 2_000, 1_000);
      await expect(store.saveResult(wf!, { from: 'a' }, T0 + 2_001)).rejects.toMatchObject({ code: 'LEASE_LOST', expected: false });
      expect((await store.getWorkflow(wf!.id))!.result).toBeNull();
      await store.saveResult(taken!, { from: 'b' }, T0 + 2_002);
      expect((await store.getWorkflow(wf!.id))!.result).toEqual({ from: 'b' });
      // A claim canceled while it waited: refused too, as the normal end of a cancel.
      const other = await c.newBatch([2]);
      const [waiting] = await store.claim('c', 1, T0 + 3_000, 60_000);
      await store.cancelBatch(other.id, T0 + 3_001);
      await expect(store.saveResult(waiting!, { x: 1 }, T0 + 3_002)).rejects.toMatchObject({ code: 'LEASE_LOST', expected: true });
      // Both claims were of the first batch's one workflow, the third of the other batch's.
      expect([wf!.batchId, taken!.batchId, waiting!.batchId]).toEqual([batch.id, batch.id, other.id]);
    });

    it('fences writes on the lease: a former owner cannot record', async () => {
      const { store } = c;
      await c.newBatch([1]);
      const [wf] = await store.claim('a', 1, T0, 1_000);
      await store.releaseExpiredLeases(T0 + 2_000);
      await store.claim('b', 1, T0 + 2_000, 1_000);
      await expect(store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 + 2_001 }))
        .rejects.toBeInstanceOf(LeaseLostError);
    });

    it('refuses every kind of transition from a writer whose lease was freed, or taken, writing nothing', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('a', 1, T0, 1_000);
      const stale = structuredClone(wf!);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      // Freed: nobody holds it.
      expect(await store.releaseExpiredLeases(T0 + 1_001)).toBe(1);
      let before = await snapshot(store, batch.id, wf!.id, T0 + 2_000);
      for (const t of everyKind(stale, T0 + 1_500)) {
        await expect(store.record(t), t.kind).rejects.toMatchObject({ code: 'LEASE_LOST', expected: false });
      }
      await expect(store.saveResult(stale, { stale: true }, T0 + 1_500)).rejects.toBeInstanceOf(LeaseLostError);
      expect(await snapshot(store, batch.id, wf!.id, T0 + 2_000)).toEqual(before);
      // Taken by another owner's claim.
      const [taken] = await store.claim('b', 1, T0 + 1_600, 60_000);
      expect(taken!.id).toBe(wf!.id);
      before = await snapshot(store, batch.id, wf!.id, T0 + 2_000);
      for (const t of everyKind(stale, T0 + 1_700)) await expect(store.record(t), t.kind).rejects.toBeInstanceOf(LeaseLostError);
      await expect(store.saveResult(stale, { stale: true }, T0 + 1_700)).rejects.toBeInstanceOf(LeaseLostError);
      expect(await snapshot(store, batch.id, wf!.id, T0 + 2_000)).toEqual(before);
      // The new holder writes as if nothing happened.
      await c.succeedAll(taken!, T0 + 1_800);
      expect((await store.getWorkflow(wf!.id))!.stages.map((s) => [s.status, s.attempts])).toEqual([['succeeded', 2], ['succeeded', 1], ['succeeded', 1]]);
    });

    it('refuses every write of a superseded claim of the same owner, writing nothing', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [first] = await store.claim('a', 1, T0, 60_000);
      const stale = structuredClone(first!);
      // Freed by its own owner and claimed again by it: the same owner, a new epoch.
      expect(await store.releaseLeases('a', T0 + 1)).toBe(1);
      const [second] = await store.claim('a', 1, T0 + 2, 60_000);
      expect(second!).toMatchObject({ id: first!.id, leaseOwner: 'a' });
      expect(second!.leaseEpoch).not.toBe(first!.leaseEpoch);
      const before = await snapshot(store, batch.id, first!.id, T0 + 10);
      for (const t of everyKind(stale, T0 + 3)) await expect(store.record(t), t.kind).rejects.toBeInstanceOf(LeaseLostError);
      await expect(store.saveResult(stale, { stale: true }, T0 + 3)).rejects.toBeInstanceOf(LeaseLostError);
      expect(await snapshot(store, batch.id, first!.id, T0 + 10)).toEqual(before);
      await store.saveResult(second!, { fresh: true }, T0 + 4);
      expect((await store.getWorkflow(first!.id))!.result).toEqual({ fresh: true });
    });

    // A claim whose own transition gave its lease up (`retrying`, `interrupted`) carries
    // `leaseOwner: null`, as the row does: a fence comparing the two would let it write.
    it('refuses a write after the runner gave its lease up (a retry waiting out its backoff)', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('a', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'retrying', workflow: wf!, stage: 'fetch', at: T0 + 1, error: { code: 'E', message: 'm' }, retryAt: T0 + 50 });
      const before = await snapshot(store, batch.id, wf!.id, T0 + 10);
      await expect(store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 + 2 })).rejects.toBeInstanceOf(LeaseLostError);
      await expect(store.saveResult(wf!, { early: true }, T0 + 2)).rejects.toBeInstanceOf(LeaseLostError);
      expect(await snapshot(store, batch.id, wf!.id, T0 + 10)).toEqual(before);
    });

    it('a superseded claim cannot write, even under the same owner', async () => {
      const { store } = c;
      await c.newBatch([1]);
      const [stale] = await store.claim('o', 1, T0, 60_000);
      await store.cancelWorkflow(stale!.id, T0 + 1);
      await store.retryWorkflow(stale!.id, T0 + 2);
      const [fresh] = await store.claim('o', 1, T0 + 3, 60_000);
      expect(fresh!.id).toBe(stale!.id);
      await expect(store.record({ kind: 'started', workflow: stale!, stage: 'fetch', at: T0 + 4 })).rejects.toBeInstanceOf(LeaseLostError);
      await c.succeedAll(fresh!, T0 + 5);
      expect((await store.getWorkflow(fresh!.id))!.stages.map((st) => st.attempts)).toEqual([1, 1, 1]);
    });

    it('writes a result handed over with a success together with it', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('r', 1, T0, 60_000);
      for (const [i, stage] of (['fetch', 'process'] as const).entries()) {
        await store.record({ kind: 'started', workflow: wf!, stage, at: T0 + i * 10 });
        await store.record({ kind: 'succeeded', workflow: wf!, stage, at: T0 + i * 10 + 5, output: { stage } });
      }
      await store.record({ kind: 'started', workflow: wf!, stage: 'store', at: T0 + 20 });
      expect((await store.getWorkflow(wf!.id))!.result).toBeNull();
      await store.record({ kind: 'succeeded', workflow: wf!, stage: 'store', at: T0 + 25, output: null, result: { data: { kept: 1 }, at: T0 + 24 } });
      const done = (await store.getWorkflow(wf!.id))!;
      expect(done).toMatchObject({ status: 'succeeded', result: { kept: 1 } });
      expect((await store.listWorkflows(batch.id, { limit: 10 }))!.items.map((w) => w.result)).toEqual([{ kept: 1 }]);
    });

    it('upserts results: saving twice keeps one result, the last', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await store.saveResult(wf!, { n: 1 }, T0);
      await store.saveResult(wf!, { n: 2 }, T0 + 1);
      expect((await store.getWorkflow(wf!.id))!.result).toEqual({ n: 2 });
      expect((await store.listWorkflows(batch.id, { limit: 10 }))!.items.map((w) => w.result)).toEqual([{ n: 2 }]);
    });
  });
}
