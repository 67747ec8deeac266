/**
 * What a change to a batch's counters does to the batch itself: its status (derived from the
 * counters, model/statuses.ts), and when it finishes or reopens, the rest in the same commit —
 * percentiles frozen (or thawed), the webhook delivery made due (or reset), `batch.finished`.
 * Arming the webhook in the finishing transaction means a crash right after the finish still
 * delivers; a retry that reopens the batch resets the delivery for the next finish.
 */
import type { NewEvent } from '../model/events.js';
import { batchStatusOf, isFinished, type BatchCounters, type BatchStatus, type WorkflowStatus } from '../model/statuses.js';

export interface BatchChange {
  status: BatchStatus;
  /** When the batch finished now; null when it reopened or is still under way. */
  finishedAt: number | null;
  /** Compute the percentiles now and keep them (finished), or drop the kept ones (reopened). */
  p95s: 'freeze' | 'thaw' | 'keep';
  /** The webhook delivery: due at this time (finished), reset and not due (reopened), or untouched. */
  webhook: { dueAt: number | null } | null;
  event: NewEvent | null;
}

/** The change counters `now` make to a batch that was `before`; null when its status stays. */
export function batchChange(batchId: string, before: BatchStatus, now: BatchCounters, at: number): BatchChange | null {
  const status = batchStatusOf(now);
  if (status === before) return null;
  const finished = isFinished(status);
  const reopened = isFinished(before) && !finished;
  return {
    status,
    finishedAt: finished ? at : null,
    p95s: finished ? 'freeze' : reopened ? 'thaw' : 'keep',
    webhook: finished ? { dueAt: at } : reopened ? { dueAt: null } : null,
    event: finished ? { type: 'batch.finished', at, batchId, status } : null,
  };
}

/** A finished batch's final counts, as a tenant's totals of finished batches (`tenant_totals`) keep them. */
export type FinishedCounts = Record<'succeeded' | 'failed' | 'canceled', number>;

/**
 * What a batch's finish or reopen moves in its tenant's totals, so workflow totals never sum every
 * batch: active batches are summed live, finished ones were added here once. A finish adds the
 * batch's counts after the change (`after`); a reopen takes back what its finish had added, the
 * counts before the change (`after` minus the change's `delta`). Null when neither happened.
 */
export function foldedCounts(before: BatchStatus, change: BatchChange | null, after: FinishedCounts, delta: Record<WorkflowStatus, number>): FinishedCounts | null {
  if (!change) return null;
  if (change.finishedAt !== null) return { succeeded: after.succeeded, failed: after.failed, canceled: after.canceled };
  if (!isFinished(before)) return null;
  return {
    succeeded: -(after.succeeded - delta.succeeded), failed: -(after.failed - delta.failed), canceled: -(after.canceled - delta.canceled),
  };
}
