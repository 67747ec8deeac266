/**
 * Webhooks (WebhookStore). The Store promises:
 * - a batch with a callbackUrl has its delivery made due in the transaction that finishes it,
 *   and reset when a retry reopens it;
 * - claimWebhooks leases up to `limit` due deliveries until `now + leaseMs` and counts their
 *   attempt; a due one with no attempt left (the last was interrupted) is marked failed instead;
 * - recordWebhook writes a claimed attempt's outcome, fenced on its token: false when the claim
 *   no longer stands;
 * - nextWebhookAt: when the next pending delivery is due (a leased one when its lease ends), or null;
 *   without the deliveries of the tenants said to be waiting for a slot;
 * - with a share, a claim gives no tenant more than `perTenant` less what it holds already.
 */
import { describe, expect, it } from 'vitest';
import { batchInput, T0, type Contract } from './harness.js';

export function webhooksContract(c: Contract): void {
  describe('webhooks', () => {
    it('makes a webhook due when its batch finishes, claims it with a token and fences the outcome on it', async () => {
      const { store } = c;
      const { batch } = await store.createBatch({
        clientIds: [1], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
        callbackUrl: 'http://receiver.test/hook',
      }, T0);
      expect(await store.nextWebhookAt()).toBeNull();
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await c.succeedAll(wf!, T0);
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

    it('resets a delivery when a retry reopens its batch: not due, the old claim refused, due again at the next finish', async () => {
      const { store } = c;
      const { batch } = await store.createBatch(batchInput([1], { callbackUrl: 'http://receiver.test/hook' }), T0);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'failed', workflow: wf!, stage: 'fetch', at: T0 + 1, error: { code: 'X', message: 'x' } });
      expect(await store.nextWebhookAt()).toBe(T0 + 1);
      const [before] = await store.claimWebhooks(T0 + 1, 10, 5_000, 3);
      await store.retryBatch(batch.id, false, T0 + 2);
      expect(await store.nextWebhookAt()).toBeNull();
      expect((await store.getBatch(batch.id, T0 + 2))!.webhook).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await store.recordWebhook(before!, { status: 'delivered', at: T0 + 3 })).toBe(false);
      expect(await store.claimWebhooks(T0 + 10_000, 10, 5_000, 3)).toEqual([]);
      const [again] = await store.claim('e', 1, T0 + 4, 60_000);
      await c.succeedAll(again!, T0 + 4);
      expect(await store.nextWebhookAt()).toBe(T0 + 34);
      expect(await store.claimWebhooks(T0 + 34, 10, 5_000, 3)).toMatchObject([{ batchId: batch.id, attempt: 1 }]);
    });

    it('shares the claim between tenants: none gets more than perTenant less what it holds; a waiting tenant is not due', async () => {
      const { store } = c;
      const hooked = (tenant: string, id: number) => batchInput([id], { tenant, callbackUrl: `http://${tenant}.test/hook` });
      // acme's four finish first (due first), globex's one last.
      for (const [tenant, id] of [['acme', 1], ['acme', 2], ['acme', 3], ['acme', 4], ['globex', 5]] as const) {
        await store.createBatch(hooked(tenant, id), T0);
        const [wf] = await store.claim('e', 1, T0 + id, 60_000);
        await c.succeedAll(wf!, T0 + id);
      }
      const now = T0 + 1_000;
      const first = await store.claimWebhooks(now, 10, 5_000, 3, { perTenant: 2, held: { acme: 1 } });
      expect(first.map((w) => w.tenant).sort()).toEqual(['acme', 'globex']);
      expect(first.every((w) => w.url.startsWith(`http://${w.tenant}.test/`))).toBe(true);
      // acme holds 2 now: nothing more for it, and what it has due is not a time to wake for.
      expect(await store.claimWebhooks(now, 10, 5_000, 3, { perTenant: 2, held: { acme: 2, globex: 1 } })).toEqual([]);
      expect(await store.nextWebhookAt(['acme'])).toBe(now + 5_000);
      expect(await store.nextWebhookAt()).toBe(T0 + 32);
      // Without a share, everything due is claimed.
      expect(await store.claimWebhooks(now, 10, 5_000, 3)).toHaveLength(3);
    });

    it('marks a delivery failed when its last attempt was interrupted, and keeps none for a batch without a callback', async () => {
      const { store } = c;
      const { batch } = await store.createBatch(batchInput([1], { callbackUrl: 'http://receiver.test/hook' }), T0);
      const plain = await c.newBatch([2]);
      for (const wf of await store.claim('e', 2, T0, 60_000)) await c.succeedAll(wf, T0);
      expect((await store.getBatch(plain.id, T0 + 30))!.webhook).toBeNull();
      // One attempt allowed; it is claimed and never reported (its deliverer died).
      expect(await store.claimWebhooks(T0 + 30, 10, 1_000, 1)).toMatchObject([{ batchId: batch.id, attempt: 1 }]);
      expect(await store.claimWebhooks(T0 + 500, 10, 1_000, 1)).toEqual([]);
      expect(await store.claimWebhooks(T0 + 1_030, 10, 1_000, 1)).toEqual([]);
      expect((await store.getBatch(batch.id, T0 + 1_030))!.webhook).toMatchObject({ status: 'failed', attempts: 1 });
      expect(await store.nextWebhookAt()).toBeNull();
    });
  });
}
