/**
 * What failed across batches (Reads.listFailedWorkflows, listFailedWebhooks;
 * WebhookStore.redeliverWebhook). The Store promises:
 * - listFailedWorkflows lists failed workflows of every batch (of one tenant, if asked) by when
 *   they failed, newest first, each once across pages; filtered by stage, error code and a time;
 *   a cursor it did not issue is refused;
 * - a workflow retried since it failed is no longer listed;
 * - listFailedWebhooks lists batches whose delivery failed (of one tenant, if asked), newest first;
 * - redeliverWebhook makes a failed delivery due at once with a fresh round of attempts, and
 *   refuses (false, nothing changed) one that is pending, delivered, absent or unknown.
 */
import { describe, expect, it } from 'vitest';
import type { ClaimedWorkflow } from '../../../src/store/store.js';
import { InvalidCursorError } from '../../../src/store/store.js';
import { batchInput, T0, UNKNOWN_ID, type Contract } from './harness.js';

export function failuresContract(c: Contract): void {
  /** Runs a claimed workflow to a failure of `stage` with `code` at `at` (the stages before succeed). */
  async function failAt(wf: ClaimedWorkflow, stage: 'fetch' | 'process' | 'store', code: string, at: number): Promise<void> {
    const { store } = c;
    for (const s of ['fetch', 'process', 'store'] as const) {
      await store.record({ kind: 'started', workflow: wf, stage: s, at: at - 1 });
      if (s === stage) {
        await store.record({ kind: 'failed', workflow: wf, stage: s, at, error: { code, message: `${code} in ${s}` } });
        return;
      }
      await store.record({ kind: 'succeeded', workflow: wf, stage: s, at: at - 1, output: { s } });
    }
  }

  describe('failures across batches', () => {
    it('lists failed workflows of every batch newest failure first, page by page, by tenant, stage, code and time', async () => {
      const { store } = c;
      const a = (await store.createBatch(batchInput([1, 2, 3], { tenant: 'acme' }), T0)).batch;
      const b = (await store.createBatch(batchInput([4, 5], { tenant: 'acme' }), T0)).batch;
      const other = (await store.createBatch(batchInput([6], { tenant: 'globex' }), T0)).batch;
      const claimed = await store.claim('e', 10, T0, 60_000);
      const byClient = new Map(claimed.map((wf) => [wf.clientId, wf]));
      await failAt(byClient.get(1)!, 'fetch', 'CRM_DOWN', T0 + 100);
      await failAt(byClient.get(4)!, 'process', 'INVALID', T0 + 300);
      await failAt(byClient.get(2)!, 'process', 'INVALID', T0 + 200);
      // Two failures in the same millisecond: the cursor must neither skip nor repeat one.
      await failAt(byClient.get(3)!, 'store', 'DISK', T0 + 300);
      await c.succeedAll(byClient.get(5)!, T0);
      await failAt(byClient.get(6)!, 'fetch', 'CRM_DOWN', T0 + 400);

      const clients = async (query: Parameters<typeof store.listFailedWorkflows>[0]) => {
        const seen: unknown[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listFailedWorkflows({ ...query, ...(cursor && { cursor }) });
          seen.push(...page.items.map((w) => w.clientId));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return seen;
      };
      // 4 and 3 failed in the same millisecond: the later row (4, admitted after 3) first.
      expect(await clients({ limit: 10 })).toEqual([6, 4, 3, 2, 1]);
      expect(await clients({ tenant: 'acme', limit: 1 })).toEqual([4, 3, 2, 1]);
      expect(await clients({ tenant: 'globex', limit: 1 })).toEqual([6]);
      expect(await clients({ tenant: 'acme', stage: 'process', limit: 1 })).toEqual([4, 2]);
      expect(await clients({ errorCode: 'CRM_DOWN', limit: 5 })).toEqual([6, 1]);
      expect(await clients({ tenant: 'acme', since: T0 + 200, errorCode: 'INVALID', limit: 5 })).toEqual([4, 2]);
      expect(await clients({ tenant: 'nobody', limit: 5 })).toEqual([]);

      const [first] = (await store.listFailedWorkflows({ tenant: 'acme', stage: 'fetch', limit: 1 })).items;
      expect(first).toMatchObject({
        batchId: a.id, tenant: 'acme', clientId: 1, status: 'failed', error: { stage: 'fetch', code: 'CRM_DOWN', message: 'CRM_DOWN in fetch' },
      });
      expect([b.id, other.id]).not.toContain(first!.batchId);
      await expect(store.listFailedWorkflows({ limit: 1, cursor: 'bm9wZQ' })).rejects.toBeInstanceOf(InvalidCursorError);
      // A batch cursor (s…) is not a failure cursor (t…).
      await expect(store.listFailedWorkflows({ limit: 1, cursor: Buffer.from('s5').toString('base64url') })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('no longer lists a workflow retried since it failed', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await failAt(wf!, 'fetch', 'X', T0 + 10);
      expect((await store.listFailedWorkflows({ limit: 5 })).items.map((w) => w.id)).toEqual([wf!.id]);
      await store.retryBatch(batch.id, false, T0 + 20);
      expect((await store.listFailedWorkflows({ limit: 5 })).items).toEqual([]);
    });

    it('lists failed webhook deliveries by tenant and redelivers only a failed one, with a fresh round of attempts', async () => {
      const { store } = c;
      const hook = { callbackUrl: 'http://receiver.test/hook?token=secret' };
      const failed = (await store.createBatch(batchInput([1], { tenant: 'acme', label: 'f', ...hook }), T0)).batch;
      const delivered = (await store.createBatch(batchInput([2], { tenant: 'acme', ...hook }), T0)).batch;
      const theirs = (await store.createBatch(batchInput([3], { tenant: 'globex', ...hook }), T0)).batch;
      const plain = (await store.createBatch(batchInput([4], { tenant: 'acme' }), T0)).batch;
      for (const wf of await store.claim('e', 4, T0, 60_000)) await c.succeedAll(wf, T0);
      for (const claim of await store.claimWebhooks(T0 + 30, 10, 5_000, 1)) {
        const outcome = claim.batchId === delivered.id
          ? { status: 'delivered' as const, at: T0 + 31 }
          : { status: 'failed' as const, at: T0 + 31, error: 'HTTP 5xx', nextAt: null };
        expect(await store.recordWebhook(claim, outcome)).toBe(true);
      }
      const all = await store.listFailedWebhooks({ limit: 1 });
      expect(all.items.map((d) => d.batchId)).toEqual([theirs.id]);
      const next = await store.listFailedWebhooks({ limit: 1, cursor: all.nextCursor! });
      expect(next.items.map((d) => d.batchId)).toEqual([failed.id]);
      expect(next.nextCursor).toBeNull();
      const acme = await store.listFailedWebhooks({ tenant: 'acme', limit: 10 });
      expect(acme.items).toEqual([{
        batchId: failed.id, tenant: 'acme', label: 'f', finishedAt: new Date(T0 + 30).toISOString(),
        // The URL as every reader sees it: no path, no query (where tokens live).
        webhook: { url: 'http://receiver.test/…', status: 'failed', attempts: 1, lastError: 'HTTP 5xx', deliveredAt: null },
      }]);

      for (const id of [delivered.id, plain.id, UNKNOWN_ID]) expect(await store.redeliverWebhook(id, T0 + 40)).toBe(false);
      expect(await store.nextWebhookAt()).toBeNull();
      expect(await store.redeliverWebhook(failed.id, T0 + 40)).toBe(true);
      expect(await store.redeliverWebhook(failed.id, T0 + 41)).toBe(false);
      expect((await store.getBatch(failed.id, T0 + 40))!.webhook).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
      expect(await store.nextWebhookAt()).toBe(T0 + 40);
      expect((await store.listFailedWebhooks({ tenant: 'acme', limit: 10 })).items).toEqual([]);
      expect(await store.claimWebhooks(T0 + 40, 10, 5_000, 1)).toMatchObject([{ batchId: failed.id, attempt: 1, url: hook.callbackUrl }]);
    });
  });
}
