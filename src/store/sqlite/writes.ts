/**
 * Workflow writes: a runner's transitions, cancel, retry, and freeing leases. The rules come from
 * transitions.ts (the state machine and its events) and cancel-wins.ts; this file turns them into
 * row writes, every one fenced on the lease and claim it was read or claimed with.
 */
import type { Database as DB, Statement } from 'better-sqlite3';
import { STAGES, isFinished, type StageName, type WorkflowStatus } from '../../model/statuses.js';
import { cancelAction, underCancel } from '../cancel-wins.js';
import { LeaseLostError } from '../errors.js';
import type { LeaseFence, Transition, ClaimedWorkflow } from '../store.js';
import {
  addDelta, applyCancel, applyRequeue, applyTransition, emptyDelta, finishedEvent, interruptRunning, transitionEvents, type Delta,
  type RowChange,
} from '../transitions.js';
import type { BatchCounters } from './counters.js';
import type { EventLog } from './events.js';
import { load, STAGE_FIELDS, stageValues, type FullRow, type Loaded } from '../rows.js';

export class WorkflowWrites {
  readonly #events: EventLog;
  readonly #counters: BatchCounters;
  /**
   * The batch counter changes of the transitions in the group being written: applied once per
   * batch just before the group commits (`flushDeltas`), not once per transition.
   */
  readonly #deltas = new Map<string, { delta: Delta; at: number; started: boolean }>();
  readonly #db: DB;
  /** The UPDATEs of `#update`, one per shape (which columns it assigns). */
  readonly #narrow = new Map<string, Statement>();
  readonly #leaseState: Statement;
  readonly #cancelRequested: Statement;
  readonly #markCancel: Statement;
  readonly #release: Statement;
  readonly #batchStartedAt: Statement;
  readonly #upsertResult: Statement;
  readonly #upsertOutput: Statement;

  constructor(db: DB, events: EventLog, counters: BatchCounters) {
    this.#events = events;
    this.#counters = counters;
    this.#db = db;
    this.#leaseState = db.prepare('SELECT status FROM workflows WHERE seq = ?');
    this.#cancelRequested = db.prepare('SELECT cancel_requested FROM workflows WHERE seq = ?');
    this.#markCancel = db.prepare('UPDATE workflows SET cancel_requested = 1 WHERE id = ?');
    this.#release = db.prepare('UPDATE workflows SET lease_owner = NULL, lease_expires = NULL WHERE id = ?');
    this.#batchStartedAt = db.prepare('SELECT started_at FROM batches WHERE seq = ?');
    // Written right after the workflow's fenced write, in its transaction: only under the lease.
    this.#upsertOutput = db.prepare(`INSERT INTO outputs (workflow_seq, data) VALUES (?, ?)
      ON CONFLICT (workflow_seq) DO UPDATE SET data = excluded.data`);
    // Fenced like every workflow write: nothing is written unless the lease and claim still stand.
    this.#upsertResult = db.prepare(`INSERT INTO results (workflow_seq, data, stored_at)
      SELECT @seq, @data, @at WHERE EXISTS (SELECT 1 FROM workflows WHERE seq = @seq AND lease_owner = @owner AND lease_epoch = @epoch)
      ON CONFLICT (workflow_seq) DO UPDATE SET data = excluded.data, stored_at = excluded.stored_at`);
  }

  /** A runner's transition, inside a group commit; its batch counters move at `flushDeltas`. */
  record(reported: Transition): void {
    const wf = reported.workflow;
    // A runner writes only under its lease; one it gave up (finished, retrying) is not its own.
    if (wf.leaseOwner === null) throw new LeaseLostError(`workflow ${wf.id} is not leased by its runner`);
    const fromQueued = wf.status === 'queued';
    const pendingCancel = (reported.kind === 'retrying' || reported.kind === 'interrupted')
      && (this.#cancelRequested.get(wf.seq) as { cancel_requested: number } | undefined)?.cancel_requested === 1;
    const transition = underCancel(reported, pendingCancel);
    const { delta, row } = applyTransition(transition);
    let stage = transition.stage;
    let next: StageName | null = null;
    if (transition.kind === 'succeeded' && transition.next && !row.finished) {
      stage = next = transition.next;
      addDelta(delta, applyTransition({ kind: 'started', workflow: wf, stage, at: transition.at }).delta);
    }
    const output = transition.kind === 'succeeded' ? transition.output : undefined;
    this.#transitionWrite(wf, row, transition.stage, next, fromQueued, output);
    let pending = this.#deltas.get(wf.batchId);
    if (!pending) {
      pending = { delta: emptyDelta(), at: transition.at, started: false };
      this.#deltas.set(wf.batchId, pending);
    }
    if (delta.startedAt !== null && !pending.started) {
      // The batch's first stage start: `batch.started` goes before it in the log. (The row's
      // started_at is set only when the group commits, so the group remembers it in `started`.)
      const batch = this.#batchStartedAt.get(wf.batchSeq) as { started_at: number | null };
      if (batch.started_at === null) this.#events.log(wf.batchSeq, { type: 'batch.started', at: delta.startedAt, batchId: wf.batchId });
      pending.started = true;
    }
    for (const event of transitionEvents(transition, row, next)) this.#events.log(wf.batchSeq, event, wf.seq);
    addDelta(pending.delta, delta);
    pending.at = Math.max(pending.at, transition.at);
  }

  /** Applies the group's accumulated counter changes, one write per batch (last in the group). */
  flushDeltas(): void {
    for (const [batchId, p] of this.#deltas) this.#counters.apply(batchId, p.delta, p.at);
    this.#deltas.clear();
  }

  /** The group rolled back: its counter changes never happened. */
  dropDeltas(): void {
    this.#deltas.clear();
  }

  saveResult(fence: LeaseFence, result: Record<string, unknown>, now: number): void {
    this.#fenced(fence, this.#upsertResult.run({
      data: JSON.stringify(result), at: now, seq: fence.seq, owner: fence.leaseOwner, epoch: fence.leaseEpoch,
    }));
  }

  /**
   * Cancels at once what is not running a stage; returns the ids an engine must abort. With
   * `batchSeq` the whole batch was canceled (a `batch.canceled` event), else one workflow.
   */
  cancel(rows: FullRow[], batchId: string, now: number, batchSeq: number | null): string[] {
    if (batchSeq !== null && rows.length > 0) this.#events.log(batchSeq, { type: 'batch.canceled', at: now, batchId });
    const abort: string[] = [];
    const total = emptyDelta();
    for (const row of rows) {
      const wf = load(row);
      const action = cancelAction(wf);
      if (action === 'abort-running') {
        this.#markCancel.run(row.id);
        abort.push(row.id);
      } else if (action === 'cancel-now') {
        addDelta(total, this.#cancelNow(wf, now));
      }
    }
    this.#counters.apply(batchId, total, now);
    return abort;
  }

  /** Requeues failed or canceled workflows at their first stage not succeeded. */
  requeue(rows: FullRow[], batchId: string, now: number): void {
    this.#events.log(rows[0]!.batch_seq, { type: 'batch.retried', at: now, batchId, workflows: rows.length });
    const total = emptyDelta();
    for (const row of rows) {
      const wf = load(row);
      const { delta, row: change } = applyRequeue(wf, now);
      this.#writeWhole(wf, change, wf.stage);
      addDelta(total, delta);
    }
    this.#counters.apply(batchId, total, now);
  }

  /** Frees the given leased rows; a stage they left `running` becomes `pending` again. */
  release(rows: FullRow[], now: number): number {
    for (const row of rows) {
      const wf = load(row);
      const interrupted = interruptRunning(wf, now);
      if (interrupted) {
        this.#writeWhole(wf, interrupted.row, interrupted.stage);
        for (const event of interrupted.events) this.#events.log(row.batch_seq, event, row.seq);
        this.#counters.apply(wf.batchId, interrupted.delta, now);
      } else {
        this.#release.run(row.id);
        wf.leaseOwner = null;
      }
      // Cancel wins: a workflow whose cancel was pending is canceled now that nothing runs it.
      if (wf.cancelRequested) this.#counters.apply(wf.batchId, this.#cancelNow(wf, now), now);
    }
    return rows.length;
  }

  /**
   * Writes a workflow's whole state (cancel, requeue, release), fenced on the lease and claim it
   * holds (null for unowned rows).
   */
  #writeWhole(wf: ClaimedWorkflow, change: RowChange, stage: StageName | null): void {
    this.#update(wf, change, stage, STAGES, 'whole');
  }

  /**
   * A runner's transition: only the stages it touched (a failure or cancel also skips the later
   * ones), the status only when it starts from the queue or finishes, the lease only when it ends.
   */
  #transitionWrite(wf: ClaimedWorkflow, change: RowChange, stage: StageName, next: StageName | null, firstStart: boolean, output: unknown): void {
    const touched = change.finished ? STAGES.slice(STAGES.indexOf(stage)) : next ? [stage, next] : [stage];
    this.#update(wf, change, next ?? stage, touched, firstStart ? 'first start' : 'progress');
    // A finished workflow's last output is nobody's input (a retry resumes only failed or canceled ones).
    if (!change.finished) this.#saveOutput(wf, output);
  }

  /**
   * One UPDATE that assigns only what the change moves. SQLite updates an index only when an
   * UPDATE assigns one of its columns (or of its WHERE), so a stage boundary touches no index, a
   * first start only the status ones, and only the end of a claim the lease ones. `times`: `whole`
   * rewrites the workflow's status and times too (cancel, requeue, release); `first start` sets it
   * running. One statement per shape, prepared once.
   */
  #update(wf: ClaimedWorkflow, change: RowChange, stage: StageName | null, touched: readonly StageName[], times: 'whole' | 'first start' | 'progress'): void {
    const status = times === 'whole' || change.finished !== null;
    const key = `${times}${change.finished ? ' finished' : ''}${change.release ? ' release' : ''}:${touched.join(',')}`;
    let statement = this.#narrow.get(key);
    if (!statement) {
      const sets = [
        ...(times === 'first start' ? ["status = 'running'", 'started_at = ?'] : []),
        ...(times === 'whole' ? ['queued_at = ?', 'started_at = ?'] : []),
        ...(status ? ['status = ?', 'finished_at = ?', 'error = ?'] : []),
        ...(change.finished ? ['cancel_requested = 0'] : []),
        ...(change.release ? ['lease_owner = NULL', 'lease_expires = NULL'] : []),
        'stage = ?', 'attempts = ?', 'run_after = ?',
        ...touched.flatMap((s) => [...STAGE_FIELDS.map((f) => `${s}_${f} = ?`), `${s}_ms = ?`]),
      ];
      statement = this.#db.prepare(`UPDATE workflows SET ${sets.join(', ')} WHERE seq = ? AND lease_owner IS ? AND lease_epoch = ?`);
      this.#narrow.set(key, statement);
    }
    const values: unknown[] = [];
    if (times === 'first start') values.push(wf.startedAt);
    if (times === 'whole') values.push(wf.queuedAt, wf.startedAt);
    if (status) values.push(wf.status, wf.finishedAt, change.finished?.error ? JSON.stringify(change.finished.error) : null);
    // run_after: set while a retry waits out its backoff, cleared by every other write.
    values.push(stage, wf.attempts, change.runAfter);
    for (const name of touched) {
      const state = wf.stages[STAGES.indexOf(name)]!;
      values.push(...stageValues(state), state.status === 'succeeded' ? state.durationMs : null);
    }
    this.#fenced(wf, statement.run(...values, wf.seq, wf.leaseOwner, wf.leaseEpoch));
    if (change.release) wf.leaseOwner = null;
  }

  /** A succeeded stage's output, once its fenced write went through; undefined: none this change. */
  #saveOutput(wf: ClaimedWorkflow, output: unknown): void {
    if (output !== undefined) this.#upsertOutput.run(wf.seq, JSON.stringify(output ?? null));
  }

  /** A fenced write must have changed its one row; else the lease or claim it carried is gone. */
  #fenced(fence: LeaseFence, result: { changes: number }): void {
    if (result.changes !== 1) this.#leaseLost(fence);
  }

  /** Cancels a workflow not running a stage; returns its counter change for the caller to apply. */
  #cancelNow(wf: Loaded, now: number): Delta {
    const { delta, row: change } = applyCancel(wf, now);
    this.#writeWhole(wf, change, wf.stage);
    this.#events.log(wf.batchSeq, finishedEvent(wf, now), wf.seq);
    return delta;
  }

  /** A fenced write changed nothing: says whether that is a cancel's normal end or a lost lease. */
  #leaseLost(fence: LeaseFence): never {
    const row = this.#leaseState.get(fence.seq) as { status: WorkflowStatus } | undefined;
    // Expected only when the workflow finished meanwhile (canceled): a lease freed under a live
    // stage is not.
    const expected = !row || isFinished(row.status);
    throw new LeaseLostError(`lease on workflow ${fence.id} is no longer held by ${String(fence.leaseOwner)}`, expected);
  }
}

