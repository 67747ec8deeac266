/**
 * Reads (Reads.listBatches, listWorkflows, getWorkflow, getBatch). The Store promises:
 * - listBatches pages batches newest first (of one tenant, of one status, if asked), by cursor;
 * - listWorkflows pages a batch's workflows in admission order, by cursor; null when the batch
 *   does not exist;
 * - a cursor the store did not issue is refused (InvalidCursorError);
 * - a cursor tells nothing of other tenants: the same for a tenant's page whatever others wrote;
 * - getBatch / getWorkflow answer null for an unknown id.
 * Events: events.ts. Counters: counters.ts.
 */
import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../../src/store/store.js';
import { batchInput, T0, UNKNOWN_ID, type Contract } from './harness.js';

export function readsContract(c: Contract): void {
  describe('reads', () => {
    it('pages batches newest first and workflows in order, by cursor', async () => {
      const { store } = c;
      const a = await c.newBatch([1]);
      const b = await c.newBatch([2]);
      const d = await c.newBatch([3, 4, 5]);
      const first = await store.listBatches({ limit: 2 }, T0);
      expect(first.items.map((x) => x.id)).toEqual([d.id, b.id]);
      const second = await store.listBatches({ limit: 2, cursor: first.nextCursor! }, T0);
      expect(second.items.map((x) => x.id)).toEqual([a.id]);
      expect(second.nextCursor).toBeNull();
      const w1 = await store.listWorkflows(d.id, { limit: 2 });
      const w2 = await store.listWorkflows(d.id, { limit: 2, cursor: w1!.nextCursor! });
      expect([...w1!.items, ...w2!.items].map((w) => w.clientId)).toEqual([3, 4, 5]);
      expect(await store.listWorkflows('00000000-0000-4000-8000-000000000000', { limit: 2 })).toBeNull();
    });

    it('gives a tenant the same cursors whatever other tenants wrote between its batches and workflows', async () => {
      const cursors = async (others: number) => {
        const store = await c.open();
        try {
          const mine = (await store.createBatch(batchInput([1, 2], { tenant: 'acme' }), T0)).batch;
          for (let i = 0; i < others; i += 1) await store.createBatch(batchInput([10 + i, 20 + i], { tenant: 'globex' }), T0);
          await store.createBatch(batchInput([3], { tenant: 'acme' }), T0);
          const batches = await store.listBatches({ limit: 1, tenant: 'acme' }, T0);
          const workflows = await store.listWorkflows(mine.id, { limit: 1 });
          // What a cursor carries, ids aside (they differ from store to store).
          const bare = (cursor: string | null) => Buffer.from(cursor!, 'base64url').toString().replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'ID');
          const next = await store.listBatches({ limit: 1, tenant: 'acme', cursor: batches.nextCursor! }, T0);
          expect(next.items.map((b) => b.id)).toEqual([mine.id]);
          return [bare(batches.nextCursor), bare(workflows!.nextCursor)];
        } finally {
          await store.close();
        }
      };
      expect(await cursors(5)).toEqual(await cursors(0));
    });

    it('rejects a cursor it did not issue', async () => {
      const { store } = c;
      await expect(store.listBatches({ limit: 1, cursor: 'bm9wZQ' }, T0)).rejects.toThrow(/cursor/);
    });

    it('filters batches by status and answers null for unknown ids', async () => {
      const { store } = c;
      const done = await c.newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await c.succeedAll(wf!, T0);
      const waiting = await c.newBatch([2]);
      const ids = async (status: 'queued' | 'succeeded' | 'running') => (await store.listBatches({ status, limit: 10 }, T0)).items.map((b) => b.id);
      expect(await ids('queued')).toEqual([waiting.id]);
      expect(await ids('succeeded')).toEqual([done.id]);
      expect(await ids('running')).toEqual([]);
      expect((await store.listWorkflows(done.id, { status: 'succeeded', limit: 10 }))!.items.map((w) => w.id)).toEqual([wf!.id]);
      expect((await store.listWorkflows(done.id, { status: 'queued', limit: 10 }))!.items).toEqual([]);
      expect(await store.getBatch(UNKNOWN_ID, T0)).toBeNull();
      expect(await store.getWorkflow(UNKNOWN_ID)).toBeNull();
      await expect(store.listWorkflows(done.id, { limit: 1, cursor: 'bm9wZQ' })).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });
}
