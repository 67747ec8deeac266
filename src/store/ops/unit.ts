/**
 * What one transaction's sequences accumulate until it commits: the events their changes cause
 * (grouped by batch, in the order they happened), each batch's counter change summed over them,
 * and what other processes sharing the store must hear of. `commit.ts` writes the counters and
 * the events once per batch just before the commit, so a group of a thousand transitions moves
 * each batch's row once; the events are published only after the commit (outbox.ts).
 *
 * A sequence refused alone inside a group (LeaseLostError) adds nothing here: each one checks its
 * fence before it logs or counts anything.
 */
import type { NewEvent } from '../../model/events.js';
import type { BatchEvents } from '../driver.js';
import { addDelta, emptyDelta, type Delta } from '../transitions.js';

/** What the other processes sharing the store must hear of once this commits (apart from events). */
export interface Notice {
  /** Runnable work appeared: a batch, a retry, leases freed. */
  work: boolean;
  /** Running workflows to abort: every one of these batches, and these workflows. */
  cancel: { batches: string[]; workflows: string[] };
}

export interface PendingCount {
  batchId: string;
  delta: Delta;
  /** The latest change's time: when a batch that finishes finished. */
  at: number;
}

export class Unit {
  readonly events = new Map<number, BatchEvents>();
  readonly counts = new Map<number, PendingCount>();
  readonly notice: Notice = { work: false, cancel: { batches: [], workflows: [] } };

  /** An event of this transaction's changes; `workflowSeq`: the workflow a workflow or stage event is about. */
  log(batchSeq: number, event: NewEvent, workflowSeq: number | null = null): void {
    let batch = this.events.get(batchSeq);
    if (!batch) this.events.set(batchSeq, batch = { batchId: event.batchId, list: [] });
    batch.list.push({ event, workflowSeq });
  }

  /** A change to a batch's counters, summed with the transaction's others. */
  count(batchSeq: number, batchId: string, delta: Delta, at: number): void {
    let pending = this.counts.get(batchSeq);
    if (!pending) this.counts.set(batchSeq, pending = { batchId, delta: emptyDelta(), at });
    addDelta(pending.delta, delta);
    pending.at = Math.max(pending.at, at);
  }

  get empty(): boolean {
    return this.events.size === 0 && this.counts.size === 0;
  }
}
