/**
 * Workflow writes on PostgreSQL: a runner's transitions, results, cancel, retry and freeing leases.
 * The rules come from transitions.ts and cancel-wins.ts, as in SQLite (sqlite/writes.ts); every
 * write is fenced on the lease owner and claim epoch it was read or claimed with. PostgreSQL writes
 * a whole new row version whatever an UPDATE assigns, so one statement writes every column a change
 * can move. Rows another transaction may change too are locked before they are read to decide.
 */
import { STAGES, isFinished, type StageName, type WorkflowStatus } from '../../model/statuses.js';
import { cancelAction, underCancel } from '../cancel-wins.js';
import { LeaseLostError } from '../errors.js';
import { load, STAGE_FIELDS, stageValues, type FullRow, type Loaded } from '../rows.js';
import type { ClaimedWorkflow, LeaseFence, Transition } from '../store.js';
import {
  addDelta, applyCancel, applyRequeue, applyTransition, emptyDelta, finishedEvent, transitionEvents, type RowChange,
} from '../transitions.js';
import type { Tx } from './transaction.js';

const STAGE_SETS = STAGES.flatMap((s) => [...STAGE_FIELDS.map((f) => `${s}_${f}`), `${s}_ms`]);

/** Every column a change moves, then the fence: seq, lease owner, epoch. */
const UPDATE = `UPDATE workflows SET
    status = $1, stage = $2, attempts = $3, queued_at = $4, started_at = $5, finished_at = $6, error = $7, run_after = $8,
    cancel_requested = CASE WHEN $9 THEN 0 ELSE cancel_requested END,
    lease_owner = CASE WHEN $10 THEN NULL ELSE lease_owner END,
    lease_expires = CASE WHEN $10 THEN NULL ELSE lease_expires END,
    ${STAGE_SETS.map((c, i) => `${c} = $${11 + i}`).join(', ')}
  WHERE seq = $${11 + STAGE_SETS.length} AND lease_owner IS NOT DISTINCT FROM $${12 + STAGE_SETS.length}
    AND lease_epoch = $${13 + STAGE_SETS.length}`;

/** A runner's transition, in a group's transaction; its batch counters move when the group commits. */
export async function record(tx: Tx, reported: Transition): Promise<void> {
  const wf = reported.workflow;
  // A runner writes only under its lease; one it gave up (finished, retrying) is not its own.
  if (wf.leaseOwner === null) throw new LeaseLostError(`workflow ${wf.id} is not leased by its runner`);
  let pendingCancel = false;
  if (reported.kind === 'retrying' || reported.kind === 'interrupted') {
    // Locked, so a cancel cannot slip in between this read and the write: it waits for the commit.
    const { rows } = await tx.query<{ cancel_requested: number }>('SELECT cancel_requested FROM workflows WHERE seq = $1 FOR UPDATE', [wf.seq]);
    pendingCancel = rows[0]?.cancel_requested === 1;
  }
  const transition = underCancel(reported, pendingCancel);
  const { delta, row } = applyTransition(transition);
  let next: StageName | null = null;
  if (transition.kind === 'succeeded' && transition.next && !row.finished) {
    next = transition.next;
    addDelta(delta, applyTransition({ kind: 'started', workflow: wf, stage: next, at: transition.at }).delta);
  }
  await write(tx, wf, row, next ?? transition.stage);
  // A finished workflow's last output is nobody's input (a retry resumes only failed or canceled ones).
  if (transition.kind === 'succeeded' && !row.finished) {
    await tx.query(`INSERT INTO outputs (workflow_seq, data) VALUES ($1, $2)
      ON CONFLICT (workflow_seq) DO UPDATE SET data = excluded.data`, [wf.seq, JSON.stringify(transition.output ?? null)]);
  }
  for (const event of transitionEvents(transition, row, next)) tx.log(wf.batchSeq, event, wf.seq);
  tx.count(wf.batchSeq, wf.batchId, delta, transition.at);
}

/** Upserts the result, fenced like every workflow write. */
export async function saveResult(tx: Tx, fence: LeaseFence, result: Record<string, unknown>, now: number): Promise<void> {
  const { rowCount } = await tx.query(`INSERT INTO results (workflow_seq, data, stored_at)
      SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM workflows WHERE seq = $1 AND lease_owner = $4 AND lease_epoch = $5)
    ON CONFLICT (workflow_seq) DO UPDATE SET data = excluded.data, stored_at = excluded.stored_at`,
  [fence.seq, JSON.stringify(result), now, fence.leaseOwner, fence.leaseEpoch]);
  if (rowCount !== 1) await leaseLost(tx, fence);
}

/**
 * Cancels at once what is not running a stage (rows locked by the caller); returns the ids an
 * engine must abort. With `batchSeq` the whole batch was canceled (a `batch.canceled` event).
 */
export async function cancel(tx: Tx, rows: FullRow[], batchId: string, now: number, batchSeq: number | null): Promise<string[]> {
  if (batchSeq !== null && rows.length > 0) tx.log(batchSeq, { type: 'batch.canceled', at: now, batchId });
  const abort: string[] = [];
  for (const row of rows) {
    const wf = load(row);
    const action = cancelAction(wf);
    if (action === 'abort-running') {
      await tx.query('UPDATE workflows SET cancel_requested = 1 WHERE seq = $1', [row.seq]);
      abort.push(row.id);
    } else if (action === 'cancel-now') {
      await cancelNow(tx, wf, now);
    }
  }
  // The replicas running the rest stop them (engine: abort through their signals).
  if (abort.length > 0 && batchSeq !== null) tx.notice.cancel.batches.push(batchId);
  else tx.notice.cancel.workflows.push(...abort);
  return abort;
}

/** Requeues failed or canceled workflows (rows locked by the caller) at their first stage not succeeded. */
export async function requeue(tx: Tx, rows: FullRow[], batchId: string, now: number): Promise<void> {
  tx.log(rows[0]!.batch_seq, { type: 'batch.retried', at: now, batchId, workflows: rows.length });
  const total = emptyDelta();
  for (const row of rows) {
    const wf = load(row);
    const { delta, row: change } = applyRequeue(wf, now);
    await write(tx, wf, change, wf.stage);
    addDelta(total, delta);
  }
  tx.count(rows[0]!.batch_seq, batchId, total, now);
  tx.notice.work = true;
}

/** Frees the given leased rows (locked by the caller); a stage they left `running` becomes `pending`. */
export async function release(tx: Tx, rows: FullRow[], now: number): Promise<number> {
  for (const row of rows) {
    const wf = load(row);
    const running = wf.stages.find((s) => s.status === 'running');
    if (running) {
      const interrupted: Transition = { kind: 'interrupted', workflow: wf, stage: running.name, at: now };
      const { delta, row: change } = applyTransition(interrupted);
      await write(tx, wf, change, running.name);
      for (const event of transitionEvents(interrupted, change, null)) tx.log(row.batch_seq, event, row.seq);
      tx.count(row.batch_seq, wf.batchId, delta, now);
    } else {
      await tx.query('UPDATE workflows SET lease_owner = NULL, lease_expires = NULL WHERE seq = $1', [row.seq]);
      wf.leaseOwner = null;
    }
    // Cancel wins: a workflow whose cancel was pending is canceled now that nothing runs it.
    if (wf.cancelRequested) await cancelNow(tx, wf, now);
  }
  // Freed workflows are runnable again: any replica's dispatcher may take them.
  if (rows.length > 0) tx.notice.work = true;
  return rows.length;
}

/** Cancels a workflow not running a stage. */
async function cancelNow(tx: Tx, wf: Loaded, now: number): Promise<void> {
  const { delta, row: change } = applyCancel(wf, now);
  await write(tx, wf, change, wf.stage);
  tx.log(wf.batchSeq, finishedEvent(wf, now), wf.seq);
  tx.count(wf.batchSeq, wf.batchId, delta, now);
}

/** Writes the workflow's state after `change`, fenced on the lease and claim it holds. */
async function write(tx: Tx, wf: ClaimedWorkflow, change: RowChange, stage: StageName | null): Promise<void> {
  const stageColumns = wf.stages.flatMap((s) => [...stageValues(s), s.status === 'succeeded' ? s.durationMs : null]);
  const { rowCount } = await tx.query(UPDATE, [
    wf.status, stage, wf.attempts, wf.queuedAt, wf.startedAt, wf.finishedAt,
    change.finished?.error ? JSON.stringify(change.finished.error) : null,
    // run_after: set while a retry waits out its backoff, cleared by every other write.
    change.runAfter, change.finished !== null, change.release,
    ...stageColumns, wf.seq, wf.leaseOwner, wf.leaseEpoch,
  ]);
  if (rowCount !== 1) await leaseLost(tx, wf);
  if (change.release) wf.leaseOwner = null;
}

/** A fenced write changed nothing: says whether that is a cancel's normal end or a lost lease. */
async function leaseLost(tx: Tx, fence: LeaseFence): Promise<never> {
  const { rows } = await tx.query<{ status: WorkflowStatus }>('SELECT status FROM workflows WHERE seq = $1', [fence.seq]);
  // Expected only when the workflow finished meanwhile (canceled): a lease freed under a live stage is not.
  const expected = !rows[0] || isFinished(rows[0].status);
  throw new LeaseLostError(`lease on workflow ${fence.id} is no longer held by ${String(fence.leaseOwner)}`, expected);
}
