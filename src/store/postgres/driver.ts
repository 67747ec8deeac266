/**
 * The PostgreSQL backend's side of the port (driver.ts), over one transaction (transaction.ts).
 * Workflow rows are locked before a sequence decides on them (FOR UPDATE, in key order), so the
 * calls about them answer from what the transaction locked and plan their writes in memory
 * (workflow-rows.ts writes them all at its end, in a few multi-row statements); the rest are
 * statements on the transaction's connection.
 */
import type { AsyncDriver, LeaseState } from '../driver.js';
import * as admission from './admission.js';
import { claimableBatches, PlannedTakes, tenantLeases } from './claims.js';
import * as counters from './counters.js';
import { insertEvents } from './events.js';
import { flowLimitForWrite, lockLimits, saveBuckets, writeFlowLimit } from './flow-limits.js';
import { seqOf, workflowRows } from './reads.js';
import * as schedules from './schedules.js';
import type { Tx } from './transaction.js';

export function postgresDriver(tx: Tx): AsyncDriver {
  const takes = new PlannedTakes(tx);
  return {
    workflowRows: (query) => workflowRows(tx, query),
    leaseOf: (seq) => {
      const row = tx.rows.lease(seq);
      return row && ({
        status: row.status, leaseOwner: row.lease_owner, leaseEpoch: row.lease_epoch, cancelRequested: row.cancel_requested === 1,
      } satisfies LeaseState);
    },
    writeWorkflow: (wf, change, stage) => {
      if (!tx.rows.holds(wf)) return false;
      tx.rows.write(wf, change, stage);
      return true;
    },
    saveOutput: (seq, output) => tx.rows.output(seq, output),
    saveResult: (seq, result, at) => tx.rows.result(seq, result, at),
    markCancel: (seq) => tx.rows.markCancel(seq),
    batchSeq: (batchId) => seqOf(tx, batchId),
    lockBatches: (seqs) => counters.lockBatches(tx, seqs),
    addCounters: (seq, delta) => counters.addCounters(tx, seq, delta),
    addSamples: (seq, samples) => counters.addSamples(tx, seq, samples),
    recomputeMaxima: (seq) => counters.recomputeMaxima(tx, seq),
    p95s: (row) => counters.p95sOf(tx, row),
    setBatchStatus: (seq, status, finishedAt, p95s) => counters.setBatchStatus(tx, seq, status, finishedAt, p95s),
    armWebhook: (seq, dueAt) => counters.armWebhook(tx, seq, dueAt),
    addTenantTotals: (tenant, counts) => counters.addTenantTotals(tx, tenant, counts),
    insertEvents: (batches) => insertEvents(tx, batches),
    claimableBatches: (limit, now) => claimableBatches(tx, limit, now),
    tenantLeases: (tenants) => tenantLeases(tx, tenants),
    flowLimits: (keys) => lockLimits(tx, keys),
    takeFromBatch: (batch, max) => takes.plan(batch, max),
    takenRows: (terms) => takes.take(terms),
    saveBuckets: (buckets) => saveBuckets(tx, buckets),
    flowLimitForWrite: (key) => flowLimitForWrite(tx, key),
    writeFlowLimit: (limit) => writeFlowLimit(tx, limit),
    lockAdmission: () => admission.lockAdmission(tx),
    idempotencyKey: (key, now) => admission.idempotencyKey(tx, key, now),
    putIdempotencyKey: (key, fingerprint, batchId, expiresAt) => admission.putIdempotencyKey(tx, key, fingerprint, batchId, expiresAt),
    queued: (tenant) => admission.queued(tx, tenant),
    stored: (tenant) => admission.stored(tx, tenant),
    insertBatch: (batch) => admission.insertBatch(tx, batch),
    insertWorkflows: (batchSeq, ids, clientIds, priority, at) => admission.insertWorkflows(tx, batchSeq, ids, clientIds, priority, at),
    countSchedules: (tenant) => schedules.countSchedules(tx, tenant),
    lockSchedule: (id) => schedules.lockSchedule(tx, id),
    insertSchedule: (schedule, nextFireAt) => schedules.insertSchedule(tx, schedule, nextFireAt),
    writeSchedule: (schedule, nextFireAt) => schedules.writeSchedule(tx, schedule, nextFireAt),
    deleteSchedule: (id) => schedules.deleteSchedule(tx, id),
    insertTick: (tick) => schedules.insertTick(tx, tick),
    batchStatus: (batchId) => schedules.batchStatus(tx, batchId),
  };
}
