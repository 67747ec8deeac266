/**
 * The port between the store's sequences (ops/) and a backend (sqlite/, postgres/): every call a
 * sequence makes of a backend, and nothing else. A backend implements each call as SQL and row
 * mapping; it decides nothing. Whether a workflow's cancel wins, what a transition writes, when a
 * batch finishes, which events a change causes: all of that is decided in ops/ with the rules
 * beside it (transitions.ts, cancel-wins.ts, batch-finish.ts), once for every backend.
 *
 * Every call runs inside the transaction the backend opened for the sequence (ops/steps.ts). A
 * call may answer at once (SQLite: better-sqlite3 is synchronous) or with a promise (PostgreSQL);
 * the sequence is written once either way, as a generator the backend drives.
 *
 * Fences: every workflow write names the lease and claim it was read or claimed with
 * (`LeaseFence`) and writes nothing unless both still stand; it says whether they did. A
 * backend whose rows are locked first (PostgreSQL) may answer from what it locked.
 */
import type { EngineEvent, NewEvent } from '../model/events.js';
import type { FlowLimit } from '../model/flow-limits.js';
import type { Schedule, ScheduleTick } from '../model/schedules.js';
import type { Quotas } from '../model/tenants.js';
import type { BatchOptions, ClientId } from '../model/types.js';
import type { BatchStatus, StageName, WorkflowStatus } from '../model/statuses.js';
import type { FinishedCounts } from './batch-finish.js';
import type { FullRow } from './rows.js';
import type { ClaimedWorkflow } from './store.js';
import type { Samples } from './timings.js';
import type { Delta, RowChange } from './transitions.js';
import type { BatchRow, P95s } from './views.js';

/** A workflow row's lease as the transaction sees it (locked, where the backend locks rows). */
export interface LeaseState {
  status: WorkflowStatus;
  leaseOwner: string | null;
  leaseEpoch: number;
  cancelRequested: boolean;
}

/**
 * Which columns a workflow write must set, so a backend that writes narrowly (SQLite: an UPDATE
 * assigns only what moved, and so touches no index it need not) knows; one writing whole rows
 * ignores it. `stages`: the stages whose state changed. `times`: `whole` also sets status, queue
 * and start times (cancel, requeue, release); `first start` sets the workflow running; `progress`
 * sets its status only when it finishes.
 */
export interface WriteShape {
  stages: readonly StageName[];
  times: 'whole' | 'first start' | 'progress';
}

/** Rows a sequence reads to change them (locked where the backend locks rows), with their batch's id. */
export type RowQuery =
  | { workflowId: string }
  | { batchSeq: number; status: 'unfinished' | 'failed' | 'failed or canceled' }
  /** Every leased row (an exclusive owner's start), or those leased by `owner` (only `ids`), or expired ones. */
  | { leased: 'all' }
  | { leased: 'expired'; at: number }
  | { leased: 'owner'; owner: string; ids?: string[] };

/** One transaction's events of one batch, in the order they happened. */
export interface BatchEvents {
  batchId: string;
  list: Array<{ event: NewEvent; workflowSeq: number | null }>;
}

/** A batch row before its counters move: what decides its `batch.started` and its status change. */
export interface BatchHead {
  seq: number;
  status: BatchStatus;
  startedAt: number | null;
}

/** A new batch's row. */
export interface NewBatchRow {
  id: string;
  tenant: string;
  label: string | null;
  priority: number;
  options: BatchOptions;
  maxConcurrency: number | null;
  flowKey: string | null;
  callbackUrl: string | null;
  /** The submitting request's W3C traceparent (NewBatch.traceContext); null: untraced. */
  traceContext: string | null;
  createdAt: number;
  total: number;
}

/** An active batch with runnable work, as a claim plans over it (claim-plan.ts). */
export interface ClaimableBatch {
  seq: number;
  priority: number;
  tenant: string;
  /** The tenant's own quotas; null: none of its own. */
  quotas: Quotas | null;
  maxConcurrency: number | null;
  flowKey: string | null;
  /** Workflows of the batch leased now (counted only when it has a `maxConcurrency`, else 0). */
  leased: number;
  /** Its runnable workflows, counted up to the claim's limit by a backend that plans its takes (else unset). */
  available?: number;
}

/** Who claims, until when. */
export interface ClaimTerms {
  owner: string;
  now: number;
  leaseMs: number;
}

/** A workflow a claim took, with what its runner needs besides the row. */
export interface TakenRow {
  row: FullRow;
  options: BatchOptions;
  /** The last succeeded stage's output (null when none succeeded). */
  output: unknown;
  /** The batch's trace context (NewBatchRow.traceContext). */
  traceContext: string | null;
}

/** A flow key's bucket after a claim, and whether the claim found it without a whole token. */
export interface BucketWrite {
  key: string;
  tokens: number;
  refilledAt: number;
  throttled: 0 | 1;
}

export interface Driver {
  // --- Workflow rows ---
  /** The rows `query` names, in key order (locked, where the backend locks rows). */
  workflowRows(query: RowQuery): FullRow[];
  /** The lease of a workflow row the transaction reads or holds; undefined: no such row. */
  leaseOf(seq: number): LeaseState | undefined;
  /**
   * Writes `wf`'s state after `change` (its stages, attempts, times, status; `stage` the one it
   * is at), fenced on `wf`'s lease and claim; releases the lease when `change.release`. False:
   * the fence no longer stands and nothing was written.
   */
  writeWorkflow(wf: ClaimedWorkflow, change: RowChange, stage: StageName | null, shape: WriteShape): boolean;
  /** A succeeded stage's output, the next stage's input (after the fenced write of its row). */
  saveOutput(seq: number, output: unknown): void;
  /** A workflow's result, upserted (after the fenced write of its row, or a `leaseOf` that showed the fence holds). */
  saveResult(seq: number, result: Record<string, unknown>, at: number): void;
  /** Marks a running workflow's cancel requested: its engine sees it and aborts the stage. */
  markCancel(seq: number): void;

  // --- Batches: counters, status, events (at the end of each transaction) ---
  /** The batch's key; null: no such batch. */
  batchSeq(batchId: string): number | null;
  /** The batch rows, in key order (locked, where the backend locks rows), before their counters move. */
  lockBatches(seqs: readonly number[]): BatchHead[];
  /** Adds `delta`'s counts to the batch's counters; returns the row after. */
  addCounters(seq: number, delta: Delta): BatchRow;
  /** Moves the batch's duration histograms by `samples`; `counts`: how many values each metric holds after. */
  addSamples(seq: number, samples: Samples, counts: readonly number[]): void;
  /** Recomputes the batch's maxima from its histograms (values were taken back). */
  recomputeMaxima(seq: number): void;
  /** The batch's p95s now, from its histograms. */
  p95s(row: BatchRow): P95s;
  /** Sets the batch's status; `p95s` (JSON) frozen at a finish, null otherwise. */
  setBatchStatus(seq: number, status: BatchStatus, finishedAt: number | null, p95s: string | null): void;
  /** A fresh webhook delivery, due at `dueAt` (finished) or not due (null: reopened), if the batch has a callback. */
  armWebhook(seq: number, dueAt: number | null): void;
  /** Adds finished workflows' counts to the tenant's totals (negative: a reopened batch's). */
  addTenantTotals(tenant: string, counts: FinishedCounts): void;
  /** Numbers and writes the events, batches in key order; returns them with their ids. */
  insertEvents(batches: ReadonlyMap<number, BatchEvents>): EngineEvent[];

  // --- Claims (ops/claim.ts) ---
  /**
   * Active batches with runnable work (unowned, unfinished, not being canceled, not waiting out a
   * backoff), highest priority first, then oldest, at most a thousand; `limit` bounds what a
   * backend counting their runnable work counts. A backend with other processes claiming locks the
   * capped batches' rows here, so two claims cannot both fill the same `maxConcurrency`.
   */
  claimableBatches(limit: number, now: number): ClaimableBatch[];
  /** Workflows leased now per tenant (locked per tenant first, where other processes claim too). */
  tenantLeases(tenants: readonly string[]): Map<string, number>;
  /** The limits of those of `keys` that have one, with their leases now (locked per key first, likewise). */
  flowLimits(keys: readonly string[]): Map<string, { limit: FlowLimit; leased: number }>;
  /**
   * Takes up to `max` runnable workflows of the batch under the claim's lease, oldest first;
   * returns how many. A backend may only plan here and take at `takenRows` (it then counts on
   * what it read in `claimableBatches`, and may get fewer there).
   */
  takeFromBatch(batch: ClaimableBatch, max: number, terms: ClaimTerms): number;
  /** Every row this claim took. */
  takenRows(terms: ClaimTerms): TakenRow[];
  /** Writes the flow keys' buckets a claim spent from (and counts the throttled ones). */
  saveBuckets(buckets: readonly BucketWrite[]): void;
  /** The key's limit, about to be rewritten (locked as a claim locks it, where other processes claim too); null: none. */
  flowLimitForWrite(key: string): FlowLimit | null;
  /** Writes the key's limit and bucket (its throttled count stays). */
  writeFlowLimit(limit: FlowLimit): void;

  // --- Admission ---
  /** Serialises admissions that check limits or keys (across processes, where there are several). */
  lockAdmission(): void;
  /** Idempotency keys past their time go; then the one named, if any. */
  idempotencyKey(key: string, now: number): { fingerprint: string; batchId: string } | undefined;
  putIdempotencyKey(key: string, fingerprint: string, batchId: string, expiresAt: number): void;
  /** Workflows queued in active batches: all of them, or one tenant's. */
  queued(tenant?: string): number;
  /** The tenant's workflows stored, whatever their status, until purged: its active batches' and its totals'. */
  stored(tenant: string): number;
  /** Writes the batch row; returns its key. */
  insertBatch(batch: NewBatchRow): number;
  /** Writes the batch's workflows, queued, in the order given. */
  insertWorkflows(batchSeq: number, ids: readonly string[], clientIds: readonly ClientId[], priority: number, at: number): void;

  // --- Schedules (ops/schedules.ts) ---
  /** How many schedules the tenant has (under the admission lock, when counted against a quota). */
  countSchedules(tenant: string): number;
  /** The schedule's row (locked, where the backend locks rows: a tick, a pause, a change or a delete at a time); null: none. */
  lockSchedule(id: string): Schedule | null;
  /** Writes a new schedule; `nextFireAt`: when its next tick fires (its time plus its jitter). */
  insertSchedule(schedule: Schedule, nextFireAt: number | null): void;
  /** Rewrites a schedule the transaction locked: its definition and its state. */
  writeSchedule(schedule: Schedule, nextFireAt: number | null): void;
  /** Deletes a schedule the transaction locked, and its tick records. */
  deleteSchedule(id: string): void;
  /** Writes the unique (schedule, tick) record; false: it exists already, and nothing was written. */
  insertTick(tick: ScheduleTick): boolean;
  /** A batch's status now (not locked); null: no such batch (never made, or purged). */
  batchStatus(batchId: string): BatchStatus | null;
}

/** A backend's driver as a sequence sees it: each call answered at once, or with a promise. */
export type AsyncDriver = { [K in keyof Driver]: (...args: Parameters<Driver[K]>) => ReturnType<Driver[K]> | Promise<ReturnType<Driver[K]>> };
