/**
 * The Store: the durable record of batches, workflows, stage states and results, and the only
 * source of truth. The engine claims work from it and reports transitions to it; HTTP reads views
 * from it. Implementations: `sqlite/` (embedded default). Every implementation passes the same
 * contract tests (test/store-contract.test.ts).
 */
import type {
  Batch, BatchOptions, ClientId, ErrorInfo, NewBatch, Page, StageState, Workflow,
} from '../model/types.js';
import type { EngineEvent } from '../model/events.js';
import type { BatchStatus, StageName, WorkflowStatus } from '../model/statuses.js';

/** A workflow handed to one engine under a lease: everything the runner needs, nothing more. */
export interface ClaimedWorkflow {
  id: string;
  /** The store's own keys for the row and its batch (faster to write by than the ids). */
  seq: number;
  batchSeq: number;
  batchId: string;
  clientId: ClientId;
  /** The batch's priority: the dispatcher runs claimed work highest first. */
  priority: number;
  status: WorkflowStatus;
  stages: StageState[];
  /** The last succeeded stage's persisted output: the next stage's input. */
  output: unknown;
  attempts: number;
  queuedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** The batch's options (simulation, retry, timeouts), as it was submitted. */
  options: BatchOptions;
  /** Who holds the lease; writes are fenced on it so a process that lost its lease cannot write. */
  leaseOwner: string | null;
  /** Which claim this is: writes are fenced on it too, so a superseded claim cannot write. */
  leaseEpoch: number;
}

/** What fences a write on a workflow: the row, and the lease and claim it was claimed with. */
export type LeaseFence = Pick<ClaimedWorkflow, 'id' | 'seq' | 'leaseOwner' | 'leaseEpoch'>;

/**
 * The write was refused because the writer no longer holds the workflow's lease. `expected` is
 * true when the workflow was canceled or finished meanwhile (the normal end of a canceled claim);
 * false when the lease went to another claim (it expired and was taken over).
 */
export class LeaseLostError extends Error {
  readonly code = 'LEASE_LOST';

  constructor(message: string, readonly expected = false) {
    super(message);
  }
}

/** The database is held by another process: this one must not open it. */
export class StoreInUseError extends Error {
  readonly code = 'STORE_IN_USE';
}

/** The store cannot be opened, or cannot commit (disk full, read-only, I/O error). */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
}

/**
 * A stage transition reported by the runner. The runner owns the workflow while it holds the
 * lease, so it sends the stage's new state whole; the store derives every counter from it.
 */
export type Transition =
  | { kind: 'started'; workflow: ClaimedWorkflow; stage: StageName; at: number }
  /** With `next`, the same write also starts that stage: one row write per stage boundary. */
  | { kind: 'succeeded'; workflow: ClaimedWorkflow; stage: StageName; at: number; output: unknown; next?: StageName }
  | { kind: 'failed'; workflow: ClaimedWorkflow; stage: StageName; at: number; error: ErrorInfo }
  /** The attempt failed and another is due at `retryAt`: the lease is given up until then. */
  | { kind: 'retrying'; workflow: ClaimedWorkflow; stage: StageName; at: number; error: ErrorInfo; retryAt: number }
  /** Cancel aborted the running stage. */
  | { kind: 'canceled'; workflow: ClaimedWorkflow; stage: StageName; at: number }
  /** The stage was interrupted (shutdown): its attempt counts and it will run again. */
  | { kind: 'interrupted'; workflow: ClaimedWorkflow; stage: StageName; at: number };

export interface ListQuery<S> {
  status?: S;
  limit: number;
  cursor?: string;
}

export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR';
}

/** Accepting the batch would put more than `maxQueued` workflows in the queue; nothing was written. */
export class QueueFullError extends Error {
  constructor(readonly queued: number, readonly maxQueued: number) {
    super(`the queue holds ${queued} workflows; accepting this batch would pass the limit of ${maxQueued}`);
  }
}

/** The Idempotency-Key was used before with a different request body. */
export class IdempotencyConflictError extends Error {}

/** Only failed or canceled workflows can be retried. */
export class NotRetryableError extends Error {}

export interface CreateOptions {
  /** Reject (QueueFullError) when the queue would then hold more workflows than this. */
  maxQueued?: number;
  /** Replay the batch created earlier with this key and the same fingerprint, for ttlMs. */
  idempotency?: { key: string; fingerprint: string; ttlMs: number };
}

export interface CancelResult<T> {
  item: T;
  /** Workflows whose running stage must be aborted by the engine that runs them. */
  abort: string[];
}

export interface Store {
  /**
   * Writes the batch and all its workflows in one transaction; resolves once committed. With an
   * idempotency key seen before (same fingerprint) it writes nothing and returns that batch with
   * `replayed: true`.
   */
  createBatch(input: NewBatch, now: number, options?: CreateOptions): Promise<{ batch: Batch; replayed: boolean }>;
  /** Cancels what is not running at once; marks running workflows for the engine to abort. */
  cancelBatch(id: string, now: number): Promise<CancelResult<Batch> | null>;
  cancelWorkflow(id: string, now: number): Promise<CancelResult<Workflow> | null>;
  /** Requeues the batch's failed (and, if asked, canceled) workflows at their failed stage. */
  retryBatch(id: string, includeCanceled: boolean, now: number): Promise<{ batch: Batch; retried: number } | null>;
  /** Requeues one failed or canceled workflow; NotRetryableError otherwise. */
  retryWorkflow(id: string, now: number): Promise<Workflow | null>;
  getBatch(id: string, now: number): Promise<Batch | null>;
  listBatches(query: ListQuery<BatchStatus>, now: number): Promise<Page<Batch>>;
  /** Null when the batch does not exist. */
  listWorkflows(batchId: string, query: ListQuery<WorkflowStatus>): Promise<Page<Workflow> | null>;
  getWorkflow(id: string): Promise<Workflow | null>;

  /**
   * Leases up to `limit` runnable workflows (queued, or running but unowned) to `owner` until
   * `now + leaseMs`, highest priority first, then oldest.
   */
  claim(owner: string, limit: number, now: number, leaseMs: number): Promise<ClaimedWorkflow[]>;
  /**
   * Extends the leases `owner` holds on `ids`, expired or not; returns the ids it no longer holds
   * (taken over by another claim, or released): their runs must stop.
   */
  renewLeases(owner: string, ids: string[], now: number, leaseMs: number): Promise<string[]>;
  /**
   * Frees leases that expired (their owner died or lost them); returns how many. A caller renews
   * the leases it holds first, so a stalled process never takes back its own live work.
   */
  releaseExpiredLeases(now: number): Promise<number>;
  /**
   * Called once when an engine starts on an embedded store it owns alone: every lease left by a
   * dead process is freed at once, and stages it left `running` become `pending` again.
   */
  recover(now: number): Promise<number>;
  /**
   * Persists a transition and the events it causes (possibly grouped with others in one commit);
   * resolves once durable.
   */
  record(transition: Transition): Promise<void>;
  /**
   * Frees the leases `owner` holds (all of them, or only `ids`): a stage they left `running`
   * becomes `pending` again (`stage.interrupted`), so nothing stays running unowned.
   */
  releaseLeases(owner: string, now: number, ids?: string[]): Promise<number>;
  /**
   * Upserts a workflow's final result, fenced on its lease like every workflow write
   * (LeaseLostError when it is not held); repeating it is harmless.
   */
  saveResult(fence: LeaseFence, result: Record<string, unknown>, now: number): Promise<void>;

  /**
   * Calls `listener` with every event right after the transaction that wrote it commits, in id
   * order. Returns the function that unsubscribes.
   */
  onEvents(listener: (event: EngineEvent) => void): () => void;
  /** The batch's events with an id above `afterId`, oldest first, at most `limit`; null when no such batch. */
  listEvents(batchId: string, afterId: number, limit: number): Promise<EngineEvent[] | null>;
  /** Every event of these workflows of the batch, oldest first: their attempt-by-attempt history. */
  workflowEvents(batchId: string, workflowIds: string[]): Promise<EngineEvent[]>;

  ping(): boolean;
  /**
   * Whether the store can commit a write now: writes a small probe in a transaction of its own
   * (never grouped with real work). Concurrent callers share one probe.
   */
  probeWrite(now: number): Promise<boolean>;
  close(): Promise<void>;

  /** Workflows by status across all batches, summed from the per-batch counters: O(batches). */
  workflowTotals(): Promise<Record<WorkflowStatus, number>>;

  // Webhooks (engine/webhooks.ts). The store makes a delivery due in the transaction that finishes
  // its batch and resets it when a retry reopens the batch; these methods run the deliveries.
  /**
   * Leases up to `limit` due deliveries until `now + leaseMs` and counts their attempt. Due ones
   * with no attempt left (the last was interrupted) are marked failed instead.
   */
  claimWebhooks(now: number, limit: number, leaseMs: number, maxAttempts: number): Promise<WebhookClaim[]>;
  /** Writes a claimed attempt's outcome; false when the claim no longer stands (the batch reopened). */
  recordWebhook(claim: WebhookClaim, outcome: WebhookOutcome): Promise<boolean>;
  /** When the next pending delivery is due (epoch ms; a leased one when its lease ends), or null. */
  nextWebhookAt(): Promise<number | null>;
}

/** One delivery attempt handed to the deliverer. */
export interface WebhookClaim {
  batchId: string;
  url: string;
  /** This attempt's number, from 1. */
  attempt: number;
  /** Fences the outcome: written only if no reset happened since. */
  token: string;
}

export type WebhookOutcome =
  | { status: 'delivered'; at: number }
  /** Failed; `nextAt` set: another attempt is due then; null: no attempt left (`failed`). */
  | { status: 'failed'; at: number; error: string; nextAt: number | null };
