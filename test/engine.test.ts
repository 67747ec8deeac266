import { afterEach, describe, expect, it } from 'vitest';
import { setTimeout as tick } from 'node:timers/promises';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { analyzeClient, synthesizeClient } from '../src/engine/stages/client-record.js';
import type { StageHandlers } from '../src/engine/stages/stage.js';
import { nearestRank, round } from '../src/model/stats.js';
import { STAGES } from '../src/model/statuses.js';
import type { Batch, Workflow } from '../src/model/types.js';
import { createService } from '../src/service.js';
import { runBatch, startService, type TestService } from './helpers.js';

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function workflowsOf(s: TestService, batchId: string): Promise<Workflow[]> {
  const page = await s.store.listWorkflows(batchId, { limit: 1000 });
  return page?.items ?? [];
}

async function batchOf(s: TestService, id: string): Promise<Batch> {
  const batch = await s.store.getBatch(id, Date.now());
  if (!batch) throw new Error('no batch');
  return batch;
}

describe('engine', () => {
  it('never runs more workflows at once than CONCURRENCY, and does run that many', async () => {
    let running = 0;
    let peak = 0;
    const stage = (name: 'fetch' | 'process' | 'store') => ({
      name,
      async run() {
        running += 1;
        peak = Math.max(peak, running);
        await tick(1);
        running -= 1;
        return { name };
      },
    });
    // Count whole workflows, not stages: a workflow holds its slot across its three stages.
    const handlers: StageHandlers = { fetch: stage('fetch'), process: stage('process'), store: stage('store') };
    service = await startService({ config: { CONCURRENCY: 3 }, engine: { handlers } });
    await runBatch(service, { clientIds: Array.from({ length: 30 }, (_, i) => i) });
    expect(peak).toBe(3);
  });

  it('runs stages in order, each receiving the previous stage\'s output', async () => {
    const calls: Array<{ clientId: unknown; stage: string; input: unknown }> = [];
    const handlers = Object.fromEntries(STAGES.map((name) => [name, {
      name,
      async run(input: unknown, ctx: { clientId: unknown }) {
        calls.push({ clientId: ctx.clientId, stage: name, input });
        return { after: name, clientId: ctx.clientId };
      },
    }])) as unknown as StageHandlers;
    service = await startService({ engine: { handlers } });
    await runBatch(service, { clientIds: ['a', 'b'] });
    for (const clientId of ['a', 'b']) {
      const mine = calls.filter((c) => c.clientId === clientId);
      expect(mine.map((c) => c.stage)).toEqual(['fetch', 'process', 'store']);
      expect(mine.map((c) => c.input)).toEqual([null, { after: 'fetch', clientId }, { after: 'process', clientId }]);
    }
  });

  it('stores the computed result of the default stages on each workflow', async () => {
    service = await startService();
    const id = await runBatch(service, { clientIds: [7, '7', 'acme-42'] });
    const workflows = await workflowsOf(service, id);
    expect(workflows.map((w) => w.clientId)).toEqual([7, '7', 'acme-42']);
    for (const w of workflows) {
      const expected = analyzeClient(synthesizeClient(w.clientId));
      expect(w.result).toMatchObject({ ...expected, storedAt: expect.any(String) });
      expect(w.attempts).toBe(3);
      expect(w.stages.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    }
  });

  it('keeps batch counters equal to the workflow rows, failures and skipped stages included', async () => {
    service = await startService();
    const clientIds = Array.from({ length: 40 }, (_, i) => `c${i}`);
    // Transient failures (some retried to success, some out of attempts) and permanent ones.
    const id = await runBatch(service, { clientIds, simulation: { failureRate: 0.3, failStage: 'process', failStageRate: 0.2, seed: 11 } });
    const batch = await batchOf(service, id);
    const workflows = await workflowsOf(service, id);
    const count = (status: string) => workflows.filter((w) => w.status === status).length;
    expect(count('failed')).toBeGreaterThan(0);
    expect(count('succeeded')).toBeGreaterThan(0);
    expect(batch.status).toBe('failed');
    expect(batch.progress).toEqual({
      total: 40, queued: count('queued'), running: count('running'), succeeded: count('succeeded'),
      failed: count('failed'), canceled: count('canceled'), percent: 100,
    });
    for (const [i, name] of STAGES.entries()) {
      const runs = workflows.map((w) => w.stages[i]!);
      expect(batch.stages[name].succeeded).toBe(runs.filter((s) => s.status === 'succeeded').length);
      expect(batch.stages[name].failed).toBe(runs.filter((s) => s.status === 'failed').length);
      expect(batch.stages[name].running).toBe(0);
    }
    for (const w of workflows.filter((x) => x.status === 'failed')) {
      const failedAt = w.stages.findIndex((s) => s.status === 'failed');
      expect(w.error).toMatchObject({ stage: STAGES[failedAt], code: expect.stringMatching(/^SIMULATED_(PERMANENT_)?FAILURE$/) });
      expect(w.stages.slice(failedAt + 1).every((s) => s.status === 'skipped')).toBe(true);
      expect(w.result).toBeNull();
    }
  });

  it('derives elapsed, sequential, speedup and summaries from the workflows', async () => {
    service = await startService({ config: { CONCURRENCY: 4 } });
    const id = await runBatch(service, { clientIds: [1, 2, 3, 4, 5, 6, 7, 8], simulation: { fetchMs: 3, processMs: 4, storeMs: 2, jitter: 0.5, seed: 3 } });
    const batch = await batchOf(service, id);
    const workflows = await workflowsOf(service, id);
    const durations = workflows.map((w) => w.durationMs!).sort((a, b) => a - b);
    const waits = workflows.map((w) => w.queueWaitMs!).sort((a, b) => a - b);
    const sequential = durations.reduce((a, b) => a + b, 0);
    const elapsed = Date.parse(batch.finishedAt!) - Date.parse(batch.createdAt);
    expect(batch.timings.elapsedMs).toBe(elapsed);
    expect(batch.timings.sequentialMs).toBe(sequential);
    expect(batch.timings.speedup).toBe(round(sequential / elapsed));
    expect(batch.timings.workflowMs).toEqual({
      avg: round(sequential / 8), p95: nearestRank(durations, 95), max: durations.at(-1),
    });
    expect(batch.timings.queueWaitMs).toEqual({
      avg: round(waits.reduce((a, b) => a + b, 0) / 8), p95: nearestRank(waits, 95), max: waits.at(-1),
    });
    for (const [i, name] of STAGES.entries()) {
      const ms = workflows.map((w) => w.stages[i]!.durationMs!).sort((a, b) => a - b);
      expect(batch.stages[name]).toMatchObject({
        avgMs: round(ms.reduce((a, b) => a + b, 0) / ms.length), p95Ms: nearestRank(ms, 95), maxMs: ms.at(-1),
      });
    }
  });

  it('claims higher priority first; batches of one priority share the claim', async () => {
    // The engine is not started: only the store's claim order is under test.
    service = await startService({ start: false });
    const batch = async (clientId: string, priority: number) => (await service!.store.createBatch({
      clientIds: [clientId], priority, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
    }, Date.now())).batch;
    const low = await batch('low', 0);
    const high = await batch('high', 5);
    const lowLater = await batch('low-later', 0);
    const claimed = await service.store.claim('test', 3, Date.now(), 1_000);
    expect(claimed[0]!.batchId).toBe(high.id);
    expect(claimed.slice(1).map((w) => w.batchId).sort()).toEqual([low.id, lowLater.id].sort());
  });

  it('a stop drops claimed workflows still waiting for a slot quietly, and leaves them queued', async () => {
    const logs: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => { logs.push(JSON.parse(line) as { level: number; msg: string }); } });
    const stage = (name: 'fetch' | 'process' | 'store') => ({ name, run: async () => { await tick(20); return { name }; } });
    const handlers: StageHandlers = { fetch: stage('fetch'), process: stage('process'), store: stage('store') };
    const config = loadConfig({}, { DB_PATH: ':memory:', CONCURRENCY: 1, SHUTDOWN_GRACE_MS: 5_000 });
    const s = await createService(config, { logger, engine: { handlers } });
    try {
      await s.start();
      // The first stage starts after the claim that filled the queue: some wait for the one slot.
      const firstStart = new Promise<void>((resolve) => {
        const off = s.engine.events.on((e) => {
          if (e.type === 'stage.started') {
            off();
            resolve();
          }
        });
      });
      await s.engine.submit({
        clientIds: Array.from({ length: 20 }, (_, i) => i), priority: 0, label: null,
        maxConcurrency: null, retry: null, timeouts: null, simulation: null,
      });
      await firstStart;
      const waiting = s.engine.stats.waiting;
      expect(waiting).toBeGreaterThan(0);
      await s.engine.stop();
      expect(logs.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([]);
      expect(logs.filter((l) => l.msg === 'claimed workflow dropped at shutdown before it started')).toHaveLength(waiting);
      const totals = await s.store.workflowTotals();
      expect(totals.default!.queued).toBeGreaterThanOrEqual(waiting);
    } finally {
      await s.stop();
    }
  });
});
