/** Retries with backoff, permanent failures, and stage timeouts that really abort. */
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/engine/events.js';
import type { StageHandler, StageHandlers } from '../src/engine/stages/stage.js';
import type { Workflow } from '../src/model/types.js';
import { runBatch, startService, type TestService } from './helpers.js';

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function workflows(s: TestService, batchId: string): Promise<Workflow[]> {
  return (await s.store.listWorkflows(batchId, { limit: 1000 }))!.items;
}

function collect(s: TestService): EngineEvent[] {
  const events: EngineEvent[] = [];
  s.engine.events.on((e) => events.push(e));
  return events;
}

describe('retries', () => {
  it('retries transient failures with bounded backoff until they succeed', async () => {
    service = await startService();
    const events = collect(service);
    const retry = { maxAttempts: 8, baseMs: 2, maxMs: 6 };
    const id = await runBatch(service, {
      clientIds: Array.from({ length: 20 }, (_, i) => `t${i}`), retry, simulation: { failureRate: 0.4, seed: 5 },
    });
    const all = await workflows(service, id);
    expect(all.every((w) => w.status === 'succeeded')).toBe(true);
    const retried = all.filter((w) => w.attempts > 3);
    expect(retried.length).toBeGreaterThan(0);
    for (const w of all) {
      expect(w.attempts).toBe(w.stages.reduce((n, s) => n + s.attempts, 0));
      for (const s of w.stages) expect(s.error).toBeNull();
    }
    const retrying = events.filter((e) => e.type === 'stage.retrying');
    expect(retrying.length).toBe(all.reduce((n, w) => n + w.attempts - 3, 0));
    for (const e of retrying) {
      expect(e.error.code).toBe('SIMULATED_FAILURE');
      expect(e.delayMs).toBeLessThanOrEqual(Math.min(retry.maxMs, retry.baseMs * 2 ** (e.attempt - 1)));
      expect(e.nextAttemptAt).toBe(e.at + e.delayMs);
    }
  });

  it('fails a workflow at its last attempt, recording each attempt and the last error', async () => {
    service = await startService();
    const id = await runBatch(service, {
      clientIds: ['x'], retry: { maxAttempts: 4, baseMs: 1, maxMs: 1 }, simulation: { failureRate: 1 },
    });
    const [w] = await workflows(service, id);
    expect(w).toMatchObject({ status: 'failed', attempts: 4, error: { stage: 'fetch', code: 'SIMULATED_FAILURE' } });
    expect(w!.stages.map((s) => [s.status, s.attempts])).toEqual([['failed', 4], ['skipped', 0], ['skipped', 0]]);
  });

  it('does not retry a permanent failure', async () => {
    service = await startService();
    const id = await runBatch(service, { clientIds: ['p1', 'p2'], simulation: { failStage: 'process' } });
    for (const w of await workflows(service, id)) {
      expect(w).toMatchObject({ status: 'failed', attempts: 2, error: { stage: 'process', code: 'SIMULATED_PERMANENT_FAILURE' } });
      expect(w.stages.map((s) => [s.status, s.attempts])).toEqual([['succeeded', 1], ['failed', 1], ['skipped', 0]]);
    }
    const batch = (await service.store.getBatch(id, Date.now()))!;
    expect(batch).toMatchObject({ status: 'failed', progress: { failed: 2, percent: 100 } });
  });

  it('fails the same clients permanently under the same seed', async () => {
    service = await startService();
    const body = { clientIds: Array.from({ length: 30 }, (_, i) => i), simulation: { failStage: 'store', failStageRate: 0.5, seed: 9 } };
    const failedIn = async () => (await workflows(service!, await runBatch(service!, body)))
      .filter((w) => w.status === 'failed').map((w) => w.clientId);
    const first = await failedIn();
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(30);
    expect(await failedIn()).toEqual(first);
  });
});

describe('stage timeouts', () => {
  it('abort the handler through its signal and count as retryable failures', async () => {
    let aborted = 0;
    const hang: StageHandler = {
      name: 'process',
      run: (_input, ctx) => new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          aborted += 1;
          reject(ctx.signal.reason);
        }, { once: true });
      }),
    };
    const quick = (name: 'fetch' | 'store'): StageHandler => ({ name, run: async () => ({ ok: name }) });
    const handlers: StageHandlers = { fetch: quick('fetch'), process: hang, store: quick('store') };
    service = await startService({ engine: { handlers } });
    const id = await runBatch(service, {
      clientIds: ['slow'], timeouts: { processMs: 5 }, retry: { maxAttempts: 2, baseMs: 1, maxMs: 1 },
    });
    const [w] = await workflows(service, id);
    expect(aborted).toBe(2);
    expect(w).toMatchObject({ status: 'failed', error: { stage: 'process', code: 'TIMEOUT' } });
    expect(w!.stages[1]).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'TIMEOUT' } });
  });

  it('end a simulated delay at once', async () => {
    service = await startService({ config: { STAGE_TIMEOUT_MS: 5, RETRY_MAX_ATTEMPTS: 1 } });
    const id = await runBatch(service, { clientIds: [1], simulation: { fetchMs: 600_000 } });
    const [w] = await workflows(service, id);
    expect(w).toMatchObject({ status: 'failed', error: { stage: 'fetch', code: 'TIMEOUT' } });
    // Queue wait is reported apart from run time.
    expect(w!.queueWaitMs).not.toBeNull();
    expect(w!.durationMs).toBe(w!.stages[0]!.durationMs);
  });
});
