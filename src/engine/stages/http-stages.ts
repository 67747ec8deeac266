/**
 * The `http` stage set: fetch asks the CRM (crm-fetch.ts); process and store do the simulated
 * set's work without its delays. A batch's `simulation` options mean nothing here.
 */
import type { BatchOptions } from '../../model/types.js';
import type { RunnerStore } from '../../store/store.js';
import type { CrmClient } from './crm-fetch.js';
import type { ProcessPool } from './process-pool.js';
import type { ResultsSink } from './results-sink.js';
import { processStage, storeStage } from './shared-stages.js';
import { StageError, type StageHandlers } from './stage.js';

/** The key a batch's requests carry to the CRM: its `crmKey`, else its flow key (whose limit matches the CRM's quota). */
export const crmKeyOf = (options: BatchOptions): string | null => options.crmKey ?? options.flowKey ?? null;

export function httpStages(
  store: Pick<RunnerStore, 'flowPausedUntil'>, crm: CrmClient, now: () => number = Date.now, pool?: Pick<ProcessPool, 'analyze'>,
  results: ResultsSink | null = null,
): StageHandlers {
  return {
    fetch: {
      name: 'fetch',
      run: async (_input, ctx) => {
        // A workflow claimed before its key was paused (here or on another replica) asks first:
        // the CRM said to wait, and a call now would only earn another 429.
        const key = ctx.options.flowKey ?? null;
        if (key !== null) {
          const until = await store.flowPausedUntil(key);
          const left = until - now();
          if (left > 0) {
            throw new StageError('CRM_PAUSED', `the CRM asked callers of ${key} to wait until ${new Date(until).toISOString()}`, { retryable: true, retryAfterMs: left });
          }
        }
        return crm.fetch({ clientId: ctx.clientId, signal: ctx.signal, key: crmKeyOf(ctx.options), traceparent: ctx.traceparent });
      },
    },
    process: processStage(pool),
    store: storeStage(now, undefined, results),
  };
}
