/**
 * The end of every transaction that changed workflows: each batch's summed counter change is
 * applied once (batches in key order, each locked first where the backend locks rows, so
 * processes writing the same batches queue up instead of deadlocking), with what it does to the
 * batch (batch-finish.ts): histogram → maxima → status → p95s frozen or thawed → tenant totals →
 * webhook made due or reset → `batch.started` first and `batch.finished` last among the batch's
 * events. Then the events are numbered and written; they are returned to be published once the
 * transaction commits.
 */
import type { EngineEvent, NewEvent } from '../../model/events.js';
import { batchChange, foldedCounts, type FinishedCounts } from '../batch-finish.js';
import { metricCounts } from '../timings.js';
import { call, type Steps } from './steps.js';
import type { Unit } from './unit.js';

export function* commit(unit: Unit): Steps<EngineEvent[]> {
  if (unit.counts.size > 0) yield* applyCounts(unit);
  if (unit.events.size === 0) return [];
  return yield* call('insertEvents', unit.events);
}

function* applyCounts(unit: Unit): Steps<void> {
  const heads = yield* call('lockBatches', [...unit.counts.keys()].sort((a, b) => a - b));
  const folded = new Map<string, FinishedCounts>();
  for (const head of heads) {
    const { batchId, delta, at } = unit.counts.get(head.seq)!;
    const row = yield* call('addCounters', head.seq, delta);
    // Before the maxima and the p95s a finish freezes below: both read the histograms.
    if (delta.samples.length > 0) yield* call('addSamples', head.seq, delta.samples, metricCounts(row));
    if (delta.recomputeMaxima) yield* call('recomputeMaxima', head.seq);
    const first: NewEvent[] = head.startedAt === null && row.started_at !== null ? [{ type: 'batch.started', at: row.started_at, batchId }] : [];
    const change = batchChange(batchId, head.status, { ...row, started: row.started_at !== null }, at);
    if (change) {
      const p95s = change.p95s === 'freeze' ? JSON.stringify(yield* call('p95s', { ...row, p95s: null })) : null;
      yield* call('setBatchStatus', head.seq, change.status, change.finishedAt, p95s);
      const counts = foldedCounts(head.status, change, row, delta.workflows);
      if (counts) {
        const sum = folded.get(row.tenant) ?? { succeeded: 0, failed: 0, canceled: 0 };
        folded.set(row.tenant, { succeeded: sum.succeeded + counts.succeeded, failed: sum.failed + counts.failed, canceled: sum.canceled + counts.canceled });
      }
      if (change.webhook) yield* call('armWebhook', head.seq, change.webhook.dueAt);
    }
    const last = change?.event ? [change.event] : [];
    if (first.length + last.length === 0) continue;
    let events = unit.events.get(head.seq);
    if (!events) unit.events.set(head.seq, events = { batchId, list: [] });
    events.list.unshift(...first.map((event) => ({ event, workflowSeq: null })));
    events.list.push(...last.map((event) => ({ event, workflowSeq: null })));
  }
  // After every batch row, in tenant order: the same lock order in every transaction.
  for (const tenant of [...folded.keys()].sort()) yield* call('addTenantTotals', tenant, folded.get(tenant)!);
}
