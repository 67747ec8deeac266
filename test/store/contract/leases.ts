/**
 * Leases (DispatchStore.renewLeases, releaseExpiredLeases, releaseLeases, recover). The Store promises:
 * - a claimed workflow is leased to one owner until its lease expires; nobody else claims it meanwhile;
 * - renewLeases extends the leases the owner still holds on the ids named (expired or not, and
 *   only those); it names the ids it lost (freed or taken by another claim, not finished) and
 *   the ids still held whose cancel was requested; a workflow canceled meanwhile is neither;
 * - releaseExpiredLeases frees expired leases and returns how many; a stage they left running
 *   becomes `pending` (its attempt counted);
 * - releaseLeases frees the owner's leases (all, or only `ids`), not another owner's; a stage left
 *   running becomes `pending` again with a `stage.interrupted` event, so nothing stays running unowned;
 * - recover, once at start: on an `exclusive` store every lease is freed at once, on a `shared`
 *   one only expired ones; running stages become `pending`; returns how many.
 * A lease freed on a workflow whose cancel is pending cancels it: cancel.ts.
 */
import { describe, expect, it } from 'vitest';
import { T0, type Contract } from './harness.js';

export function leasesContract(c: Contract): void {
  describe('leases', () => {
    it('leases a claimed workflow to one owner until the lease expires', async () => {
      const { store } = c;
      await c.newBatch([1, 2]);
      const mine = await store.claim('a', 10, T0, 1_000);
      expect(mine).toHaveLength(2);
      expect(await store.claim('b', 10, T0 + 500, 1_000)).toHaveLength(0);
      expect(await store.releaseExpiredLeases(T0 + 999)).toBe(0);
      expect(await store.releaseExpiredLeases(T0 + 1_001)).toBe(2);
      expect(await store.claim('b', 10, T0 + 1_001, 1_000)).toHaveLength(2);
    });

    it('renews only the leases named', async () => {
      const { store } = c;
      await c.newBatch([1, 2]);
      const [one] = await store.claim('a', 10, T0, 1_000);
      expect(await store.renewLeases('a', [one!.id], T0 + 900, 1_000)).toEqual({ lost: [], canceled: [] });
      expect(await store.releaseExpiredLeases(T0 + 1_500)).toBe(1);
      expect(await store.claim('b', 10, T0 + 1_500, 1_000)).toHaveLength(1);
    });

    it('renews a lease its owner still holds even after it expired, and names the ones it lost', async () => {
      const { store } = c;
      await c.newBatch([1, 2]);
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
      const other = await c.newBatch([3]);
      const [waiting] = await store.claim('a', 10, T0 + 7_000, 1_000);
      await store.cancelBatch(other.id, T0 + 7_001);
      expect(await store.renewLeases('a', [waiting!.id], T0 + 7_002, 1_000)).toEqual({ lost: [], canceled: [] });
      // A running one whose cancel was requested (by any process) is still held, and named so its
      // run ends canceled: the heartbeat carries the cancel when no notice did.
      const third = await c.newBatch([4]);
      const [running] = await store.claim('a', 10, T0 + 8_000, 1_000);
      await store.record({ kind: 'started', workflow: running!, stage: 'fetch', at: T0 + 8_000 });
      expect((await store.cancelBatch(third.id, T0 + 8_001))!.abort).toEqual([running!.id]);
      expect(await store.renewLeases('a', [running!.id], T0 + 8_002, 1_000)).toEqual({ lost: [], canceled: [running!.id] });
    });

    it('names a lease lost once its workflow was freed, even if nobody claimed it since', async () => {
      const { store } = c;
      await c.newBatch([1]);
      const [wf] = await store.claim('a', 1, T0, 1_000);
      expect(await store.releaseExpiredLeases(T0 + 1_001)).toBe(1);
      expect(await store.renewLeases('a', [wf!.id], T0 + 1_002, 1_000)).toEqual({ lost: [wf!.id], canceled: [] });
      // Renewing did not take it back: it is free for any claim.
      expect((await store.claim('b', 1, T0 + 1_003, 1_000)).map((w) => w.id)).toEqual([wf!.id]);
    });

    it('releases an owner\'s leases with no stage left running, counters included', async () => {
      const { store } = c;
      const batch = await c.newBatch([1, 2]);
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

    it("releases only its own leases, and says each interrupted stage in the log", async () => {
      const { store } = c;
      const batch = await c.newBatch([1, 2]);
      const [mine] = await store.claim('a', 1, T0, 60_000);
      const [theirs] = await store.claim('b', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: mine!, stage: 'fetch', at: T0 + 1 });
      await store.record({ kind: 'started', workflow: theirs!, stage: 'fetch', at: T0 + 1 });
      expect(await store.releaseLeases('a', T0 + 2, [theirs!.id])).toBe(0);
      expect(await store.releaseLeases('a', T0 + 2)).toBe(1);
      expect((await store.getWorkflow(theirs!.id))!.stages[0]!.status).toBe('running');
      const events = (await store.listEvents(batch.id, 0, 100))!;
      expect(events.at(-1)).toMatchObject({ type: 'stage.interrupted', workflowId: mine!.id, stage: 'fetch', attempt: 1, at: T0 + 2 });
      expect((await store.getBatch(batch.id, T0 + 2))!.stages.fetch.running).toBe(1);
      // The other owner still holds its lease and writes under it.
      await store.record({ kind: 'succeeded', workflow: theirs!, stage: 'fetch', at: T0 + 3, output: {} });
      expect(await store.renewLeases('b', [theirs!.id], T0 + 4, 60_000)).toEqual({ lost: [], canceled: [] });
    });

    it('frees an expired lease with its running stage pending again, the attempt counted', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('dead', 1, T0, 1_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      expect(await store.releaseExpiredLeases(T0 + 1_001)).toBe(1);
      expect((await store.getWorkflow(wf!.id))!.stages[0]).toMatchObject({ status: 'pending', attempts: 1 });
      expect((await store.getBatch(batch.id, T0 + 1_001))!.stages.fetch.running).toBe(0);
      const [again] = await store.claim('alive', 1, T0 + 1_001, 1_000);
      await store.record({ kind: 'started', workflow: again!, stage: 'fetch', at: T0 + 1_002 });
      expect((await store.getWorkflow(wf!.id))!.stages[0]).toMatchObject({ status: 'running', attempts: 2 });
    });

    it('recovers a dead owner\'s running stage as pending, attempt counted, and resumes after it', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
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
  });
}
