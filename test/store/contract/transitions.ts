/**
 * A runner's transitions (RunnerStore.record). The Store promises:
 * - a transition and the events it causes are persisted together; `record` resolves once durable;
 * - the runner sends the stage's new state whole and the store derives every counter from it;
 * - `succeeded` with `next` also starts that stage in the same write; the last stage's success
 *   finishes the workflow, a failure fails it and skips the stages after;
 * - `retrying` gives up the lease until `retryAt` (the stage waits `pending`, keeping its error);
 * - `canceled` skips the running stage and every later one; the workflow ends canceled;
 * - `interrupted` counts the attempt, leaves the stage `pending` and gives up the lease;
 * - the last succeeded stage's output is the next claim's input.
 * Fences on lease and epoch: fences.ts. Counters: counters.ts. Events: events.ts.
 */
import { describe, expect, it } from 'vitest';
import { T0, type Contract } from './harness.js';

export function transitionsContract(c: Contract): void {
  describe('transitions', () => {
    it('keeps counters true through a full run and finishes the batch once', async () => {
      const { store } = c;
      const batch = await c.newBatch([1, 2]);
      const [a, b] = await store.claim('e', 2, T0, 60_000);
      await store.record({ kind: 'started', workflow: a!, stage: 'fetch', at: T0 + 5 });
      let view = (await store.getBatch(batch.id, T0 + 6))!;
      expect(view.status).toBe('running');
      expect(view.progress).toMatchObject({ queued: 1, running: 1 });
      expect(view.stages.fetch.running).toBe(1);
      await store.record({ kind: 'succeeded', workflow: a!, stage: 'fetch', at: T0 + 15, output: {} });
      await store.record({ kind: 'started', workflow: a!, stage: 'process', at: T0 + 15 });
      await store.record({ kind: 'failed', workflow: a!, stage: 'process', at: T0 + 20, error: { code: 'X', message: 'boom' } });
      await c.succeedAll(b!, T0 + 10);
      view = (await store.getBatch(batch.id, T0 + 100))!;
      expect(view.status).toBe('failed');
      expect(view.finishedAt).toBe(new Date(T0 + 40).toISOString());
      expect(view.progress).toEqual({ total: 2, queued: 0, running: 0, succeeded: 1, failed: 1, canceled: 0, percent: 100 });
      expect(view.stages.fetch).toEqual({ succeeded: 2, failed: 0, running: 0, avgMs: 10, p95Ms: 10, maxMs: 10 });
      expect(view.stages.process).toMatchObject({ succeeded: 1, failed: 1, running: 0 });
      expect(view.stages.store).toMatchObject({ succeeded: 1, failed: 0 });
      expect(view.timings).toMatchObject({ elapsedMs: 40, sequentialMs: 15 + 30, speedup: 1.13 });
      const failed = (await store.getWorkflow(a!.id))!;
      expect(failed.error).toEqual({ stage: 'process', code: 'X', message: 'boom' });
      expect(failed.stages.map((s) => s.status)).toEqual(['succeeded', 'failed', 'skipped']);
    });

    it('shows when a waiting retry is due, and not once its next attempt runs', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await store.record({
        kind: 'retrying', workflow: wf!, stage: 'fetch', at: T0 + 5, error: { code: 'E', message: 'm' }, retryAt: T0 + 100,
      });
      const waiting = (await store.listWorkflows(batch.id, { limit: 10 }))!.items[0]!;
      expect(waiting.nextAttemptAt).toBe(new Date(T0 + 100).toISOString());
      expect(await store.claim('e', 1, T0 + 50, 60_000)).toEqual([]);
      const [again] = await store.claim('e', 1, T0 + 100, 60_000);
      await store.record({ kind: 'started', workflow: again!, stage: 'fetch', at: T0 + 100 });
      const running = (await store.getWorkflow(wf!.id))!;
      expect(running.stages[0]).toMatchObject({ status: 'running', attempts: 2 });
      expect(running.nextAttemptAt).toBeNull();
    });

    it('starts the next stage in the same write as a success with `next`, and keeps the output for it', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'succeeded', workflow: wf!, stage: 'fetch', at: T0 + 4, output: { n: 1 }, next: 'process' });
      const row = (await store.getWorkflow(wf!.id))!;
      expect(row.stages.map((s) => [s.status, s.attempts])).toEqual([['succeeded', 1], ['running', 1], ['pending', 0]]);
      expect(row.stages[1]!.startedAt).toBe(new Date(T0 + 4).toISOString());
      expect((await store.getBatch(batch.id, T0 + 4))!.stages).toMatchObject({ fetch: { running: 0, succeeded: 1 }, process: { running: 1 } });
      expect((await store.listEvents(batch.id, 0, 100))!.slice(-2)).toMatchObject([
        { type: 'stage.succeeded', stage: 'fetch', durationMs: 4 }, { type: 'stage.started', stage: 'process', attempt: 1, at: T0 + 4 },
      ]);
      // Interrupted there, the workflow resumes at process with fetch's output as its input.
      await store.record({ kind: 'interrupted', workflow: wf!, stage: 'process', at: T0 + 5 });
      const [again] = await store.claim('f', 1, T0 + 6, 60_000);
      expect(again!.output).toEqual({ n: 1 });
      expect(again!.stages.map((s) => [s.status, s.attempts])).toEqual([['succeeded', 1], ['pending', 1], ['pending', 0]]);
    });

    it('ends a canceled stage skipped with every stage after it, the workflow canceled', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'succeeded', workflow: wf!, stage: 'fetch', at: T0 + 1, output: {}, next: 'process' });
      await store.record({ kind: 'canceled', workflow: wf!, stage: 'process', at: T0 + 3 });
      const row = (await store.getWorkflow(wf!.id))!;
      expect(row.status).toBe('canceled');
      expect(row.stages.map((s) => s.status)).toEqual(['succeeded', 'skipped', 'skipped']);
      expect(row.stages[1]!.error).toMatchObject({ code: 'CANCELED' });
      expect((await store.getBatch(batch.id, T0 + 3))!).toMatchObject({ status: 'canceled', progress: { canceled: 1, running: 0 } });
      expect((await store.listEvents(batch.id, 0, 100))!.map((e) => e.type).slice(-3)).toEqual(['stage.canceled', 'workflow.finished', 'batch.finished']);
      // Its lease ended with it.
      expect(await store.releaseLeases('e', T0 + 4)).toBe(0);
    });

    it('gives up the lease on an interrupted stage, the attempt counted, and lets any claim resume it at once', async () => {
      const { store } = c;
      const batch = await c.newBatch([1]);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'interrupted', workflow: wf!, stage: 'fetch', at: T0 + 1 });
      expect((await store.getWorkflow(wf!.id))!).toMatchObject({ status: 'running', stages: [{ status: 'pending', attempts: 1 }, {}, {}] });
      expect((await store.getBatch(batch.id, T0 + 1))!.stages.fetch.running).toBe(0);
      const [again] = await store.claim('f', 1, T0 + 1, 60_000);
      expect(again!.id).toBe(wf!.id);
      expect(again!.leaseEpoch).not.toBe(wf!.leaseEpoch);
    });
  });
}
