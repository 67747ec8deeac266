/**
 * The embedded default store: one SQLite file in WAL mode through better-sqlite3. Batch creation
 * commits on its own; claims, stage transitions and results are group-committed (group-commit.ts).
 * One process owns the file, and proves it: it holds an exclusive lock on `<file>-lock` for as long
 * as it runs (the kernel drops it when the process dies, even by SIGKILL), so a second process on
 * the same file stops at open, and `recover()` may treat every lease found at start as a dead one's.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database, { type Database as DB, type Statement } from 'better-sqlite3';
import type { EngineEvent, NewEvent } from '../../model/events.js';
import { STAGES, batchStatusOf, isFinished, type BatchStatus, type StageName, type WorkflowStatus } from '../../model/statuses.js';
import { nearestRankIndex } from '../../model/stats.js';
import type { Batch, BatchOptions, NewBatch, Page, Workflow } from '../../model/types.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import {
  IdempotencyConflictError, LeaseLostError, NotRetryableError, QueueFullError, StoreInUseError, StoreUnavailableError,
  type CancelResult, type ClaimedWorkflow, type CreateOptions, type LeaseFence, type ListQuery, type Store, type Transition,
  type WebhookClaim, type WebhookOutcome,
} from '../store.js';
import {
  addDelta, applyCancel, applyRequeue, applyTransition, emptyDelta, finishedEvent, transitionEvents, type Delta, type RowChange,
} from '../transitions.js';
import { GroupCommit } from './group-commit.js';
import { MIGRATIONS } from './migrations.js';
import { prepare, type Statements } from './statements.js';
import { batchView, parseStages, workflowView, type BatchRow, type P95s, type WorkflowRow } from './views.js';

export interface SqliteStoreOptions {
  /** File path, or ":memory:". */
  path: string;
  /** `full` fsyncs every commit; `normal` only at WAL checkpoints. @default "full" */
  sync?: 'full' | 'normal';
}

/** A workflows row as stored (SELECT w.*, plus its batch's id). */
interface FullRow {
  seq: number; id: string; batch_id: string; batch_seq: number; client_id: string; priority: number; status: WorkflowStatus;
  stage: StageName | null; attempts: number; queued_at: number; started_at: number | null; finished_at: number | null;
  stages: string | null; lease_owner: string | null; lease_epoch: number; cancel_requested: number;
}

/** A workflow loaded from its row, in the shape the state machine and the runner use. */
type Loaded = ClaimedWorkflow & { stage: StageName | null; cancelRequested: boolean };

export class SqliteStore implements Store {
  readonly #db: DB;
  readonly #group: GroupCommit;
  readonly #sql: Statements;
  /** Rotates which batch of a priority level is served first, so claims round-robin. */
  #turn = 0;
  /**
   * The batch counter changes of the transitions in the group being written: applied once per
   * batch just before the group commits, not once per transition.
   */
  readonly #batchDeltas = new Map<string, { delta: Delta; at: number; started: boolean }>();
  /** Events written by the open transaction: published once it commits, dropped if it rolls back. */
  #journal: EngineEvent[] = [];
  readonly #eventListeners = new Set<(event: EngineEvent) => void>();
  #closed = false;
  /** The connection holding the owner lock (null for ":memory:", which no one else can open). */
  readonly #lock: DB | null;
  /** Workflows queued by the open transaction: added to `#queuedTotal` only if it commits. */
  #queuedDelta = 0;
  #probing: Promise<boolean> | null = null;
  /** Views of finished batches: they do not change until a retry reopens them. Bounded. */
  readonly #finishedViews = new Map<string, Batch>();
  /** Batch inserts commit in groups of their own: a POST never waits on stage transitions. */
  readonly #admissions: GroupCommit;
  /**
   * Workflows queued across all batches, for MAX_QUEUED: summed once at open, then kept by every
   * insert and counter change (this process owns the file), so a POST does not scan the batches.
   */
  #queuedTotal: number;

  constructor(options: SqliteStoreOptions) {
    const { path } = options;
    this.#lock = null;
    let db: DB | null = null;
    try {
      if (path !== ':memory:') {
        mkdirSync(dirname(path), { recursive: true });
        this.#lock = lockOwner(path);
      }
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.sync === 'normal' ? 'NORMAL' : 'FULL'}`);
      db.pragma('busy_timeout = 5000');
      migrate(db);
      this.#db = db;
      this.#sql = prepare(db);
    } catch (error) {
      db?.close();
      this.#lock?.close();
      if (error instanceof StoreInUseError) throw error;
      throw new StoreUnavailableError(`cannot open the database at ${path}: ${reason(error)}`, { cause: error });
    }
    this.#queuedTotal = 0;
    this.#recountQueued();
    this.#group = new GroupCommit(this.#db, {
      isRefusal: (e) => e instanceof LeaseLostError,
      beforeCommit: () => this.#applyBatchDeltas(),
      afterCommit: () => this.#publish(),
      onRollback: () => {
        this.#batchDeltas.clear();
        this.#discard();
      },
    });
    this.#admissions = new GroupCommit(this.#db, {
      isRefusal: (e) => e instanceof IdempotencyConflictError || e instanceof QueueFullError,
      afterCommit: () => this.#publish(),
      onRollback: () => this.#discard(),
    });
  }

  async createBatch(input: NewBatch, now: number, options: CreateOptions = {}): Promise<{ batch: Batch; replayed: boolean }> {
    const { insertBatch, insertWorkflow } = this.#sql;
    const { idempotency, maxQueued } = options;
    const { id, replayed } = await this.#admissions.run(() => {
      if (idempotency) {
        this.#sql.dropExpiredKeys.run(now);
        const seen = this.#sql.idempotencyKey.get(idempotency.key) as { fingerprint: string; batch_id: string } | undefined;
        if (seen) {
          if (seen.fingerprint !== idempotency.fingerprint) {
            throw new IdempotencyConflictError('this Idempotency-Key was used with a different request body');
          }
          return { id: seen.batch_id, replayed: true };
        }
      }
      // Committed total plus what earlier batches of this same group add.
      const queued = this.#queuedTotal + this.#queuedDelta;
      if (maxQueued !== undefined && queued + input.clientIds.length > maxQueued) throw new QueueFullError(queued, maxQueued);
      const batchId = randomUUID();
      const options: BatchOptions = {
        maxConcurrency: input.maxConcurrency, retry: input.retry, timeouts: input.timeouts, simulation: input.simulation,
      };
      const { lastInsertRowid } = insertBatch.run({
        id: batchId, label: input.label, priority: input.priority, created_at: now, total: input.clientIds.length,
        options: JSON.stringify(options), max_concurrency: input.maxConcurrency,
      });
      if (input.callbackUrl) this.#sql.setWebhookUrl.run(input.callbackUrl, lastInsertRowid);
      for (const clientId of input.clientIds) {
        insertWorkflow.run(randomUUID(), lastInsertRowid, JSON.stringify(clientId), input.priority, now);
      }
      if (idempotency) this.#sql.putIdempotencyKey.run(idempotency.key, idempotency.fingerprint, batchId, now + idempotency.ttlMs);
      this.#queuedDelta += input.clientIds.length;
      this.#log(Number(lastInsertRowid), { type: 'batch.created', at: now, batchId, total: input.clientIds.length });
      return { id: batchId, replayed: false };
    });
    const batch = await this.getBatch(id, now);
    if (!batch) throw new Error('batch vanished after insert');
    return { batch, replayed };
  }

  async getBatch(id: string, now: number): Promise<Batch | null> {
    const cached = this.#finishedViews.get(id);
    if (cached) return cached;
    const row = this.#sql.batchById.get(id) as BatchRow | undefined;
    if (!row) return null;
    const view = batchView(row, this.#p95s(row), now);
    if (view.finishedAt !== null) {
      if (this.#finishedViews.size >= 1000) this.#finishedViews.delete(this.#finishedViews.keys().next().value!);
      this.#finishedViews.set(id, view);
    }
    return view;
  }

  async listBatches(query: ListQuery<BatchStatus>, now: number): Promise<Page<Batch>> {
    const before = query.cursor ? decodeCursor(query.cursor) : Number.MAX_SAFE_INTEGER;
    const rows = (query.status
      ? this.#sql.batchesByStatus.all(query.status, before, query.limit + 1)
      : this.#sql.batches.all(before, query.limit + 1)) as BatchRow[];
    return page(rows, query.limit, (row) => batchView(row, this.#p95s(row), now));
  }

  async listWorkflows(batchId: string, query: ListQuery<WorkflowStatus>): Promise<Page<Workflow> | null> {
    const batch = this.#sql.batchSeq.get(batchId) as { seq: number } | undefined;
    if (!batch) return null;
    const after = query.cursor ? decodeCursor(query.cursor) : 0;
    const rows = (query.status
      ? this.#sql.workflowsByStatus.all(batch.seq, query.status, after, query.limit + 1)
      : this.#sql.workflows.all(batch.seq, after, query.limit + 1)) as WorkflowRow[];
    return page(rows, query.limit, workflowView);
  }

  async getWorkflow(id: string): Promise<Workflow | null> {
    const row = this.#sql.workflowById.get(id) as WorkflowRow | undefined;
    return row ? workflowView(row) : null;
  }

  /**
   * Fair claiming: priority levels from the highest; inside a level, the batches share what is
   * asked for equally (round-robin, starting one batch further each call), each capped by its
   * `maxConcurrency`. A big batch therefore cannot starve a small one of the same priority.
   */
  claim(owner: string, limit: number, now: number, leaseMs: number): Promise<ClaimedWorkflow[]> {
    return this.#group.run(() => {
      type Active = { seq: number; priority: number; max_concurrency: number | null };
      const active = this.#sql.activeBatches.all() as Active[];
      const claimed: ClaimedWorkflow[] = [];
      const options = new Map<number, { id: string; options: BatchOptions }>();
      let remaining = limit;
      for (let i = 0; i < active.length && remaining > 0;) {
        const level = active.filter((b) => b.priority === active[i]!.priority);
        i += level.length;
        const start = this.#turn++ % level.length;
        let open = [...level.slice(start), ...level.slice(0, start)];
        while (remaining > 0 && open.length > 0) {
          const share = Math.ceil(remaining / open.length);
          const stillOpen: Active[] = [];
          for (const b of open) {
            let cap = Math.min(share, remaining);
            if (b.max_concurrency !== null) {
              cap = Math.min(cap, b.max_concurrency - (this.#sql.leasedInBatch.get(b.seq) as { n: number }).n);
            }
            if (cap <= 0) continue;
            const rows = this.#sql.claimFromBatch.all({ owner, expires: now + leaseMs, batch: b.seq, now, limit: cap }) as FullRow[];
            rows.sort((x, y) => x.seq - y.seq);
            for (const row of rows) claimed.push(this.#claimed(row, owner, options));
            remaining -= rows.length;
            if (rows.length === cap) stillOpen.push(b);
          }
          open = stillOpen;
        }
      }
      return claimed;
    });
  }

  renewLeases(owner: string, ids: string[], now: number, leaseMs: number): Promise<string[]> {
    return this.#group.run(() => {
      const held = new Set((this.#sql.renew.all(now + leaseMs, owner, JSON.stringify(ids)) as Array<{ id: string }>).map((r) => r.id));
      return ids.filter((id) => !held.has(id));
    });
  }

  releaseLeases(owner: string, now: number, ids?: string[]): Promise<number> {
    return this.#group.run(() => this.#releaseLeases((ids
      ? this.#sql.ownerLeasesIn.all(owner, JSON.stringify(ids))
      : this.#sql.ownerLeases.all(owner)) as FullRow[], now));
  }

  releaseExpiredLeases(now: number): Promise<number> {
    return this.#group.run(() => this.#releaseLeases(this.#sql.expiredLeases.all(now) as FullRow[], now));
  }

  async recover(now: number): Promise<number> {
    this.#group.flush();
    return this.#transact(() => this.#releaseLeases(this.#sql.allLeases.all() as FullRow[], now));
  }

  record(reported: Transition): Promise<void> {
    return this.#group.run(() => {
      const wf = reported.workflow;
      // A runner writes only under its lease; one it gave up (finished, retrying) is not its own.
      if (wf.leaseOwner === null) throw new LeaseLostError(`workflow ${wf.id} is not leased by its runner`);
      let transition = reported;
      if ((transition.kind === 'retrying' || transition.kind === 'interrupted')
        && (this.#sql.cancelRequested.get(wf.seq) as { cancel_requested: number } | undefined)?.cancel_requested === 1) {
        // Canceled while its attempt was failing or being interrupted: the cancel wins, never a
        // retry, so nothing claims the workflow again.
        transition = { kind: 'canceled', workflow: wf, stage: transition.stage, at: transition.at };
      }
      const { delta, row } = applyTransition(transition);
      let stage = transition.stage;
      let next: StageName | null = null;
      if (transition.kind === 'succeeded' && transition.next && !row.finished) {
        stage = next = transition.next;
        addDelta(delta, applyTransition({ kind: 'started', workflow: wf, stage, at: transition.at }).delta);
      }
      this.#write(wf, row, stage, transition.kind === 'succeeded' ? transition.output : undefined);
      let pending = this.#batchDeltas.get(wf.batchId);
      if (!pending) {
        pending = { delta: emptyDelta(), at: transition.at, started: false };
        this.#batchDeltas.set(wf.batchId, pending);
      }
      if (delta.startedAt !== null && !pending.started) {
        // The batch's first stage start: `batch.started` goes before it in the log. (The row's
        // started_at is set only when the group commits, so the group remembers it in `started`.)
        const row = this.#sql.batchStartedAt.get(wf.batchSeq) as { started_at: number | null };
        if (row.started_at === null) this.#log(wf.batchSeq, { type: 'batch.started', at: delta.startedAt, batchId: wf.batchId });
        pending.started = true;
      }
      for (const event of transitionEvents(transition, row, next)) this.#log(wf.batchSeq, event);
      addDelta(pending.delta, delta);
      pending.at = Math.max(pending.at, transition.at);
    });
  }

  /** Applies the group's accumulated counter changes, one write per batch. */
  #applyBatchDeltas(): void {
    for (const [batchId, p] of this.#batchDeltas) this.#applyToBatch(batchId, p.delta, p.at);
    this.#batchDeltas.clear();
  }

  saveResult(fence: LeaseFence, result: Record<string, unknown>, now: number): Promise<void> {
    return this.#group.run(() => {
      const { changes } = this.#sql.upsertResult.run({
        id: fence.id, data: JSON.stringify(result), at: now, seq: fence.seq, owner: fence.leaseOwner, epoch: fence.leaseEpoch,
      });
      if (changes !== 1) this.#leaseLost(fence);
    });
  }

  async cancelBatch(id: string, now: number): Promise<CancelResult<Batch> | null> {
    const seq = this.#seqOf(id);
    if (seq === null) return null;
    const abort = this.#cancel(this.#sql.unfinishedRows.all(seq) as FullRow[], id, now, seq);
    return { item: (await this.getBatch(id, now))!, abort };
  }

  async cancelWorkflow(id: string, now: number): Promise<CancelResult<Workflow> | null> {
    this.#group.flush();
    const row = this.#sql.workflowRow.get(id) as FullRow | undefined;
    if (!row) return null;
    const abort = isFinished(row.status) ? [] : this.#cancel([row], row.batch_id, now, null);
    return { item: (await this.getWorkflow(id))!, abort };
  }

  async retryBatch(id: string, includeCanceled: boolean, now: number): Promise<{ batch: Batch; retried: number } | null> {
    const seq = this.#seqOf(id);
    if (seq === null) return null;
    const rows = this.#sql.retryableRows.all(seq, includeCanceled ? 'canceled' : 'failed') as FullRow[];
    if (rows.length > 0) this.#requeue(rows, id, now);
    return { batch: (await this.getBatch(id, now))!, retried: rows.length };
  }

  async retryWorkflow(id: string, now: number): Promise<Workflow | null> {
    this.#group.flush();
    const row = this.#sql.workflowRow.get(id) as FullRow | undefined;
    if (!row) return null;
    if (row.status !== 'failed' && row.status !== 'canceled') {
      throw new NotRetryableError(`workflow ${id} is ${row.status}; only failed or canceled workflows can be retried`);
    }
    this.#requeue([row], row.batch_id, now);
    return this.getWorkflow(id);
  }

  ping(): boolean {
    if (this.#closed) return false;
    try {
      return this.#sql.ping.get() !== undefined;
    } catch {
      return false;
    }
  }

  probeWrite(now: number): Promise<boolean> {
    this.#probing ??= new Promise<boolean>((resolve) => {
      // A turn later, so callers in the same turn share it; a transaction of its own, so a failing
      // probe never takes real writes down with it.
      setImmediate(() => {
        this.#probing = null;
        if (this.#closed) return resolve(false);
        try {
          this.#db.transaction(() => this.#sql.probe.run(now))();
          resolve(true);
        } catch {
          resolve(false);
        }
      });
    });
    return this.#probing;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#admissions.flush();
      this.#group.flush();
    } finally {
      this.#db.close();
      this.#lock?.close();
    }
  }

  #recountQueued(): void {
    this.#queuedTotal = (this.#sql.queuedTotal.get() as { n: number }).n;
  }

  /** A fenced write changed nothing: says whether that is a cancel's normal end or a lost lease. */
  #leaseLost(fence: LeaseFence): never {
    const row = this.#sql.leaseState.get(fence.seq) as { status: WorkflowStatus; lease_owner: string | null } | undefined;
    const expected = !row || isFinished(row.status) || row.lease_owner === null;
    throw new LeaseLostError(`lease on workflow ${fence.id} is no longer held by ${String(fence.leaseOwner)}`, expected);
  }

  #seqOf(batchId: string): number | null {
    // Writes still queued for the group go first, so what follows reads what the runners recorded.
    this.#group.flush();
    return (this.#sql.batchSeq.get(batchId) as { seq: number } | undefined)?.seq ?? null;
  }

  /**
   * Cancels at once what is not running a stage; returns the ids an engine must abort. With
   * `batchSeq` the whole batch was canceled (a `batch.canceled` event), else one workflow.
   */
  #cancel(rows: FullRow[], batchId: string, now: number, batchSeq: number | null): string[] {
    return this.#transact(() => {
      if (batchSeq !== null && rows.length > 0) this.#log(batchSeq, { type: 'batch.canceled', at: now, batchId });
      const abort: string[] = [];
      const total = emptyDelta();
      for (const row of rows) {
        const wf = load(row, null);
        if (wf.stages.some((s) => s.status === 'running')) {
          this.#sql.markCancel.run(row.id);
          abort.push(row.id);
          continue;
        }
        const { delta, row: change } = applyCancel(wf, now);
        this.#write(wf, change, wf.stage, undefined);
        this.#log(row.batch_seq, finishedEvent(wf, now));
        addDelta(total, delta);
      }
      this.#applyToBatch(batchId, total, now);
      return abort;
    });
  }

  #requeue(rows: FullRow[], batchId: string, now: number): void {
    this.#transact(() => {
      this.#log(rows[0]!.batch_seq, { type: 'batch.retried', at: now, batchId, workflows: rows.length });
      const total = emptyDelta();
      for (const row of rows) {
        const wf = load(row, null);
        const { delta, row: change } = applyRequeue(wf, now);
        this.#write(wf, change, wf.stage, undefined);
        addDelta(total, delta);
      }
      this.#applyToBatch(batchId, total, now);
    });
  }

  /** Runs `write` in a transaction of its own and publishes its events once it commits. */
  #transact<T>(write: () => T): T {
    let result: T;
    try {
      result = this.#db.transaction(write)();
    } catch (error) {
      this.#discard();
      throw error;
    }
    this.#publish();
    return result;
  }

  /** The open transaction rolled back: forget what it would have published or counted. */
  #discard(): void {
    this.#journal = [];
    this.#queuedDelta = 0;
  }

  /** Writes an event in the open transaction; it is published when that transaction commits. */
  #log(batchSeq: number, event: NewEvent): void {
    const { lastInsertRowid } = this.#sql.insertEvent.run(batchSeq, JSON.stringify(event));
    this.#journal.push({ ...event, id: Number(lastInsertRowid) });
  }

  #publish(): void {
    this.#queuedTotal += this.#queuedDelta;
    this.#queuedDelta = 0;
    const events = this.#journal;
    if (events.length === 0) return;
    this.#journal = [];
    for (const event of events) {
      for (const listener of this.#eventListeners) {
        try {
          listener(event);
        } catch (error) {
          // A listener's bug must not undo a commit or stop the others from hearing the event.
          process.emitWarning(`event listener failed: ${String(error)}`);
        }
      }
    }
  }

  onEvents(listener: (event: EngineEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  async listEvents(batchId: string, afterId: number, limit: number): Promise<EngineEvent[] | null> {
    const seq = this.#seqOf(batchId);
    if (seq === null) return null;
    return parseEvents(this.#sql.eventsAfter.all(seq, afterId, limit));
  }

  async workflowEvents(batchId: string, workflowIds: string[]): Promise<EngineEvent[]> {
    const seq = this.#seqOf(batchId);
    if (seq === null || workflowIds.length === 0) return [];
    return parseEvents(this.#sql.workflowEvents.all(seq, JSON.stringify(workflowIds)));
  }

  /** Frees the given leased rows; a stage they left `running` becomes `pending` again. */
  #releaseLeases(rows: FullRow[], now: number): number {
    for (const row of rows) {
      const wf = load(row, null);
      const running = wf.stages.find((s) => s.status === 'running');
      if (running) {
        const interrupted: Transition = { kind: 'interrupted', workflow: wf, stage: running.name, at: now };
        const { delta, row: change } = applyTransition(interrupted);
        this.#write(wf, change, running.name, undefined);
        for (const event of transitionEvents(interrupted, change, null)) this.#log(row.batch_seq, event);
        this.#applyToBatch(wf.batchId, delta, now);
      } else {
        this.#sql.release.run(row.id);
      }
      if (wf.cancelRequested) {
        wf.leaseOwner = null;
        const { delta, row: change } = applyCancel(wf, now);
        this.#write(wf, change, wf.stage, undefined);
        this.#log(row.batch_seq, finishedEvent(wf, now));
        this.#applyToBatch(wf.batchId, delta, now);
      }
    }
    return rows.length;
  }

  /** Writes a workflow's state, fenced on the lease and claim it holds (null for unowned rows). */
  #write(wf: ClaimedWorkflow, change: RowChange, stage: StageName | null, output: unknown): void {
    // Per stage (in STAGES order, as stored): the duration of a succeeded run, else null.
    const ms = wf.stages.map((s) => (s.status === 'succeeded' ? s.durationMs : null));
    const { changes } = this.#sql.writeWorkflow.run({
      seq: wf.seq, owner: wf.leaseOwner, epoch: wf.leaseEpoch, status: wf.status, stage, attempts: wf.attempts,
      queued_at: wf.queuedAt, started_at: wf.startedAt, finished_at: wf.finishedAt,
      stages: JSON.stringify(wf.stages), output: output === undefined ? null : JSON.stringify(output ?? null),
      error: change.finished?.error ? JSON.stringify(change.finished.error) : null,
      run_after: change.runAfter, release: change.release ? 1 : 0, finished: change.finished ? 1 : 0,
      ...Object.fromEntries(STAGES.map((s, i) => [`${s}_ms`, ms[i] ?? null])),
    });
    if (changes !== 1) this.#leaseLost(wf);
    if (change.release) wf.leaseOwner = null;
  }

  /** Applies `d` to the batch's counters; logs `batch.finished` when that ends it (`record` logs `batch.started`). */
  #applyToBatch(batchId: string, d: Delta, at: number): void {
    this.#finishedViews.delete(batchId);
    this.#queuedDelta += d.workflows.queued;
    const stageParams = Object.fromEntries(STAGES.flatMap((s) => [
      [`${s}_running`, d.stages[s].running], [`${s}_succeeded`, d.stages[s].succeeded],
      [`${s}_failed`, d.stages[s].failed], [`${s}_ms_sum`, d.stages[s].msSum], [`${s}_ms_max`, d.stages[s].msMax],
    ]));
    const row = this.#sql.updateBatch.get({
      id: batchId, ...d.workflows, started_at: d.startedAt,
      wait_count: d.wait.count, wait_sum: d.wait.sum, wait_max: d.wait.max,
      run_count: d.run.count, run_sum: d.run.sum, run_max: d.run.max, runs: d.finishedRuns, ...stageParams,
    }) as BatchRow;
    if (d.recomputeMaxima) this.#sql.recomputeMaxima.run({ seq: row.seq });
    const status = batchStatusOf({ ...row, started: row.started_at !== null });
    if (status !== row.status) {
      // Finishing freezes the percentiles; reopening (a retry) thaws them.
      const finished = isFinished(status);
      const p95s = finished ? JSON.stringify(this.#p95s({ ...row, p95s: null })) : null;
      this.#sql.setBatchStatus.run(status, finished ? at : null, p95s, row.seq);
      // Webhooks: finishing makes the delivery due in this same transaction (a crash right after
      // still delivers); a retry reopening the batch resets it, to deliver again on the next finish.
      if (finished || isFinished(row.status)) this.#sql.armWebhook.run({ seq: row.seq, next_at: finished ? at : null });
      if (finished) this.#log(row.seq, { type: 'batch.finished', at, batchId, status });
    }
  }

  #claimed(row: FullRow, owner: string, cache: Map<number, { id: string; options: BatchOptions }>): ClaimedWorkflow {
    let batch = cache.get(row.batch_seq);
    if (!batch) {
      const b = this.#sql.batchBySeq.get(row.batch_seq) as { id: string; options: string };
      batch = { id: b.id, options: JSON.parse(b.options) as BatchOptions };
      cache.set(row.batch_seq, batch);
    }
    const output = (row as FullRow & { output: string | null }).output;
    return {
      ...load({ ...row, batch_id: batch.id, lease_owner: owner, cancel_requested: 0 }, batch.options),
      output: output === null ? null : JSON.parse(output),
    };
  }

  /** The batch's p95s: frozen when it finished, else computed now with one indexed scan each. */
  #p95s(row: BatchRow): P95s {
    if (row.p95s) return JSON.parse(row.p95s) as P95s;
    const at = (query: Statement, count: number): number | null =>
      count <= 0 ? null : ((query.get(row.seq, nearestRankIndex(count, 95)) as { v: number } | undefined)?.v ?? null);
    const p95s = { wait: at(this.#sql.waitAt, row.wait_count), workflow: at(this.#sql.workflowAt, row.wf_count) } as P95s;
    for (const s of STAGES) p95s[s] = at(this.#sql.stageAt[s], row[`${s}_succeeded`] as number);
    return p95s;
  }

  /** Committed counters only: transitions still in the open group show one turn later. */
  async workflowTotals(): Promise<Record<WorkflowStatus, number>> {
    return this.#sql.workflowTotals.get() as Record<WorkflowStatus, number>;
  }

  // --- Webhooks (engine/webhooks.ts) ---

  claimWebhooks(now: number, limit: number, leaseMs: number, maxAttempts: number): Promise<WebhookClaim[]> {
    return this.#group.run(() => {
      for (const { id } of this.#sql.failSpentWebhooks.all({ now, max: maxAttempts }) as Array<{ id: string }>) {
        this.#finishedViews.delete(id);
      }
      const token = randomUUID();
      const rows = this.#sql.claimWebhooks.all({ now, limit, lease: now + leaseMs, claim: token, max: maxAttempts }) as
        Array<{ id: string; webhook_url: string; webhook_attempts: number }>;
      return rows.map((r) => {
        this.#finishedViews.delete(r.id);
        return { batchId: r.id, url: r.webhook_url, attempt: r.webhook_attempts, token };
      });
    });
  }

  recordWebhook(claim: WebhookClaim, outcome: WebhookOutcome): Promise<boolean> {
    return this.#group.run(() => {
      const row = outcome.status === 'delivered'
        ? { status: 'delivered', error: null, delivered_at: outcome.at, next_at: null }
        : { status: outcome.nextAt === null ? 'failed' : 'pending', error: outcome.error, delivered_at: null, next_at: outcome.nextAt };
      const { changes } = this.#sql.recordWebhook.run({ id: claim.batchId, claim: claim.token, ...row });
      this.#finishedViews.delete(claim.batchId);
      return changes === 1;
    });
  }

  async nextWebhookAt(): Promise<number | null> {
    return (this.#sql.nextWebhookAt.get() as { at: number | null }).at;
  }
}

function parseEvents(rows: unknown[]): EngineEvent[] {
  return (rows as Array<{ id: number; data: string }>).map((r) => ({ ...(JSON.parse(r.data) as NewEvent), id: r.id }));
}

const NO_OPTIONS: BatchOptions = { maxConcurrency: null, retry: null, timeouts: null, simulation: null };

function load(row: FullRow, options: BatchOptions | null): Loaded {
  return {
    id: row.id, seq: row.seq, batchSeq: row.batch_seq, batchId: row.batch_id, clientId: JSON.parse(row.client_id) as ClaimedWorkflow['clientId'],
    priority: row.priority, status: row.status, stage: row.stage ?? null, stages: parseStages(row.stages), output: null, attempts: row.attempts,
    queuedAt: row.queued_at, startedAt: row.started_at, finishedAt: row.finished_at ?? null,
    options: options ?? NO_OPTIONS, leaseOwner: row.lease_owner, leaseEpoch: row.lease_epoch,
    cancelRequested: row.cancel_requested === 1,
  };
}

function page<R extends { seq: number }, T>(rows: R[], limit: number, view: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items: items.map(view), nextCursor: more && last ? encodeCursor(last.seq) : null };
}

/**
 * Takes the owner lock: an exclusive transaction on a small side database, opened and never
 * ended. SQLite's lock is an OS file lock, so it is released when the process dies, however it
 * dies; a stopped (SIGSTOP) process keeps it, and rightly so: it still runs its workflows.
 */
function lockOwner(path: string): DB {
  const lock = new Database(`${path}-lock`, { timeout: 0 });
  try {
    lock.pragma('journal_mode = MEMORY');
    lock.exec('BEGIN EXCLUSIVE');
    return lock;
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new StoreInUseError(`the database at ${path} is in use by another process`);
    }
    throw error;
  }
}

/** One line saying why, without a stack: SQLite's own message, or the file system's. */
function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function migrate(db: DB): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  MIGRATIONS.forEach((sql, i) => {
    const version = i + 1;
    if (version <= current) return;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  });
}
