/**
 * Claims (DispatchStore.claim). The Store promises:
 * - up to `limit` runnable workflows (queued, or running but unowned) are leased to `owner`
 *   until `now + leaseMs`; each comes with what its runner needs (ids, client id, priority, the
 *   batch's options as submitted, its stages, the last output, the lease and its epoch);
 * - highest priority first; inside a priority, fair shares between tenants, then between each
 *   tenant's batches;
 * - never more of a tenant leased at once than its running cap (its quotas' `maxRunning`, else
 *   the store's default; null: none), nor of a batch than its `maxConcurrency`;
 * - a workflow claimed under its tenant's cap says so (`tenantCapped`): its end frees a place.
 * Flow keys' limits in claims: flow-limits.ts. Leases once claimed: leases.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ClaimedWorkflow, Store } from '../../../src/store/store.js';
import { batchInput, T0, type Contract } from './harness.js';

export function claimsContract(c: Contract): void {
  describe('claims', () => {
    it('hands each claimed workflow to its runner whole: its batch, options, stages, lease and epoch', async () => {
      const { store } = c;
      const options = { maxConcurrency: 3, retry: { maxAttempts: 2 }, timeouts: { fetchMs: 100 }, simulation: { fetchMs: 1 } };
      const { batch } = await store.createBatch(batchInput(['a', 2, 'c'], { ...options, priority: 4 }), T0);
      const claimed = await store.claim('owner-1', 2, T0 + 5, 1_000);
      expect(claimed).toHaveLength(2);
      const ids = (await store.listWorkflows(batch.id, { limit: 10 }))!.items.map((w) => w.id);
      for (const wf of claimed) {
        expect(ids).toContain(wf.id);
        expect(wf).toMatchObject({
          batchId: batch.id, priority: 4, status: 'queued', attempts: 0, queuedAt: T0, startedAt: null, finishedAt: null,
          leaseOwner: 'owner-1', options: expect.objectContaining(options) as unknown,
        });
        expect(wf.stages.map((s) => [s.name, s.status, s.attempts])).toEqual([['fetch', 'pending', 0], ['process', 'pending', 0], ['store', 'pending', 0]]);
        expect(wf.output ?? null).toBeNull();
      }
      expect(claimed.map((w) => w.clientId).sort()).toEqual([2, 'a']);
      expect(claimed[0]!.id).not.toBe(claimed[1]!.id);
      // The third is left for the next claim; nothing is claimable twice.
      const rest = await store.claim('owner-2', 10, T0 + 5, 1_000);
      expect(rest.map((w) => w.clientId)).toEqual(['c']);
      expect(await store.claim('owner-2', 10, T0 + 5, 1_000)).toEqual([]);
    });

    it('never claims a finished workflow', async () => {
      const { store } = c;
      const batch = await c.newBatch([1, 2, 3]);
      const [a, b] = await store.claim('e', 2, T0, 60_000);
      await c.succeedAll(a!, T0);
      await store.record({ kind: 'started', workflow: b!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'failed', workflow: b!, stage: 'fetch', at: T0 + 1, error: { code: 'X', message: 'x' } });
      await store.cancelBatch(batch.id, T0 + 2);
      // Nothing is running any more, and every lease, expired or not, is gone.
      expect(await store.releaseExpiredLeases(T0 + 120_000)).toBe(0);
      expect(await store.claim('f', 10, T0 + 120_000, 60_000)).toEqual([]);
    });

    it('shares a claim fairly between the batches of one priority, highest priority first, within maxConcurrency', async () => {
      const { store } = c;
      const big = await c.newBatch(Array.from({ length: 20 }, (_, i) => i));
      const small = await c.newBatch(['a', 'b']);
      const urgent = await c.newBatch(['u'], 5);
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
      const admit = (tenant: string, n: number) => admitTo(c.store, tenant, n);
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
        const { store } = c;
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
        const { store } = c;
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
        await c.succeedAll(capped[2]!, T0 + 2);
        expect(count(await store.claim('g', 100, T0 + 100, 60_000))).toEqual({ capped: 1 });
        // A higher cap lets more run at once.
        await store.putTenant('capped', { maxRunning: 5 }, T0 + 101);
        expect(count(await store.claim('g', 100, T0 + 101, 60_000))).toEqual({ capped: 2 });
      });

      it("takes a tenant's cap from the store's default when its quotas set none (null: explicitly none)", async () => {
        const capped = await c.open({ tenantMaxRunning: 2 });
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
  });
}
