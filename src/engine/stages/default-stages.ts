/** The three default stages: fetch → process → store, each after its simulated latency. */
import type { RunnerStore } from '../../store/store.js';
import { synthesizeClient, type ClientRecord, type ClientReport } from './client-record.js';
import { createProcessPool, type ProcessPool } from './process-pool.js';
import { simulate } from './simulate.js';
import { StageError, type StageHandlers } from './stage.js';

export interface StageDelays {
  fetchMs: number;
  processMs: number;
  storeMs: number;
}

/** `pool` runs the process stage's CPU work (inline unless given one with worker threads). */
export function defaultStages(
  store: Pick<RunnerStore, 'saveResult'>, delays: StageDelays, now: () => number = Date.now,
  pool: Pick<ProcessPool, 'analyze'> = createProcessPool(0),
): StageHandlers {
  return {
    fetch: {
      name: 'fetch',
      async run(_input, ctx) {
        await simulate('fetch', delays.fetchMs, ctx);
        return synthesizeClient(ctx.clientId);
      },
    },
    process: {
      name: 'process',
      async run(input, ctx) {
        if (!isRecord(input)) throw new StageError('INVALID_INPUT', 'process expects the fetched client record');
        await simulate('process', delays.processMs, ctx);
        return pool.analyze(input, ctx.signal, ctx.simulation?.processCpuMs);
      },
    },
    store: {
      name: 'store',
      async run(input, ctx) {
        if (!isReport(input)) throw new StageError('INVALID_INPUT', 'store expects the processed client report');
        await simulate('store', delays.storeMs, ctx);
        // An upsert on the workflow id: a store stage re-run after a crash writes the same row again.
        const storedAt = now();
        await store.saveResult(ctx.lease, { ...input, storedAt: new Date(storedAt).toISOString() }, storedAt);
        return { storedAt };
      },
    },
  };
}

function isRecord(x: unknown): x is ClientRecord {
  return typeof x === 'object' && x !== null && Array.isArray((x as ClientRecord).orders);
}

function isReport(x: unknown): x is ClientReport {
  return typeof x === 'object' && x !== null && typeof (x as ClientReport).stats === 'object';
}
