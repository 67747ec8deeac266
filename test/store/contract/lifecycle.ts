/**
 * Lifecycle (Lifecycle). The Store promises:
 * - `capabilities` says who owns the data (`exclusive` or `shared`) and how event ids are
 *   ordered (`commit` or `per-batch`);
 * - ping: the store answers reads; probeWrite: it can commit a write now (a probe of its own,
 *   never grouped with real work; concurrent callers share one);
 * - close commits what is queued (a write asked for before close resolves, committed), then closes.
 */
import { describe, expect, it } from 'vitest';
import { batchInput, T0, type Contract } from './harness.js';

export function lifecycleContract(c: Contract): void {
  describe('lifecycle', () => {
    it('declares its capabilities, answers ping and commits a write probe', async () => {
      const { store } = c;
      expect(['exclusive', 'shared']).toContain(store.capabilities.owner);
      expect(['commit', 'per-batch']).toContain(store.capabilities.eventIds);
      expect(store.ping()).toBe(true);
      expect(await store.probeWrite(T0)).toBe(true);
    });

    it('shares one probe between concurrent callers, and its probes are no work', async () => {
      const { store } = c;
      expect(await Promise.all([store.probeWrite(T0), store.probeWrite(T0), store.probeWrite(T0 + 1)])).toEqual([true, true, true]);
      expect((await store.listBatches({ limit: 10 }, T0)).items).toEqual([]);
      expect(await store.workflowTotals()).toEqual({});
      expect(await store.claim('e', 10, T0, 60_000)).toEqual([]);
    });

    it('commits at close what was queued before it', async () => {
      const other = await c.open();
      await other.createBatch(batchInput([1]), T0);
      const [wf] = await other.claim('e', 1, T0, 60_000);
      // The engine's last writes at shutdown, still queued when it closes the store.
      const queued = other.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await other.close();
      await expect(queued).resolves.toBeUndefined();
    });
  });
}
