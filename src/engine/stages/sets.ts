/**
 * The stage sets a batch may choose (`stages` in its options): each a full fetch → process →
 * store of handlers. The runner asks for the set of each workflow's batch; a set this server
 * cannot run (`http` without CRM_URL_TEMPLATE: a replica configured unlike the one that took the
 * batch) fails the fetch stage permanently, naming what is missing.
 */
import { stageSetOf, type BatchOptions, type StageSetName } from '../../model/types.js';
import type { RunnerStore } from '../../store/store.js';
import { crmClient, type CrmOptions } from './crm-fetch.js';
import { defaultStages, type StageDelays } from './default-stages.js';
import { httpStages } from './http-stages.js';
import type { ProcessPool } from './process-pool.js';
import type { ResultsSink } from './results-sink.js';
import { StageError, type StageHandlers } from './stage.js';

export interface StageSets {
  /** The handlers for a workflow of a batch with these options. */
  of(options: BatchOptions): StageHandlers;
  /** Frees what the sets hold (the CRM's sockets), once no stage runs. */
  close(): Promise<void>;
}

export interface StageSetOptions {
  store: Pick<RunnerStore, 'flowPausedUntil'>;
  delays: StageDelays;
  now: () => number;
  /** Where the http set's fetch goes; null: this server runs no http batches. */
  crm: CrmOptions | null;
  /** Runs the process stage's CPU work (process-pool.ts); default inline. */
  processPool?: Pick<ProcessPool, 'analyze'>;
  /** The caller's results table (RESULTS_DATABASE_URL), written by every set's store stage; its owner closes it. */
  results?: ResultsSink | null;
}

export function stageSets(o: StageSetOptions): StageSets {
  const crm = o.crm ? crmClient(o.crm) : null;
  const sets: Record<StageSetName, StageHandlers> = {
    simulated: defaultStages(o.delays, o.now, o.processPool, o.results),
    http: crm ? httpStages(o.store, crm, o.now, o.processPool, o.results) : unavailable('http', 'CRM_URL_TEMPLATE is not set on this server'),
  };
  return {
    of: (options) => sets[stageSetOf(options)],
    close: async () => {
      await crm?.close();
    },
  };
}

/** One set of handlers for every batch, whatever it chose (tests replace the stages this way). */
export function sameStages(handlers: StageHandlers): StageSets {
  return { of: () => handlers, close: async () => {} };
}

function unavailable(name: StageSetName, why: string): StageHandlers {
  const fail = async (): Promise<never> => {
    throw new StageError('STAGES_UNAVAILABLE', `stages "${name}" cannot run here: ${why}`);
  };
  return {
    fetch: { name: 'fetch', run: fail },
    process: { name: 'process', run: fail },
    store: { name: 'store', run: fail },
  };
}
