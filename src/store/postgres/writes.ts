/**
 * Workflow writes on PostgreSQL: a runner's transitions, results, cancel, retry and freeing leases.
 * The rules come from transitions.ts and cancel-wins.ts, as in SQLite (sqlite/writes.ts). Each
 * function here only decides: it checks the fence against the row its transaction locked, applies
 * the state machine and plans the row writes and events (workflow-rows.ts writes them all at the
 * transaction's end). So they are synchronous, and a write that is refused plans nothing.
 */
import type { StageName } from '../../model/statuses.js';
import { cancelAction, underCancel } from '../cancel-wins.js';
import { load, type FullRow, type Loaded } from '../rows.js';
import type { ClaimedWorkflow, LeaseFence, Transition } from '../store.js';
import {
  addDelta, applyCancel, applyRequeue, applyTransition, emptyDelta, finishedEvent, interruptRunning, transitionEvents, type RowChange,
} from '../transitions.js';
import type { Tx } from './transaction.js';

/** A runner's transition; its row must be locked by the transaction (the group locks them first). */
export function record(tx: Tx, reported: Transition): void {
  const wf = reported.workflow;
  tx.rows.fence(wf);
  // The row is locked: a cancel requested before this read waits for nothing, one after it
  // waits for this commit, so the two never cross.
  const pendingCancel = tx.rows.lease(wf.seq)!.cancel_requested === 1;
  const transition = underCancel(reported, pendingCancel);
  const { delta, row } = applyTransition(transition);
  let next: StageName | null = null;
  if (transition.kind === 'succeeded' && transition.next && !row.finished) {
    next = transition.next;
    addDelta(delta, applyTransition({ kind: 'started', workflow: wf, stage: next, at: transition.at }).delta);
  }
  write(tx, wf, row, next ?? transition.stage);
  // A finished workflow's last output is nobody's input (a retry resumes only failed or canceled ones).
  if (transition.kind === 'succeeded' && !row.finished) tx.rows.output(wf.seq, transition.output);
  for (const event of transitionEvents(transition, row, next)) tx.log(wf.batchSeq, event, wf.seq);
  tx.count(wf.batchSeq, wf.batchId, delta, transition.at);
}

/** Upserts the result, fenced like every workflow write (its row locked by the transaction). */
export function saveResult(tx: Tx, fence: LeaseFence, result: Record<string, unknown>, now: number): void {
  tx.rows.fence(fence);
  tx.rows.result(fence.seq, result, now);
}

/**
 * Cancels at once what is not running a stage (rows locked by the caller); returns the ids an
 * engine must abort. With `batchSeq` the whole batch was canceled (a `batch.canceled` event).
 */
export function cancel(tx: Tx, rows: FullRow[], batchId: string, now: number, batchSeq: number | null): string[] {
  if (batchSeq !== null && rows.length > 0) tx.log(batchSeq, { type: 'batch.canceled', at: now, batchId });
  const abort: string[] = [];
  for (const row of rows) {
    const wf = load(row);
    const action = cancelAction(wf);
    if (action === 'abort-running') {
      tx.rows.markCancel(row.seq);
      abort.push(row.id);
    } else if (action === 'cancel-now') {
      cancelNow(tx, wf, now);
    }
  }
  // The replicas running the rest stop them (engine: abort through their signals).
  if (abort.length > 0 && batchSeq !== null) tx.notice.cancel.batches.push(batchId);
  else tx.notice.cancel.workflows.push(...abort);
  return abort;
}

/** Requeues failed or canceled workflows (rows locked by the caller) at their first stage not succeeded. */
export function requeue(tx: Tx, rows: FullRow[], batchId: string, now: number): void {
  tx.log(rows[0]!.batch_seq, { type: 'batch.retried', at: now, batchId, workflows: rows.length });
  const total = emptyDelta();
  for (const row of rows) {
    const wf = load(row);
    const { delta, row: change } = applyRequeue(wf, now);
    write(tx, wf, change, wf.stage);
    addDelta(total, delta);
  }
  tx.count(rows[0]!.batch_seq, batchId, total, now);
  tx.notice.work = true;
}

/** Frees the given leased rows (locked by the caller); a stage they left `running` becomes `pending`. */
export function release(tx: Tx, rows: FullRow[], now: number): number {
  for (const row of rows) {
    const wf = load(row);
    const interrupted = interruptRunning(wf, now);
    if (interrupted) {
      write(tx, wf, interrupted.row, interrupted.stage);
      for (const event of interrupted.events) tx.log(row.batch_seq, event, row.seq);
      tx.count(row.batch_seq, wf.batchId, interrupted.delta, now);
    } else {
      write(tx, wf, { finished: null, release: true, runAfter: row.run_after }, wf.stage);
    }
    // Cancel wins: a workflow whose cancel was pending is canceled now that nothing runs it.
    if (wf.cancelRequested) cancelNow(tx, wf, now);
  }
  // Freed workflows are runnable again: any replica's dispatcher may take them.
  if (rows.length > 0) tx.notice.work = true;
  return rows.length;
}

/** Cancels a workflow not running a stage. */
function cancelNow(tx: Tx, wf: Loaded, now: number): void {
  const { delta, row: change } = applyCancel(wf, now);
  write(tx, wf, change, wf.stage);
  tx.log(wf.batchSeq, finishedEvent(wf, now), wf.seq);
  tx.count(wf.batchSeq, wf.batchId, delta, now);
}

/** Plans the workflow's state after `change`, fenced on the lease and claim it holds. */
function write(tx: Tx, wf: ClaimedWorkflow, change: RowChange, stage: StageName | null): void {
  tx.rows.fence(wf);
  tx.rows.write(wf, change, stage);
}
