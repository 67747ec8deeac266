/**
 * The Store contract: what every backend must do, as one suite that each backend's test file
 * runs through a factory (test/store/sqlite.test.ts, test/store/postgres.test.ts). It is split by
 * area, one file each, as river's `riverdrivertest` splits its `Exercise`; each file opens with
 * what the Store interface (src/store/store.ts) promises in its area and tests every promise.
 *
 * The suite calls every member of the Store interface: a proxy records the calls, and a check
 * after the last test fails on any member no area used.
 */
import { afterAll, afterEach, beforeEach, describe, expect } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import { admissionContract } from './admission.js';
import { cancelContract } from './cancel.js';
import { claimsContract } from './claims.js';
import { countersContract } from './counters.js';
import { eventsContract } from './events.js';
import { failuresContract } from './failures.js';
import { fencesContract } from './fences.js';
import { flowLimitsContract } from './flow-limits.js';
import { contractOf, type ContractOptions, type StoreFactory } from './harness.js';
import { leasesContract } from './leases.js';
import { lifecycleContract } from './lifecycle.js';
import { modelContract } from './model.js';
import { readsContract } from './reads.js';
import { retentionContract } from './retention.js';
import { retryContract } from './retry.js';
import { schedulesContract } from './schedules.js';
import { tenancyContract } from './tenancy.js';
import { transitionsContract } from './transitions.js';
import { webhooksContract } from './webhooks.js';

export type { ContractOptions, StoreFactory, StoreFactoryOptions } from './harness.js';

/** Every member of Store: the compiler refuses this object if one is missing or unknown. */
const MEMBERS = {
  createBatch: true, cancelBatch: true, cancelWorkflow: true, retryBatch: true, retryWorkflow: true,
  getBatch: true, listBatches: true, listWorkflows: true, getWorkflow: true, listEvents: true, workflowEvents: true,
  workflowTotals: true, listFailedWorkflows: true, listFailedWebhooks: true, onEvents: true, onRemote: true, claim: true, renewLeases: true, releaseExpiredLeases: true, releaseLeases: true,
  recover: true, record: true, saveResult: true, pauseFlowKey: true, flowPausedUntil: true, claimWebhooks: true, recordWebhook: true, nextWebhookAt: true, redeliverWebhook: true,
  createKey: true, findKey: true, listKeys: true, revokeKey: true, getTenant: true, listTenants: true, putTenant: true, countRequests: true,
  putFlowLimit: true, getFlowLimit: true, listFlowLimits: true,
  createSchedule: true, getSchedule: true, listSchedules: true, updateSchedule: true, deleteSchedule: true, scheduleTicks: true,
  dueSchedules: true, nextScheduleAt: true, fireSchedule: true,
  purgeFinished: true, capabilities: true, ping: true, probeWrite: true, close: true,
} satisfies Record<keyof Store, true>;

/** The areas, in the order a workflow meets them. */
const AREAS = [
  admissionContract, claimsContract, leasesContract, transitionsContract, fencesContract, cancelContract, retryContract,
  countersContract, eventsContract, webhooksContract, retentionContract, tenancyContract, flowLimitsContract, schedulesContract, readsContract,
  failuresContract, lifecycleContract, modelContract,
];

export function describeStoreContract(name: string, open: StoreFactory, options?: ContractOptions): void {
  const used = new Set<string>();
  /** The store, with every member access recorded. */
  const recorded = (store: Store): Store => new Proxy(store, {
    get(target, key, receiver) {
      if (typeof key === 'string') used.add(key);
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

  afterAll(() => {
    expect(Object.keys(MEMBERS).filter((m) => !used.has(m))).toEqual([]);
  });

  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = recorded(await open());
    });
    afterEach(async () => {
      await store.close();
    });
    const contract = contractOf(name, () => store, open, options);
    for (const area of AREAS) area(contract);
  });
}
