/**
 * Reads (Reads.listBatches, listWorkflows, getWorkflow, getBatch). The Store promises:
 * - listBatches pages batches newest first (of one tenant, of one status, if asked), by cursor;
 * - listWorkflows pages a batch's workflows in admission order, by cursor; null when the batch
 *   does not exist;
 * - a cursor the store did not issue is refused (InvalidCursorError);
 * - getBatch / getWorkflow answer null for an unknown id.
 * Events: events.ts. Counters: counters.ts.
 */
import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../../src/store/store.js';
import { T0, UNKNOWN_ID, type Contract } from './harness.js';

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
