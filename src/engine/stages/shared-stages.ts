/**
 * `process` and `store`, the same work in every stage set; a set may wait (or inject a failure)
 * before the work through `before` — the simulated set does, the http set does not.
 */
import type { ClientRecord, ClientReport } from './client-record.js';
import { createProcessPool, type ProcessPool } from './process-pool.js';
import type { ResultsSink } from './results-sink.js';
import { StageError, type StageContext, type StageHandler } from './stage.js';

type Before = (ctx: StageContext) => Promise<void>;
const nothing: Before = async () => {};

/** `pool` runs the CPU work (process-pool.ts): inline unless given one with worker threads. */
export function processStage(pool: Pick<ProcessPool, 'analyze'> = createProcessPool(0), before: Before = nothing): StageHandler {
  return {
    name: 'process',
    async run(input, ctx) {
      if (!isRecord(input)) throw new StageError('INVALID_INPUT', 'process expects the fetched client record');
      await before(ctx);
      return pool.analyze(input, ctx.signal, ctx.simulation?.processCpuMs);
    },
  };
}

/**
 * `results`: the caller's table (RESULTS_DATABASE_URL), written first, so a result the API shows
 * is in that table too; the service's store keeps it either way (GET /v1/workflows/{id}), written
 * with the stage's success (StageContext.keepResult): one commit, not one for the result and one more for the success.
 */
export function storeStage(now: () => number, before: Before = nothing, results: ResultsSink | null = null): StageHandler {
  return {
    name: 'store',
    async run(input, ctx) {
      if (!isReport(input)) throw new StageError('INVALID_INPUT', 'store expects the processed client report');
      await before(ctx);
      // An upsert on the workflow id: a store stage re-run after a crash writes the same row again.
      const storedAt = now();
      const result = { ...input, storedAt: new Date(storedAt).toISOString() };
      await results?.write({
        workflowId: ctx.workflowId, batchId: ctx.batchId, clientId: ctx.clientId, leaseEpoch: ctx.lease.leaseEpoch, result, storedAt,
      });
      ctx.keepResult(result, storedAt);
      return { storedAt };
    },
  };
}

function isRecord(x: unknown): x is ClientRecord {
  return typeof x === 'object' && x !== null && Array.isArray((x as ClientRecord).orders);
}

function isReport(x: unknown): x is ClientReport {
  return typeof x === 'object' && x !== null && typeof (x as ClientReport).stats === 'object';
}
