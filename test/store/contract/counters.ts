/**
 * Counters and timings (Reads.getBatch's progress, stages and timings; workflowTotals). The Store promises:
 * - a batch's counters are derived from its workflows' transitions, never drift from them, and
 *   finish the batch once (status derived from them, model/statuses.ts);
 * - p95s and maxima are exact: what sorting the workflows' own values gives, also after a retry
 *   takes values back; frozen at the finish, the same exact ones;
 * - workflowTotals: workflows by status per tenant, across all batches: active batches live,
 *   finished ones added once at their finish, taken back when a retry reopens one.
 * The same against a recount after random operations: model.ts.
 */
import { describe, expect, it } from 'vitest';
import { STAGES } from '../../../src/model/statuses.js';
import { nearestRank } from '../../../src/model/stats.js';
import type { ClaimedWorkflow } from '../../../src/store/store.js';
import { T0, type Contract } from './harness.js';

export function countersContract(c: Contract): void {
  describe('counters', () => {
    /** Asserts the batch view's p95s and maxima: what sorting its workflows' own values gives. */
    async function expectExactPercentiles(batchId: string, now: number): Promise<void> {
      const workflows = (await c.store.listWorkflows(batchId, { limit: 1_000 }))!.items;
      const of = (values: Array<number | null>) => {
        const sorted = values.filter((v): v is number => v !== null).sort((x, y) => x - y);
        return { p95: nearestRank(sorted, 95), max: sorted.at(-1) ?? null };
      };
      const view = (await c.store.getBatch(batchId, now))!;
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
      const { store } = c;
      // 45 workflows: p95 is the 43rd value of 45, not the max; durations repeat, as whole ms do.
      const batch = await c.newBatch(Array.from({ length: 45 }, (_, i) => i));
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
      await Promise.all((await store.claim('e', 100, T0 + 1_010, 60_000)).map((wf) => c.succeedAll(wf, T0 + 1_010)));
      expect((await store.getBatch(batch.id, T0 + 2_000))!.status).toBe('failed');
      await expectExactPercentiles(batch.id, T0 + 2_000);
    });

    it('totals workflows by tenant and status: active batches live, finished ones added once, taken back when a retry reopens one', async () => {
      const { store } = c;
      expect(await store.workflowTotals()).toEqual({});
      await c.newBatch([1, 2, 3]);
      const [a, b] = await store.claim('e', 2, T0, 60_000);
      const other = await c.newBatch(['a', 'b']);
      await c.succeedAll(a!, T0);
      await store.record({ kind: 'started', workflow: b!, stage: 'fetch', at: T0 });
      await store.cancelBatch(other.id, T0);
      const { batch: acme } = await store.createBatch({
        tenant: 'acme', clientIds: [9], priority: 5, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
      }, T0);
      // Tenants share a claim whatever their priorities: one each.
      const d = (await store.claim('e', 2, T0, 60_000)).find((w) => w.batchId === acme.id);
      expect(d).toBeDefined();
      await store.record({ kind: 'started', workflow: d!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'failed', workflow: d!, stage: 'fetch', at: T0 + 1, error: { code: 'X', message: 'x' } });
      expect(await store.workflowTotals()).toEqual({
        default: { queued: 1, running: 1, succeeded: 1, failed: 0, canceled: 2 },
        acme: { queued: 0, running: 0, succeeded: 0, failed: 1, canceled: 0 },
      });
      await store.retryBatch(acme.id, false, T0 + 2);
      expect((await store.workflowTotals()).acme).toEqual({ queued: 1, running: 0, succeeded: 0, failed: 0, canceled: 0 });
    });
  });
}
