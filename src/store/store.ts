/**
 * The Store: the durable record of batches, workflows, stage states and results, and the only
 * source of truth. The engine claims work from it and reports transitions to it; HTTP reads views
 * from it. Implementations: `sqlite/` (embedded default). Every implementation passes the same
 * contract tests (test/store-contract.test.ts).
 */
import type {
  Batch, ClientId, ErrorInfo, NewBatch, Page, Simulation, StageState, Workflow,
} from '../model/types.js';
import type { BatchStatus, StageName, WorkflowStatus } from '../model/statuses.js';

/** A workflow handed to one engine under a lease: everything the runner needs, nothing more. */
export interface ClaimedWorkflow {
  id: string;
  batchId: string;
  clientId: ClientId;
  status: WorkflowStatus;
  stages: StageState[];
  /** The last succeeded stage's persisted output: the next stage's input. */
  output: unknown;
  attempts: number;
  queuedAt: number;
  startedAt: number | null;
  simulation: Simulation | null;
  /** Who holds the lease; writes are fenced on it so a process that lost its lease cannot write. */
  leaseOwner: string | null;
}

/** The workflow's lease was taken over (it expired): the holder must stop working on it. */
export class LeaseLostError extends Error {
  readonly code = 'LEASE_LOST';
}

/**
 * A stage transition reported by the runner. The runner owns the workflow while it holds the
 * lease, so it sends the stage's new state whole; the store derives every counter from it.
 */
export type Transition =
  | { kind: 'started'; workflow: ClaimedWorkflow; stage: StageName; at: number }
  | { kind: 'succeeded'; workflow: ClaimedWorkflow; stage: StageName; at: number; output: unknown }
  | { kind: 'failed'; workflow: ClaimedWorkflow; stage: StageName; at: number; error: ErrorInfo }
  /** The stage was interrupted (shutdown): its attempt counts and it will run again. */
  | { kind: 'interrupted'; workflow: ClaimedWorkflow; stage: StageName; at: number };

/** What a transition changed that the engine reports as events. */
export interface TransitionOutcome {
  workflowFinished: WorkflowStatus | null;
  batchFinished: BatchStatus | null;
  batchStarted: boolean;
}

export interface ListQuery<S> {
  status?: S;
  limit: number;
  cursor?: string;
}

export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR';
}

export interface Store {
  /** Writes the batch and all its workflows in one transaction; resolves once committed. */
  createBatch(input: NewBatch, now: number): Promise<Batch>;
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
  /** Extends the leases `owner` holds on `ids`; returns how many. */
  renewLeases(owner: string, ids: string[], now: number, leaseMs: number): Promise<number>;
  /** Frees leases that expired (their owner died); returns how many. */
  releaseExpiredLeases(now: number): Promise<number>;
  /**
   * Called once when an engine starts on an embedded store it owns alone: every lease left by a
   * dead process is freed at once, and stages it left `running` become `pending` again.
   */
  recover(now: number): Promise<number>;
  /** Persists a transition (possibly grouped with others in one commit); resolves once durable. */
  record(transition: Transition): Promise<TransitionOutcome>;
  /** Frees every lease `owner` still holds (workflows claimed but not started, or paused between stages). */
  releaseLeases(owner: string): Promise<number>;
  /** Upserts a workflow's final result; repeating it is harmless. */
  saveResult(workflowId: string, result: Record<string, unknown>, now: number): Promise<void>;

  ping(): boolean;
  close(): Promise<void>;
}
