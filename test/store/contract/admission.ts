/**
 * Admission (Store.createBatch). The Store promises:
 * - the batch and all its workflows are written in one transaction, every workflow `queued`,
 *   client ids echoed exactly as sent, and a `batch.created` event with the total;
 * - it resolves once committed;
 * - `maxQueued`: QueueFullError when the queue (workflows `queued`, over every batch) would then
 *   hold more than this; `tenantMaxQueued`: the same, counting only the batch's tenant;
 * - an idempotency key seen before with the same fingerprint (within its ttl) writes nothing and
 *   returns that batch with `replayed: true`; with another fingerprint, IdempotencyConflictError;
 *   once the key expired, the same request is a new batch;
 * - QueueFullError or IdempotencyConflictError: nothing was written;
 * - `claim` leases runnable work in the batch's own transaction (a replay claims nothing), and
 *   `onCommitted` is told once it committed, with what was claimed.
 */
import { describe, expect, it } from 'vitest';
import { IdempotencyConflictError, QueueFullError, StorageQuotaError } from '../../../src/store/store.js';
import { batchInput, T0, type Contract } from './harness.js';

export function admissionContract(c: Contract): void {
  describe('admission', () => {
    it('counts every workflow a tenant stores against tenantMaxStored, canceled ones too, until purged; another tenant is not affected', async () => {
      const { store } = c;
      const limits = { tenantMaxStored: 5 };
      const acme = (ids: number[]) => batchInput(ids, { tenant: 'acme' });
      const first = (await store.createBatch(acme([1, 2, 3]), T0, limits)).batch;
      // Canceled, it is finished, and still stored: the submit-and-cancel loop gains nothing.
      await store.cancelBatch(first.id, T0 + 1);
      await expect(store.createBatch(acme([4, 5, 6]), T0 + 2, limits)).rejects.toBeInstanceOf(StorageQuotaError);
      expect((await store.listBatches({ limit: 10, tenant: 'acme' }, T0 + 2)).items).toHaveLength(1);
      await store.createBatch(acme([4, 5]), T0 + 2, limits);
      await expect(store.createBatch(acme([6]), T0 + 3, limits)).rejects.toThrow(/tenant acme stores 5 workflows.*quota of 5/);
      await store.createBatch(batchInput([1, 2, 3, 4, 5], { tenant: 'globex' }), T0 + 3, limits);
      // Purged, its workflows no longer count.
      await store.purgeFinished(T0 + 10, 500);
      await store.createBatch(acme([6, 7, 8]), T0 + 11, limits);
    });

    it('claims in the batch\'s own transaction when asked, and tells onCommitted what it claimed; a replay claims nothing', async () => {
      const { store } = c;
      const heard: string[][] = [];
      const options = {
        claim: { owner: 'e1', limit: 2, leaseMs: 60_000 }, idempotency: { key: 'k', fingerprint: 'f', ttlMs: 60_000 },
        onCommitted: (claimed: Array<{ clientId: unknown; leaseOwner: string | null }>) => heard.push(claimed.map((w) => `${String(w.clientId)}@${w.leaseOwner}`)),
      };
      const { batch } = await store.createBatch(batchInput([1, 2, 3]), T0, options);
      expect(heard).toEqual([['1@e1', '2@e1']]);
      // The two are leased: only the third is left for a claim of its own.
      expect((await store.claim('e2', 5, T0 + 1, 60_000)).map((w) => [w.clientId, w.batchId])).toEqual([[3, batch.id]]);
      expect((await store.createBatch(batchInput([1, 2, 3]), T0 + 2, options)).replayed).toBe(true);
      expect(heard).toEqual([['1@e1', '2@e1'], []]);
    });

    it('creates a batch with every workflow queued, echoing client ids as sent', async () => {
      const { store } = c;
      const batch = await c.newBatch([1, '1', 'x']);
      expect(batch).toMatchObject({ status: 'queued', label: 'l', createdAt: new Date(T0).toISOString() });
      expect(batch.progress).toMatchObject({ total: 3, queued: 3, percent: 0 });
      const page = await store.listWorkflows(batch.id, { limit: 10 });
      expect(page?.items.map((w) => [w.clientId, w.status, w.stage])).toEqual([
        [1, 'queued', null], ['1', 'queued', null], ['x', 'queued', null],
      ]);
      expect(await store.listEvents(batch.id, 0, 10)).toMatchObject([{ type: 'batch.created', batchId: batch.id, total: 3, at: T0 }]);
    });

    it('refuses a batch past maxQueued, writing nothing; replays an idempotent request; refuses a reused key', async () => {
      const { store } = c;
      const input = (clientIds: number[]) => batchInput(clientIds);
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

    it('writes nothing when it refuses or replays: no batch, workflow, event or total moves', async () => {
      const { store } = c;
      const key = { key: 'k', fingerprint: 'f1', ttlMs: 60_000 };
      const { batch } = await store.createBatch(batchInput([1, 2], { tenant: 'acme' }), T0, { idempotency: key });
      const before = {
        batches: (await store.listBatches({ limit: 10 }, T0)).items,
        events: await store.listEvents(batch.id, 0, 100),
        totals: await store.workflowTotals(),
      };
      const after = async () => ({
        batches: (await store.listBatches({ limit: 10 }, T0)).items,
        events: await store.listEvents(batch.id, 0, 100),
        totals: await store.workflowTotals(),
      });
      await expect(store.createBatch(batchInput([3, 4]), T0, { maxQueued: 3 })).rejects.toBeInstanceOf(QueueFullError);
      await expect(store.createBatch(batchInput([3, 4], { tenant: 'acme' }), T0, { tenantMaxQueued: 3 })).rejects.toBeInstanceOf(QueueFullError);
      await expect(store.createBatch(batchInput([3]), T0, { idempotency: { ...key, fingerprint: 'f2' } })).rejects.toBeInstanceOf(IdempotencyConflictError);
      const replay = await store.createBatch(batchInput([1, 2], { tenant: 'acme' }), T0 + 1, { idempotency: key });
      expect(replay).toMatchObject({ replayed: true, batch: { id: batch.id, progress: { total: 2 } } });
      expect(await after()).toEqual(before);
      // A refused key is not kept: the same key with its own fingerprint still replays the first batch.
      expect((await store.createBatch(batchInput([1, 2], { tenant: 'acme' }), T0 + 2, { idempotency: key })).batch.id).toBe(batch.id);
    });

    it('counts only queued workflows against maxQueued and tenantMaxQueued: a started one frees its place', async () => {
      const { store } = c;
      await store.createBatch(batchInput([1, 2, 3], { tenant: 'acme' }), T0, { maxQueued: 3, tenantMaxQueued: 3 });
      await expect(store.createBatch(batchInput([4], { tenant: 'acme' }), T0, { tenantMaxQueued: 3 })).rejects.toBeInstanceOf(QueueFullError);
      // A claimed workflow is still queued until its first stage starts.
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await expect(store.createBatch(batchInput([4], { tenant: 'acme' }), T0, { maxQueued: 3 })).rejects.toBeInstanceOf(QueueFullError);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 + 1 });
      // One of the three runs now: one place is free in the queue and in acme's share of it.
      expect((await store.createBatch(batchInput([4], { tenant: 'acme' }), T0 + 2, { maxQueued: 3, tenantMaxQueued: 3 })).batch.progress.queued).toBe(1);
      // Another tenant is held by the whole queue's limit, not by acme's quota.
      const other = batchInput([5], { tenant: 'other' });
      await expect(store.createBatch(other, T0 + 3, { maxQueued: 3, tenantMaxQueued: 1 })).rejects.toBeInstanceOf(QueueFullError);
      expect((await store.createBatch(other, T0 + 3, { tenantMaxQueued: 1 })).replayed).toBe(false);
    });
  });
}
