/**
 * The SQLite backend's side of the port (driver.ts): each call answered at once by the statements
 * of its concern. One process owns the file, so nothing here locks: a transaction is the only
 * writer while it runs.
 */
import type { Driver } from '../driver.js';
import type { Admissions } from './admission.js';
import type { Claims } from './claims.js';
import type { BatchCounters } from './counters.js';
import type { EventLog } from './events.js';
import type { FlowLimitRows } from './flow-limits.js';
import type { Reads } from './reads.js';
import type { ScheduleRows } from './schedules.js';
import type { WorkflowWrites } from './writes.js';

export interface SqliteParts {
  writes: WorkflowWrites;
  counters: BatchCounters;
  events: EventLog;
  admissions: Admissions;
  reads: Reads;
  claims: Claims;
  flows: FlowLimitRows;
  schedules: ScheduleRows;
}

export function sqliteDriver({ writes, counters, events, admissions, reads, claims, flows, schedules }: SqliteParts): Driver {
  return {
    workflowRows: (query) => writes.rows(query),
    leaseOf: (seq) => writes.leaseOf(seq),
    writeWorkflow: (wf, change, stage, shape) => writes.write(wf, change, stage, shape),
    saveOutput: (seq, output) => writes.saveOutput(seq, output),
    saveResult: (seq, result, at) => writes.saveResult(seq, result, at),
    markCancel: (seq) => writes.markCancel(seq),
    batchSeq: (batchId) => reads.seqOf(batchId),
    lockBatches: (seqs) => counters.heads(seqs),
    addCounters: (seq, delta) => counters.add(seq, delta),
    addSamples: (seq, samples, counts) => counters.addSamples(seq, samples, counts),
    recomputeMaxima: (seq) => counters.recomputeMaxima(seq),
    p95s: (row) => counters.p95s(row),
    setBatchStatus: (seq, status, finishedAt, p95s) => counters.setStatus(seq, status, finishedAt, p95s),
    armWebhook: (seq, dueAt) => counters.armWebhook(seq, dueAt),
    addTenantTotals: (tenant, counts) => counters.addTenantTotals(tenant, counts),
    insertEvents: (batches) => events.insert(batches),
    claimableBatches: (_limit, now) => claims.claimable(now),
    tenantLeases: (tenants) => claims.tenantLeases(tenants),
    flowLimits: (keys) => claims.flowLimits(keys),
    takeFromBatch: (batch, max, terms) => claims.take(batch, max, terms),
    takenRows: () => claims.taken(),
    saveBuckets: (buckets) => claims.saveBuckets(buckets),
    flowLimitForWrite: (key) => flows.get(key),
    writeFlowLimit: (limit) => flows.put(limit),
    lockAdmission: () => {},
    idempotencyKey: (key, now) => admissions.idempotencyKey(key, now),
    putIdempotencyKey: (key, fingerprint, batchId, expiresAt) => admissions.putIdempotencyKey(key, fingerprint, batchId, expiresAt),
    queued: (tenant) => admissions.queued(tenant),
    stored: (tenant) => admissions.stored(tenant),
    insertBatch: (batch) => admissions.insertBatch(batch),
    insertWorkflows: (batchSeq, ids, clientIds, priority, at) => admissions.insertWorkflows(batchSeq, ids, clientIds, priority, at),
    countSchedules: (tenant) => schedules.count(tenant),
    lockSchedule: (id) => schedules.get(id),
    insertSchedule: (schedule, nextFireAt) => schedules.insert(schedule, nextFireAt),
    writeSchedule: (schedule, nextFireAt) => schedules.write(schedule, nextFireAt),
    deleteSchedule: (id) => schedules.delete(id),
    insertTick: (tick) => schedules.insertTick(tick),
    batchStatus: (batchId) => schedules.batchStatus(batchId),
  };
}
