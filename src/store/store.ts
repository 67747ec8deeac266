/**
 * The Store: the durable record of batches, workflows, stage states, results and events, and the
 * only source of truth. It is split into the roles its callers play, so each caller depends on
 * what it uses and a new backend sees what each part of the system needs:
 *
 *   Admission      HTTP → engine.submit     createBatch
 *   Control        cancel and retry         cancelBatch, cancelWorkflow, retryBatch, retryWorkflow
 *   Reads          HTTP, timeline, metrics  getBatch, listBatches, listWorkflows, getWorkflow,
 *                                           listEvents, workflowEvents, workflowTotals,
 *                                           listFailedWorkflows, listFailedWebhooks
 *   EventFeed      engine events, SSE       onEvents, onRemote
 *   DispatchStore  engine/dispatcher.ts     claim, renewLeases, releaseExpiredLeases, releaseLeases, recover
 *   RunnerStore    engine/runner.ts, stages record, saveResult, cancelWorkflow
 *   WebhookStore   engine/webhooks.ts       claimWebhooks, recordWebhook, nextWebhookAt, redeliverWebhook, getBatch
 *   Tenancy        auth, admin routes, CLI  createKey, findKey, listKeys, revokeKey, getTenant, listTenants, putTenant
 *   FlowLimits     limit routes, metrics    putFlowLimit, getFlowLimit, listFlowLimits
 *   Schedules      schedule routes,         createSchedule, getSchedule, listSchedules, updateSchedule, deleteSchedule,
 *                  engine/scheduler.ts      scheduleTicks, dueSchedules, nextScheduleAt, fireSchedule
 *   Retention      engine/retention.ts      purgeFinished
 *   Lifecycle      server, /readyz          capabilities, ping, probeWrite, close
 *
 * The rules that are not SQL live beside this file and are shared by every backend:
 * transitions.ts (the state machine and its events), cancel-wins.ts, batch-finish.ts,
 * claim-plan.ts (fair claiming), outbox.ts (events published after commit), view-cache.ts.
 * The sequences that apply them (admission, a runner's writes, cancel/retry/release, claims,
 * each commit's counters and events) are written once in ops/, over the port every backend
 * implements (driver.ts). Every backend passes the same contract suite (test/store/contract/, by area).
 */
import type {
  Batch, BatchOptions, ClientId, ErrorInfo, NewBatch, Page, StageState, WebhookDelivery, Workflow,
} from '../model/types.js';
import type { EngineEvent } from '../model/events.js';
import type { ApiKeyRecord, Quotas, Tenant } from '../model/tenants.js';
import type { FlowLimit, FlowLimitSpec, FlowUsage } from '../model/flow-limits.js';
import type { BatchStatus, StageName, WorkflowStatus } from '../model/statuses.js';
import type { Schedule, ScheduleInput, ScheduleTick, TickEvent } from '../model/schedules.js';

export {
  IdempotencyConflictError, InvalidCursorError, LeaseLostError, NotRetryableError, QueueFullError, ScheduleLimitError,
  StorageQuotaError, StoreInUseError, StoreUnavailableError,
} from './errors.js';

/** What a backend promises about itself; callers rely on these, not on which backend it is. */
export interface StoreCapabilities {
  /**
   * `exclusive`: one process owns the data and proves it (a lock) — at start every lease found
   * is a dead process's, so `recover()` frees them all at once. `shared`: many processes claim from
   * the same data; a dead one's work passes to the others when its leases expire.
   */
  readonly owner: 'exclusive' | 'shared';
  /**
   * How event ids are ordered. `commit`: ids grow in commit order across the whole store, so a
   * reader resuming after id N never misses an event committed later. `per-batch`: the same, but
   * only among one batch's events (what a stream of one batch needs).
   */
  readonly eventIds: 'commit' | 'per-batch';
}

/** What a lease renewal (the dispatcher's heartbeat) found. */
export interface Renewal {
  lost: string[];
  canceled: string[];
}

/** A workflow handed to one engine under a lease: everything the runner needs, nothing more. */
export interface ClaimedWorkflow {
  id: string;
  /** The store's own keys for the row and its batch (faster to write by than the ids). */
  seq: number;
  batchSeq: number;
  batchId: string;
  clientId: ClientId;
  /** The batch's priority: the dispatcher runs its tenant's claimed work highest first. */
  priority: number;
  /** The batch's tenant: the dispatcher's waiting line takes turns by tenant (engine/fair-queue.ts). */
  tenant?: string;
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
  /**
   * Claimed under its tenant's running cap (`maxRunning`) or its flow key's limit: its end frees a
   * place (or lets the key's bucket refill meanwhile) that another claim may fill.
   */
  tenantCapped?: boolean;
  /** The batch's trace context (W3C traceparent of the POST), for the spans of this run; absent or null: none. */
  traceContext?: string | null;
}

/** What fences a write on a workflow: the row, and the lease and claim it was claimed with. */
export type LeaseFence = Pick<ClaimedWorkflow, 'id' | 'seq' | 'leaseOwner' | 'leaseEpoch'>;

/** A workflow's result and when it was stored, written with its stage's success. */
export interface KeptResult {
  data: Record<string, unknown>;
  at: number;
}

/**
 * A stage transition reported by the runner. The runner owns the workflow while it holds the
 * lease, so it sends the stage's new state whole; the store derives every counter from it.
 */
export type Transition =
  | { kind: 'started'; workflow: ClaimedWorkflow; stage: StageName; at: number }
  /**
   * With `next`, the same write also starts that stage: one row write per stage boundary. With
   * `result`, the same write upserts the workflow's result (a stage handed it over: StageContext.keepResult).
   */
  | { kind: 'succeeded'; workflow: ClaimedWorkflow; stage: StageName; at: number; output: unknown; next?: StageName; result?: KeptResult | null }
  | { kind: 'failed'; workflow: ClaimedWorkflow; stage: StageName; at: number; error: ErrorInfo }
  /** The attempt failed and another is due at `retryAt`: the lease is given up until then. */
  /** `refund`: the attempt is not counted (the far side asked to wait: a CRM's Retry-After with the key paused). */
  | { kind: 'retrying'; workflow: ClaimedWorkflow; stage: StageName; at: number; error: ErrorInfo; retryAt: number; refund?: boolean }
  /** Cancel aborted the running stage. */
  | { kind: 'canceled'; workflow: ClaimedWorkflow; stage: StageName; at: number }
  /** The stage was interrupted (shutdown): its attempt counts and it will run again. */
  | { kind: 'interrupted'; workflow: ClaimedWorkflow; stage: StageName; at: number };

export interface ListQuery<S> {
  status?: S;
  /** Only this tenant's (listBatches); unset: every tenant's. */
  tenant?: string;
  limit: number;
  cursor?: string;
}

/** Failed workflows across batches (listFailedWorkflows), newest failure first. */
export interface FailedWorkflowQuery {
  /** Only this tenant's; unset: every tenant's. */
  tenant?: string;
  /** Only those that failed in this stage. */
  stage?: StageName;
  /** Only those whose error has this code. */
  errorCode?: string;
  /** Only those that failed at or after this time (epoch ms). */
  since?: number;
  limit: number;
  cursor?: string;
}

/** The queue's limits: a batch admitted or workflows requeued must leave the queue within them. */
export interface QueueLimits {
  /** Reject (QueueFullError) when the queue would then hold more workflows than this. */
  maxQueued?: number;
  /** Reject (QueueFullError) when the batch's tenant would then have more workflows queued than this. */
  tenantMaxQueued?: number;
}

export interface CreateOptions extends QueueLimits {
  /** Reject (StorageQuotaError) when the tenant would then store more workflows than this (until purged). */
  tenantMaxStored?: number;
  /** Replay the batch created earlier with this key and the same fingerprint, for ttlMs. */
  idempotency?: { key: string; fingerprint: string; ttlMs: number };
  /**
   * Also leases up to `limit` runnable workflows to `owner` (as DispatchStore.claim) in the
   * batch's own transaction: an idle engine's first stage starts at the batch's commit, without a
   * claim's commit of its own. Nothing is claimed for a replayed or refused batch.
   */
  claim?: { owner: string; limit: number; leaseMs: number };
  /**
   * Called once the batch's transaction has committed, perhaps before it is durable (the promise
   * waits for that), with what `claim` leased: its work may be claimed from then on. Claims are
   * not durable either, and a claimed workflow's first durable write comes after the batch's.
   * Must not throw.
   */
  onCommitted?: (claimed: ClaimedWorkflow[]) => void;
}

export interface CancelResult<T> {
  item: T;
  /** Workflows whose running stage must be aborted by the engine that runs them. */
  abort: string[];
}

export interface Admission {
  /**
   * Writes the batch and all its workflows in one transaction; resolves once committed. With an
   * idempotency key seen before (same fingerprint) it writes nothing and returns that batch with
   * `replayed: true`. QueueFullError or IdempotencyConflictError: nothing was written.
   */
  createBatch(input: NewBatch, now: number, options?: CreateOptions): Promise<{ batch: Batch; replayed: boolean }>;
}

export interface Control {
  /** Cancels what is not running at once; marks running workflows for the engine to abort. */
  cancelBatch(id: string, now: number): Promise<CancelResult<Batch> | null>;
  cancelWorkflow(id: string, now: number): Promise<CancelResult<Workflow> | null>;
  /**
   * Requeues the batch's failed (and, if asked, canceled) workflows at their failed stage.
   * QueueFullError, writing nothing, when they would pass `limits` (as a batch admitted would).
   */
  retryBatch(id: string, includeCanceled: boolean, now: number, limits?: QueueLimits): Promise<{ batch: Batch; retried: number } | null>;
  /** Requeues one failed or canceled workflow; NotRetryableError otherwise; QueueFullError as retryBatch. */
  retryWorkflow(id: string, now: number, limits?: QueueLimits): Promise<Workflow | null>;
}

export interface Reads {
  getBatch(id: string, now: number): Promise<Batch | null>;
  listBatches(query: ListQuery<BatchStatus>, now: number): Promise<Page<Batch>>;
  /** Null when the batch does not exist. */
  listWorkflows(batchId: string, query: ListQuery<WorkflowStatus>): Promise<Page<Workflow> | null>;
  getWorkflow(id: string): Promise<Workflow | null>;
  /** The batch's events with an id above `afterId`, oldest first, at most `limit`; null when no such batch. */
  listEvents(batchId: string, afterId: number, limit: number): Promise<EngineEvent[] | null>;
  /** Every event of these workflows of the batch, oldest first: their attempt-by-attempt history. */
  workflowEvents(batchId: string, workflowIds: string[]): Promise<EngineEvent[]>;
  /**
   * Workflows by status per tenant, across all batches: active batches summed from their
   * counters, finished ones from totals added once at their finish. O(active batches).
   */
  workflowTotals(): Promise<Record<string, Record<WorkflowStatus, number>>>;
  /**
   * Failed workflows across batches, by when they failed, newest first (then the newest row),
   * keyset-paged; filtered by tenant, stage, error code and time as the query asks.
   */
  listFailedWorkflows(query: FailedWorkflowQuery): Promise<Page<Workflow>>;
  /** Batches whose webhook delivery failed (every attempt spent), newest batch first, keyset-paged. */
  listFailedWebhooks(query: Omit<ListQuery<never>, 'status'>): Promise<Page<WebhookDelivery>>;
}

export interface EventFeed {
  /**
   * Calls `listener` with every event this process's transactions write, right after the
   * transaction that wrote it commits, in id order. Returns the function that unsubscribes.
   */
  onEvents(listener: (event: EngineEvent) => void): () => void;
  /**
   * Calls `listener` with what other processes sharing the store committed (a `shared` store;
   * an `exclusive` one has no other process and never calls it). Returns the function that
   * unsubscribes. Best effort: a notice can be lost (a dropped connection), so a listener never
   * relies on one alone (dispatchers also poll, streams also read the store).
   */
  onRemote(listener: (notice: RemoteNotice) => void): () => void;
}

/** What another process sharing the store committed, as far as this one must act on it. */
export interface RemoteNotice {
  /** Runnable work appeared: a batch, a retry, leases freed. */
  work: boolean;
  /** Batches with new events (read them from the store); null: any batch may have some. */
  batches: string[] | null;
  /** Canceled: every running workflow of these batches, and these workflows, must stop. */
  cancel: { batches: string[]; workflows: string[] };
}

export interface DispatchStore {
  /**
   * Leases up to `limit` runnable workflows (queued, or running but unowned) to `owner` until
   * `now + leaseMs`: highest priority first; inside a priority, fair shares between tenants, then
   * between each tenant's batches; never more of a tenant leased at once than its running cap
   * (its quotas' `maxRunning`, else the store's default), nor of a batch than its `maxConcurrency`,
   * nor of a flow key than its concurrency or whole tokens (each claimed one takes a token).
   * `soon`: the caller runs nothing now, so the claim should not wait to share a commit with
   * other writes (a POST into an idle engine starts its work sooner; a busy one batches).
   */
  claim(owner: string, limit: number, now: number, leaseMs: number, options?: { soon?: boolean }): Promise<ClaimedWorkflow[]>;
  /**
   * Extends the leases `owner` holds on `ids`, expired or not. Returns the ids it lost (no longer
   * held and not finished: freed or taken by another claim): their runs must stop, writing
   * nothing; and the ids still held whose cancel was requested (by any process): their runs must
   * end canceled. A workflow canceled meanwhile is finished, not lost.
   */
  renewLeases(owner: string, ids: string[], now: number, leaseMs: number): Promise<Renewal>;
  /**
   * Frees leases that expired (their owner died or lost them); a stage they left `running`
   * becomes `pending`. Returns how many. A caller renews the leases it holds first, so a stalled
   * process never takes back its own live work.
   */
  releaseExpiredLeases(now: number): Promise<number>;
  /**
   * Frees the leases `owner` holds (all of them, or only `ids`): a stage they left `running`
   * becomes `pending` again (`stage.interrupted`), so nothing stays running unowned.
   */
  releaseLeases(owner: string, now: number, ids?: string[]): Promise<number>;
  /**
   * Called once when an engine starts. On an `exclusive` store every lease found is a dead
   * process's and is freed at once (running stages become `pending`); on a `shared` store it frees
   * only expired ones. Returns how many.
   */
  recover(now: number): Promise<number>;
}

export interface RunnerStore {
  /**
   * Persists a transition and the events it causes (possibly grouped with others in one commit);
   * resolves once durable. LeaseLostError when the writer no longer holds the lease.
   */
  record(transition: Transition): Promise<void>;
  /**
   * Upserts a workflow's final result, fenced on its lease like every workflow write
   * (LeaseLostError when it is not held); repeating it is harmless.
   */
  saveResult(fence: LeaseFence, result: Record<string, unknown>, now: number): Promise<void>;
  /**
   * Pauses a flow key until `until` (a CRM's 429 or 503 with Retry-After), for every process's
   * claims; a pause already as long stays. The key gets a row (no limit) if it had none.
   */
  pauseFlowKey(key: string, until: number, now: number): Promise<void>;
  /** When the key's pause ends (epoch ms; 0: never paused): a fetch asks before calling the CRM. */
  flowPausedUntil(key: string): Promise<number>;
  /** A runner that sees a cancel between stages cancels the workflow like any caller. */
  cancelWorkflow(id: string, now: number): Promise<CancelResult<Workflow> | null>;
}

// Webhooks (engine/webhooks.ts). The store makes a delivery due in the transaction that finishes
// its batch and resets it when a retry reopens the batch (batch-finish.ts); these run deliveries.
export interface WebhookStore {
  /**
   * Leases up to `limit` due deliveries until `now + leaseMs` and counts their attempt, longest
   * due first; with `share`, no tenant gets more than `perTenant` less what it `held` already.
   * Due ones with no attempt left (the last was interrupted) are marked failed instead.
   */
  claimWebhooks(now: number, limit: number, leaseMs: number, maxAttempts: number, share?: WebhookShare): Promise<WebhookClaim[]>;
  /** Writes a claimed attempt's outcome; false when the claim no longer stands (the batch reopened). */
  recordWebhook(claim: WebhookClaim, outcome: WebhookOutcome): Promise<boolean>;
  /**
   * When the next pending delivery is due (epoch ms; a leased one when its lease ends), or null;
   * the deliveries of the tenants `waiting` (at their share: they wait for a slot, not a time) left out.
   */
  nextWebhookAt(waiting?: readonly string[]): Promise<number | null>;
  /**
   * Makes a failed delivery due again at `now` with a fresh round of attempts (pending, attempts
   * 0), as a batch's finish does. False, changing nothing, when the batch's delivery is not
   * failed (none, pending, delivered) or the batch is not finished.
   */
  redeliverWebhook(batchId: string, now: number): Promise<boolean>;
  getBatch(id: string, now: number): Promise<Batch | null>;
}

/** What one purge deleted. */
export interface Purged {
  /** Batches deleted: from now on they read as null (404). */
  batches: number;
  /** Workflows deleted, with their results and outputs. */
  workflows: number;
  /** Events deleted. */
  events: number;
}

/**
 * Whose batches a purge takes: only those of `tenants`, or those of every tenant but
 * `exceptTenants`. Which cutoff applies to which tenant is the retention loop's to decide
 * (engine/retention.ts); the store only filters.
 */
export type PurgeScope = { tenants: readonly string[] } | { exceptTenants: readonly string[] };

// Retention (engine/retention.ts): finished batches are deleted once their tenant's retention has passed.
export interface Retention {
  /**
   * Deletes some finished batches (succeeded, failed or canceled) of the tenants in `scope`
   * (default: every tenant) that finished before `before`
   * and whose webhook is not pending (delivered, failed or none), with everything kept for them:
   * workflows, results, outputs, events, duration histograms, idempotency keys. One short
   * transaction of about `limit` workflows (and their events), so it never holds the store long;
   * callers repeat it until it deletes nothing. A batch unfinished, finished later or reopened by
   * a retry is untouched. Replicas of a shared store purge at once without waiting on each other.
   * A backend may delete a large batch over several calls (it reads as gone after the first), and
   * may keep its newest rows so it never hands out a key twice (sqlite/retention.ts). It reads
   * only the due batches of the tenants in scope, never the batches another tenant keeps longer.
   */
  purgeFinished(before: number, limit: number, scope?: PurgeScope): Promise<Purged>;
}

export interface Lifecycle {
  readonly capabilities: StoreCapabilities;
  /** The store answers reads. */
  ping(): boolean;
  /**
   * Whether the store can commit a write now: writes a small probe in a transaction of its own
   * (never grouped with real work). Concurrent callers share one probe.
   */
  probeWrite(now: number): Promise<boolean>;
  /** Commits what is queued and closes; the store answers nothing after. */
  close(): Promise<void>;
}

/** Tenants and their API keys (model/tenants.ts). A key's record keeps only the key's hash. */
export interface Tenancy {
  /** Stores a new key, creating its tenant (no quotas of its own) if there is none. */
  createKey(record: ApiKeyRecord): Promise<void>;
  findKey(id: string): Promise<ApiKeyRecord | null>;
  /** Every key (of one tenant), oldest first, revoked ones included. */
  listKeys(tenant?: string): Promise<ApiKeyRecord[]>;
  /** False when there is no such key or it was revoked already. */
  revokeKey(id: string, now: number): Promise<boolean>;
  getTenant(id: string): Promise<Tenant | null>;
  listTenants(): Promise<Tenant[]>;
  /** Replaces the tenant's own quotas (creating the tenant if there is none). */
  putTenant(id: string, quotas: Quotas, now: number): Promise<Tenant>;
  /**
   * Adds `n` requests made at `now` to `key`'s count and returns it with its window's start: a
   * window starts at a key's first request and lasts `windowMs`; a request at or after its end
   * starts the next one (a replica whose clock is behind adds to the current one). Rate limits
   * exact across the replicas of a shared store (http/rate-limit.ts; a store one process owns is
   * counted in that process's memory instead). Not kept durable: a PostgreSQL crash truncates the
   * unlogged table, and the window then counts again from 0.
   */
  countRequests(key: string, now: number, n: number, windowMs: number): Promise<{ count: number; startedAt: number }>;
}

/**
 * Named flow limits (model/flow-limits.ts), taken in `claim`: every workflow of every batch naming
 * a key shares its concurrency and its token bucket, whatever the replica.
 */
export interface FlowLimits {
  /** Sets a key's limit (a new one starts with a full bucket; a changed one keeps its tokens up to its burst). */
  putFlowLimit(key: string, spec: FlowLimitSpec, now: number): Promise<FlowLimit>;
  /** The key's limit and use now; null: no limit for the key. */
  getFlowLimit(key: string, now: number): Promise<FlowUsage | null>;
  /** Every limit with its use now, by key. */
  listFlowLimits(now: number): Promise<FlowUsage[]>;
}

/** A new schedule: what its caller set, for a tenant. */
export interface NewSchedule extends ScheduleInput {
  tenant: string;
}

/** What a tick is checked against as it fires: the tenant's quotas now, and the server's limits. */
export interface TickLimits extends QueueLimits {
  /** Most workflows the tenant stores (its maxStored); a tick whose batch would pass it is skipped. */
  tenantMaxStored?: number;
  /** Most client ids the tick's batch may hold (the tenant's maxScheduleBatch); past it the tick is skipped. */
  maxBatch?: number;
  /** A tick taken later than this after its time and jitter is missed (SCHEDULE_MISFIRE_MS). */
  misfireMs: number;
  /** How long the tick's derived Idempotency-Key is kept (IDEMPOTENCY_TTL_MS). */
  idempotencyTtlMs: number;
}

/** What one pass over a schedule took. */
export interface Fired {
  /** Each tick taken, fired or skipped, oldest first. */
  ticks: TickEvent[];
  /** Running workflows of the previous batch canceled by overlap `cancel`: their engines abort them. */
  abort: string[];
}

/**
 * Schedules (model/schedules.ts): their definitions, and their ticks taken each in one
 * transaction with the batch it makes (ops/schedules.ts). A schedule's row is locked while a tick
 * is taken, paused, changed or deleted, so these never cross: a pause or a delete committed is
 * seen by every later pass, on every process.
 */
export interface Schedules {
  /** Writes a new schedule with its first tick. ScheduleLimitError when the tenant has `maxSchedules` already (nothing written). */
  createSchedule(input: NewSchedule, now: number, limits?: { maxSchedules?: number }): Promise<Schedule>;
  getSchedule(id: string): Promise<Schedule | null>;
  /** Newest first, a tenant's or every one. */
  listSchedules(query: { tenant?: string; limit: number; cursor?: string }): Promise<Page<Schedule>>;
  /**
   * Changes what `change` sets. A new spec, or a resume, starts again from the first tick after
   * `now` (ticks missed while paused are not caught up); a pause clears the next tick. Null: no such schedule.
   */
  updateSchedule(id: string, change: Partial<ScheduleInput>, now: number): Promise<Schedule | null>;
  /** Deletes the schedule and its tick records (its batches stay). False: no such schedule. */
  deleteSchedule(id: string): Promise<boolean>;
  /** The schedule's latest tick records, newest first. */
  scheduleTicks(id: string, limit: number): Promise<ScheduleTick[]>;
  /** Schedules whose next tick is due to fire at `now`, soonest first, at most `limit`. */
  dueSchedules(now: number, limit: number): Promise<Array<{ id: string; tenant: string }>>;
  /** When the next tick of any schedule fires, or null. */
  nextScheduleAt(): Promise<number | null>;
  /**
   * Takes the schedule's due ticks (schedule-plan.ts) in one transaction under its row's lock:
   * per tick its unique record and, when it fires, its batch (through admission, with an
   * Idempotency-Key derived from the schedule and the tick); then the next tick. Null: nothing
   * was due (another process took it, or it was paused, changed or deleted).
   */
  fireSchedule(id: string, now: number, limits: TickLimits): Promise<Fired | null>;
}

export interface Store extends Admission, Control, Reads, EventFeed, DispatchStore, RunnerStore, WebhookStore, Tenancy, FlowLimits, Schedules, Retention, Lifecycle {}

/** One delivery attempt handed to the deliverer. */
/** A claim's bound per tenant: so one tenant's slow receivers cannot hold every delivery slot. */
export interface WebhookShare {
  perTenant: number;
  /** Deliveries of each tenant in flight in this process now. */
  held: Readonly<Record<string, number>>;
}

export interface WebhookClaim {
  batchId: string;
  /** The batch's tenant: whose share the delivery takes. */
  tenant: string;
  url: string;
  /** This attempt's number, from 1. */
  attempt: number;
  /** Fences the outcome: written only if no reset happened since. */
  token: string;
  /** The batch's trace context (W3C traceparent of the POST): the delivery joins that trace; null: none. */
  traceContext: string | null;
}

export type WebhookOutcome =
  | { status: 'delivered'; at: number }
  /** Failed; `nextAt` set: another attempt is due then; null: no attempt left (`failed`). */
  | { status: 'failed'; at: number; error: string; nextAt: number | null };
