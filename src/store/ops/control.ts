/**
 * Changes made to workflows from outside their run: cancel, retry (requeue) and freeing leases.
 * Each reads the rows it changes first (locked, where the backend locks rows) and writes each one
 * fenced on the lease it read, so a run that ends meanwhile and this change never cross.
 */
import { isFinished, STAGES, type StageName } from '../../model/statuses.js';
import { cancelAction } from '../cancel-wins.js';
import { NotRetryableError } from '../errors.js';
import { load, type FullRow, type Loaded } from '../rows.js';
import { DEFAULT_TENANT } from '../../model/tenants.js';
import type { ClaimedWorkflow, QueueLimits } from '../store.js';
import { roomFor } from './admission.js';
import { applyCancel, applyRequeue, finishedEvent, interruptRunning, type RowChange } from '../transitions.js';
import { call, type Steps } from './steps.js';
import type { Unit } from './unit.js';

/**
 * Cancels the batch's unfinished workflows (`batch.canceled` first when there are any); returns
 * the ids of those running a stage, which their engines must abort. Null: no such batch.
 */
export function* cancelBatch(unit: Unit, batchId: string, now: number): Steps<string[] | null> {
  const seq = yield* call('batchSeq', batchId);
  if (seq === null) return null;
  const wfs = (yield* call('workflowRows', { batchSeq: seq, status: 'unfinished' })).map((row) => load(row));
  // Once per cancel that changes something: asked again while the marked stages still run, it
  // changes nothing, logs nothing, and names them to abort again.
  if (wfs.some((wf) => !wf.cancelRequested || cancelAction(wf) === 'cancel-now')) {
    unit.log(seq, { type: 'batch.canceled', at: now, batchId });
  }
  const abort = yield* cancel(unit, wfs, now);
  // The processes running the rest stop them (engine: abort through their signals).
  if (abort.length > 0) unit.notice.cancel.batches.push(batchId);
  return abort;
}

/** Cancels one workflow; returns the ids to abort (none when it finished already). Null: no such workflow. */
export function* cancelWorkflow(unit: Unit, workflowId: string, now: number): Steps<string[] | null> {
  const [row] = yield* call('workflowRows', { workflowId });
  if (!row) return null;
  const abort = isFinished(row.status) ? [] : yield* cancel(unit, [load(row)], now);
  unit.notice.cancel.workflows.push(...abort);
  return abort;
}

/**
 * Requeues the batch's failed (and canceled) workflows; returns how many. Null: no such batch.
 * Under the queue's limits, as a batch admitted: QueueFullError, nothing written, past them.
 */
export function* retryBatch(unit: Unit, batchId: string, includeCanceled: boolean, now: number, limits: QueueLimits = {}): Steps<number | null> {
  const seq = yield* call('batchSeq', batchId);
  if (seq === null) return null;
  const rows = yield* call('workflowRows', { batchSeq: seq, status: includeCanceled ? 'failed or canceled' : 'failed' });
  if (rows.length > 0) yield* requeue(unit, rows, now, limits);
  return rows.length;
}

/** Requeues one failed or canceled workflow (NotRetryableError otherwise), as retryBatch. False: no such workflow. */
export function* retryWorkflow(unit: Unit, workflowId: string, now: number, limits: QueueLimits = {}): Steps<boolean> {
  const [row] = yield* call('workflowRows', { workflowId });
  if (!row) return false;
  if (row.status !== 'failed' && row.status !== 'canceled') throw new NotRetryableError(workflowId, row.status);
  yield* requeue(unit, [row], now, limits);
  return true;
}

/**
 * Frees leases: every one found (an exclusive owner's start: all are a dead process's), the
 * expired ones, or those `owner` holds (only `ids`). A stage they left `running` is interrupted
 * and runs again. Returns how many were freed.
 */
export function* releaseLeases(unit: Unit, which: { all: true } | { expiredAt: number } | { owner: string; ids?: string[] }, now: number): Steps<number> {
  const rows = yield* call('workflowRows', 'all' in which ? { leased: 'all' }
    : 'expiredAt' in which ? { leased: 'expired', at: which.expiredAt } : { leased: 'owner', owner: which.owner, ids: which.ids });
  for (const row of rows) {
    const wf = load(row);
    const interrupted = interruptRunning(wf, now);
    if (interrupted) {
      yield* write(wf, interrupted.row, interrupted.stage);
      for (const event of interrupted.events) unit.log(row.batch_seq, event, row.seq);
      unit.count(row.batch_seq, wf.batchId, interrupted.delta, now);
    } else {
      yield* write(wf, { finished: null, release: true, runAfter: row.run_after }, wf.stage);
    }
    // Cancel wins: a workflow whose cancel was pending is canceled now that nothing runs it.
    if (wf.cancelRequested) yield* cancelNow(unit, wf, now);
  }
  // Freed workflows are runnable again: any process's dispatcher may take them.
  if (rows.length > 0) unit.notice.work = true;
  return rows.length;
}

/** Cancels what is not running a stage at once, marks the rest; returns the ids to abort. */
function* cancel(unit: Unit, wfs: Loaded[], now: number): Steps<string[]> {
  const abort: string[] = [];
  for (const wf of wfs) {
    const action = cancelAction(wf);
    if (action === 'abort-running') {
      yield* call('markCancel', wf.seq);
      abort.push(wf.id);
    } else if (action === 'cancel-now') {
      yield* cancelNow(unit, wf, now);
    }
  }
  return abort;
}

/** Requeues failed or canceled workflows of one batch at their first stage not succeeded, within the queue's limits. */
function* requeue(unit: Unit, rows: FullRow[], now: number, limits: QueueLimits): Steps<void> {
  const { batch_seq: batchSeq, batch_id: batchId, tenant } = rows[0]!;
  yield* roomFor(rows.length, tenant ?? DEFAULT_TENANT, limits);
  unit.log(batchSeq, { type: 'batch.retried', at: now, batchId, workflows: rows.length });
  for (const row of rows) {
    const wf = load(row);
    const { delta, row: change } = applyRequeue(wf, now);
    yield* write(wf, change, wf.stage);
    unit.count(batchSeq, batchId, delta, now);
  }
  unit.notice.work = true;
}

/** Cancels a workflow not running a stage. */
function* cancelNow(unit: Unit, wf: Loaded, now: number): Steps<void> {
  const { delta, row: change } = applyCancel(wf, now);
  yield* write(wf, change, wf.stage);
  unit.log(wf.batchSeq, finishedEvent(wf, now), wf.seq);
  unit.count(wf.batchSeq, wf.batchId, delta, now);
}

/**
 * Writes a workflow's whole state, fenced on the lease it was read with: the rows were read (or
 * locked) in this same transaction, so the fence holds unless the backend broke its promise.
 */
function* write(wf: ClaimedWorkflow, change: RowChange, stage: StageName | null): Steps<void> {
  if (!(yield* call('writeWorkflow', wf, change, stage, { stages: STAGES, times: 'whole' }))) {
    throw new Error(`workflow ${wf.id} changed under a transaction that read it`);
  }
}
