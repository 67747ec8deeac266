/**
 * Retention (Retention.purgeFinished). The Store promises:
 * - it deletes finished batches (succeeded, failed or canceled) that finished before `before`
 *   and whose webhook is not pending, with everything kept for them (workflows, results,
 *   outputs, events, histograms, idempotency keys); from then on they read as null and control
 *   calls on them answer as for an unknown id; workflowTotals no longer count them;
 * - about `limit` workflows per call, in one short transaction; callers repeat until it deletes nothing;
 * - a batch unfinished, finished later or reopened by a retry is untouched, events included;
 * - with a scope, only the batches of the tenants in it (`tenants`), or of every tenant but
 *   those (`exceptTenants`), and each tenant's totals lose only its own.
 */
import { describe, expect, it } from 'vitest';
import type { PurgeScope } from '../../../src/store/store.js';
import { batchInput, DAY, T0, type Contract } from './harness.js';

export function retentionContract(c: Contract): void {
  describe('retention', () => {
    /** Purges until nothing is left to delete, as the retention loop does; returns the sums. */
    async function purgeAll(before: number, limit: number, scope?: PurgeScope): Promise<{ batches: number; workflows: number; events: number }> {
      const sum = { batches: 0, workflows: 0, events: 0 };
      for (;;) {
        const r = await c.store.purgeFinished(before, limit, scope);
        if (r.batches + r.workflows + r.events === 0) return sum;
        sum.batches += r.batches;
        sum.workflows += r.workflows;
        sum.events += r.events;
      }
    }

    it('purges finished batches older than the cutoff with everything kept for them, and nothing else', async () => {
      const { store } = c;
      const input = (clientIds: number[], callbackUrl?: string) => ({
        clientIds, priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null, callbackUrl,
      });
      // Old: finished on day 0, with an idempotency key that would outlive it.
      const key = { key: 'old', fingerprint: 'f', ttlMs: 100 * DAY };
      const { batch: old } = await store.createBatch(input([1, 2]), T0, { idempotency: key });
      const oldRuns = await store.claim('e', 2, T0, 60_000);
      for (const wf of oldRuns) {
        await store.saveResult(wf, { kept: false }, T0);
        await c.succeedAll(wf, T0);
      }
      // Old too, but its webhook is still to be delivered.
      const { batch: hooked } = await store.createBatch(input([3], 'http://receiver.test/hook'), T0);
      for (const wf of await store.claim('e', 1, T0, 60_000)) await c.succeedAll(wf, T0);
      // Finished on day 10: recent.
      const recent = await c.newBatch([4]);
      for (const wf of await store.claim('e', 1, T0, 60_000)) await c.succeedAll(wf, T0 + 10 * DAY);
      // Still running (and holding the store's newest rows).
      const running = await c.newBatch([5]);
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
      const { store } = c;
      const failing = await c.newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'failed', workflow: wf!, stage: 'fetch', at: T0 + 1, error: { code: 'X', message: 'x' } });
      const small = [await c.newBatch([2]), await c.newBatch([3])];
      for (const w of await store.claim('e', 10, T0, 60_000)) await c.succeedAll(w, T0);
      const newest = await c.newBatch([4]);
      await store.retryBatch(failing.id, false, T0 + 2 * DAY);
      // Two one-workflow batches are due: a limit of 1 takes one of them per call.
      expect(await store.purgeFinished(T0 + DAY, 1)).toMatchObject({ batches: 1, workflows: 1 });
      expect(await store.purgeFinished(T0 + DAY, 1)).toMatchObject({ batches: 1, workflows: 1 });
      expect(await purgeAll(T0 + 30 * DAY, 100)).toMatchObject({ batches: 0 });
      for (const b of small) expect(await store.getBatch(b.id, T0)).toBeNull();
      expect((await store.getBatch(failing.id, T0 + 2 * DAY))!.status).toBe('running');
      expect(await store.getBatch(newest.id, T0)).not.toBeNull();
    });

    it('purges only the tenants in scope, and takes back only their totals', async () => {
      const { store } = c;
      // One finished batch of each tenant, all of the same age, then one still queued (the newest rows).
      const batches = new Map<string, string>();
      for (const tenant of ['acme', 'globex', 'initech']) {
        batches.set(tenant, (await store.createBatch(batchInput([1, 2], { tenant }), T0)).batch.id);
        for (const wf of await store.claim('e', 10, T0, 60_000)) await c.succeedAll(wf, T0);
      }
      const queued = (await store.createBatch(batchInput([3], { tenant: 'acme' }), T0)).batch;
      const left = async () => {
        const kept: string[] = [];
        for (const [tenant, id] of batches) if (await store.getBatch(id, T0)) kept.push(tenant);
        return kept;
      };

      expect(await purgeAll(T0 + 5 * DAY, 1, { tenants: [] })).toMatchObject({ batches: 0 });
      expect(await purgeAll(T0 + 5 * DAY, 1, { tenants: ['globex', 'hooli'] })).toMatchObject({ batches: 1, workflows: 2 });
      expect(await left()).toEqual(['acme', 'initech']);
      // Not yet due for the others.
      expect(await purgeAll(T0, 1, { exceptTenants: ['initech'] })).toMatchObject({ batches: 0 });
      expect(await purgeAll(T0 + 5 * DAY, 1, { exceptTenants: ['initech'] })).toMatchObject({ batches: 1, workflows: 2 });
      expect(await left()).toEqual(['initech']);
      expect(await store.getBatch(queued.id, T0)).not.toBeNull();
      const totals = await store.workflowTotals();
      expect([totals.acme?.succeeded, totals.acme?.queued, totals.globex?.succeeded ?? 0, totals.initech?.succeeded]).toEqual([0, 1, 0, 2]);
    });
  });
}
