/**
 * Events (EventFeed.onEvents, onRemote; Reads.listEvents, workflowEvents). The Store promises:
 * - each change's events are written in its transaction and published to `onEvents` listeners
 *   right after it commits, in id order; a write that did not commit (refused, rolled back)
 *   publishes nothing, so what was published is exactly what the store lists;
 * - ids grow in commit order (across the store, or per batch: `capabilities.eventIds`);
 *   `listEvents` gives a batch's events after an id, oldest first, at most `limit`; null for
 *   an unknown batch; `workflowEvents` gives these workflows' events, oldest first;
 * - the batch's own events come once per change, in the order things happened: `batch.created`
 *   first, `batch.started` before its first stage starts, `batch.canceled` once per cancel that
 *   canceled something, `batch.retried` per retry that requeued something, `batch.finished` last
 *   at each finish;
 * - `onRemote` hears only of other processes sharing the store: never of this one's commits.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/model/events.js';
import { LeaseLostError } from '../../../src/store/store.js';
import { T0, type Contract } from './harness.js';

/** The batch-level events of a log, as `type` or `type:status` (a finish). */
const batchLevel = (events: EngineEvent[]): string[] => events
  .filter((e) => e.type.startsWith('batch.'))
  .map((e) => (e.type === 'batch.finished' ? `${e.type}:${e.status}` : e.type));

export function eventsContract(c: Contract): void {
  describe('events', () => {
    it('numbers each batch\'s events 1, 2, 3 … whatever other batches write meanwhile: ids tell nothing of other tenants', async () => {
      const { store } = c;
      const published: EngineEvent[] = [];
      const off = store.onEvents((e) => published.push(e));
      const mine = await c.newBatch([1]);
      const theirs = await c.newBatch([2]);
      for (const wf of await store.claim('o', 2, T0, 60_000)) await c.succeedAll(wf, T0);
      off();
      expect(store.capabilities.eventIds).toBe('per-batch');
      for (const batch of [mine, theirs]) {
        const ids = (await store.listEvents(batch.id, 0, 100))!.map((e) => e.id);
        expect(ids).toEqual(ids.map((_, i) => i + 1));
        expect(published.filter((e) => e.batchId === batch.id).map((e) => e.id)).toEqual(ids);
      }
    });

    it('writes each change\'s events in its commit, publishes them after it, and lists them after an id', async () => {
      const { store } = c;
      const published: EngineEvent[] = [];
      const off = store.onEvents((e) => published.push(e));
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('o', 1, T0, 60_000);
      await c.succeedAll(wf!, T0);
      off();
      const listed = (await store.listEvents(batch.id, 0, 100))!;
      expect(listed).toEqual(published);
      expect(listed.map((e) => ('stage' in e ? `${e.type} ${e.stage}` : e.type))).toEqual([
        'batch.created', 'batch.started', 'stage.started fetch', 'stage.succeeded fetch', 'stage.started process',
        'stage.succeeded process', 'stage.started store', 'stage.succeeded store', 'workflow.finished', 'batch.finished',
      ]);
      const ids = listed.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect((await store.listEvents(batch.id, ids[3]!, 2))!.map((e) => e.id)).toEqual(ids.slice(4, 6));
      expect(await store.listEvents('00000000-0000-4000-8000-000000000000', 0, 10)).toBeNull();
    });

    it('gives the many events of one commit the ids the log reads them back with', async () => {
      const { store } = c;
      const published: EngineEvent[] = [];
      const off = store.onEvents((e) => published.push(e));
      // One cancel of 37 queued workflows: 39 events in one transaction (a store may write them
      // several rows a statement), then a commit after them.
      const batch = await c.newBatch(Array.from({ length: 37 }, (_, i) => i));
      await store.cancelBatch(batch.id, T0 + 1);
      await store.retryBatch(batch.id, true, T0 + 2);
      off();
      const listed = (await store.listEvents(batch.id, 0, 100))!;
      expect(listed).toEqual(published);
      expect(listed.filter((e) => e.type === 'workflow.finished')).toHaveLength(37);
      expect(listed.at(-1)!.type).toBe('batch.retried');
      const ids = listed.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
    });

    it('publishes nothing of a write that did not commit, also when it was grouped with one that did', async () => {
      const { store } = c;
      const published: EngineEvent[] = [];
      store.onEvents((e) => published.push(e));
      const batch = await c.newBatch([1, 2]);
      const [lost] = await store.claim('a', 1, T0, 1_000);
      expect(await store.releaseExpiredLeases(T0 + 1_001)).toBe(1);
      const [held, other] = await store.claim('b', 2, T0 + 1_001, 60_000);
      expect([held!.id, other!.id]).toContain(lost!.id);
      // Both at once: a store may write them in one group; the stale one is refused alone.
      const [good, stale] = await Promise.allSettled([
        store.record({ kind: 'started', workflow: held!, stage: 'fetch', at: T0 + 1_002 }),
        store.record({ kind: 'started', workflow: lost!, stage: 'fetch', at: T0 + 1_002 }),
      ]);
      expect(good.status).toBe('fulfilled');
      expect(stale).toMatchObject({ status: 'rejected', reason: expect.any(LeaseLostError) as unknown });
      const listed = (await store.listEvents(batch.id, 0, 100))!;
      expect(published).toEqual(listed);
      expect(listed.filter((e) => e.type === 'stage.started')).toMatchObject([{ workflowId: held!.id, at: T0 + 1_002 }]);
    });

    it('publishes in id order across batches and writers', async () => {
      const { store } = c;
      const published: EngineEvent[] = [];
      store.onEvents((e) => published.push(e));
      const batches = await Promise.all([c.newBatch([1, 2]), c.newBatch([3]), c.newBatch([4, 5])]);
      const claimed = await store.claim('e', 10, T0, 60_000);
      await Promise.all(claimed.map((wf, i) => c.succeedAll(wf, T0 + i)));
      const ids = published.map((e) => e.id);
      if (store.capabilities.eventIds === 'commit') expect(ids).toEqual([...ids].sort((x, y) => x - y));
      for (const batch of batches) {
        const own = published.filter((e) => e.batchId === batch.id);
        expect(own.map((e) => e.id)).toEqual([...own.map((e) => e.id)].sort((x, y) => x - y));
        expect(await store.listEvents(batch.id, 0, 100)).toEqual(own);
      }
      expect(published).toHaveLength(3 * 3 + 5 * 7);
    });

    it('logs the batch\'s own events once per change, in the order they happened', async () => {
      const { store } = c;
      const batch = await c.newBatch([1, 2, 3]);
      const [a, b, d] = await store.claim('e', 3, T0, 60_000);
      // Three first starts at once: one batch.started, before the first stage.started.
      await Promise.all([a, b, d].map((wf) => store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 + 1 })));
      await store.record({ kind: 'failed', workflow: a!, stage: 'fetch', at: T0 + 2, error: { code: 'X', message: 'x' } });
      await store.cancelBatch(batch.id, T0 + 3);
      await store.record({ kind: 'canceled', workflow: b!, stage: 'fetch', at: T0 + 4 });
      await store.record({ kind: 'canceled', workflow: d!, stage: 'fetch', at: T0 + 4 });
      await store.retryBatch(batch.id, true, T0 + 5);
      await Promise.all((await store.claim('e', 3, T0 + 6, 60_000)).map((wf) => c.succeedAll(wf, T0 + 6)));
      const events = (await store.listEvents(batch.id, 0, 100))!;
      expect(batchLevel(events)).toEqual([
        'batch.created', 'batch.started', 'batch.canceled', 'batch.finished:failed', 'batch.retried', 'batch.finished:succeeded',
      ]);
      const types = events.map((e) => e.type);
      expect(types.indexOf('batch.started')).toBe(types.indexOf('stage.started') - 1);
      expect(types.at(-1)).toBe('batch.finished');
      expect(events.at(-2)).toMatchObject({ type: 'workflow.finished', status: 'succeeded' });
    });

    it('logs one batch.canceled however often a cancel is asked while a stage still runs', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      expect((await store.cancelBatch(batch.id, T0 + 1))!.abort).toEqual([wf!.id]);
      // Asked again before the engine aborted the stage: it is still to be aborted, once.
      expect((await store.cancelBatch(batch.id, T0 + 2))!.abort).toEqual([wf!.id]);
      await store.record({ kind: 'canceled', workflow: wf!, stage: 'fetch', at: T0 + 3 });
      expect(batchLevel((await store.listEvents(batch.id, 0, 100))!)).toEqual([
        'batch.created', 'batch.started', 'batch.canceled', 'batch.finished:canceled',
      ]);
    });

    it("lists one workflow's history with workflowEvents", async () => {
      const { store } = c;
      const batch = await c.newBatch([1, 2]);
      const [a, b] = await store.claim('e', 2, T0, 60_000);
      await c.succeedAll(a!, T0);
      await c.succeedAll(b!, T0);
      const history = await store.workflowEvents(batch.id, [a!.id]);
      expect(new Set(history.map((e) => ('workflowId' in e ? e.workflowId : null)))).toEqual(new Set([a!.id]));
      expect(history.filter((e) => e.type === 'stage.started')).toHaveLength(3);
      expect(history.map((e) => e.id)).toEqual([...history.map((e) => e.id)].sort((x, y) => x - y));
      expect(await store.workflowEvents(batch.id, [])).toEqual([]);
    });

    it('hears of other processes only when shared: an exclusive store never calls onRemote', async () => {
      const { store } = c;
      const heard: unknown[] = [];
      const off = store.onRemote((n) => heard.push(n));
      await c.newBatch([1]);
      off();
      // Its own commits are events (onEvents), never remote notices.
      expect(heard).toEqual([]);
    });
  });
}
