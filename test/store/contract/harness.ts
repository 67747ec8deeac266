/**
 * What every area of the Store contract shares: the store under test (a fresh one per test), a
 * way to open another, the suite's clock and the few steps most tests take (admit a batch, run a
 * claimed workflow through every stage).
 */
import type { Batch, ClientId, NewBatch } from '../../../src/model/types.js';
import type { ClaimedWorkflow, Store } from '../../../src/store/store.js';

/** What a test may ask of the store it opens (the constructors' options both backends share). */
export interface StoreFactoryOptions {
  /** A tenant's running cap when its quotas set none; null: no cap. */
  tenantMaxRunning?: number | null;
}

export type StoreFactory = (options?: StoreFactoryOptions) => Store | Promise<Store>;

/** The suite's clock: every test writes times from here on. */
export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const DAY = 86_400_000;
/** An id no store ever handed out. */
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** A batch's input with no options set: `extra` sets what a test needs (tenant, flowKey, callbackUrl…). */
export function batchInput(clientIds: ClientId[], extra: Partial<NewBatch> = {}): NewBatch {
  return { clientIds, priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null, ...extra };
}

/** What each area's tests are given. */
export interface Contract {
  /** The backend's name, as its test file gave it ('sqlite', 'postgres'). */
  readonly backend: string;
  /** How many random sequences the model test runs (model.ts). */
  readonly modelRuns: number;
  /** The store under test: a fresh, empty one for each test, closed after it. */
  readonly store: Store;
  /** Opens another store (a fresh one; the caller closes it), as the backend's test file does. */
  readonly open: StoreFactory;
  /** Admits a batch of these ids (label 'l') at T0. */
  newBatch(clientIds: ClientId[], priority?: number): Promise<Batch>;
  /** Runs a claimed workflow through every stage to success, 10 ms each, from `at`. */
  succeedAll(wf: ClaimedWorkflow, at: number): Promise<void>;
}

/** What a backend's test file may tune: a slower backend runs fewer random sequences. */
export interface ContractOptions {
  /** @default 30; the CONTRACT_MODEL_RUNS environment variable overrides it (a deeper run by hand). */
  modelRuns?: number;
}

export function contractOf(backend: string, current: () => Store, open: StoreFactory, options: ContractOptions = {}): Contract {
  return {
    backend,
    modelRuns: Number(process.env.CONTRACT_MODEL_RUNS) || (options.modelRuns ?? 30),
    get store() {
      return current();
    },
    open,
    async newBatch(clientIds, priority = 0) {
      return (await current().createBatch({ ...batchInput(clientIds), priority, label: 'l' }, T0)).batch;
    },
    async succeedAll(wf, at) {
      for (const stage of ['fetch', 'process', 'store'] as const) {
        await current().record({ kind: 'started', workflow: wf, stage, at });
        await current().record({ kind: 'succeeded', workflow: wf, stage, at: at + 10, output: { stage } });
        at += 10;
      }
    },
  };
}
