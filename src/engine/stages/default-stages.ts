/** The simulated stages: fetch → process → store, each after its simulated latency. */
import { synthesizeClient } from './client-record.js';
import type { ProcessPool } from './process-pool.js';
import type { ResultsSink } from './results-sink.js';
import { processStage, storeStage } from './shared-stages.js';
import { simulate } from './simulate.js';
import type { StageHandlers } from './stage.js';

export interface StageDelays {
  fetchMs: number;
  processMs: number;
  storeMs: number;
}

/**
 * `pool` runs the process stage's CPU work (inline unless given one with worker threads);
 * `results` is the caller's results table, if any (results-sink.ts).
 */
export function defaultStages(
  delays: StageDelays, now: () => number = Date.now, pool?: Pick<ProcessPool, 'analyze'>, results: ResultsSink | null = null,
): StageHandlers {
  return {
    fetch: {
      name: 'fetch',
      async run(_input, ctx) {
        await simulate('fetch', delays.fetchMs, ctx);
        return synthesizeClient(ctx.clientId);
      },
    },
    process: processStage(pool, (ctx) => simulate('process', delays.processMs, ctx)),
    store: storeStage(now, (ctx) => simulate('store', delays.storeMs, ctx), results),
  };
}
