/**
 * The embedded default store: one SQLite file in WAL mode through better-sqlite3. Its writes are
 * the backend-neutral sequences of src/store/ops/, run in its transactions over its side of the
 * port (driver.ts), each synchronously to its commit. Batch creation commits in groups of its
 * own; claims, stage transitions and results are group-committed (group-commit.ts); cancel and
 * retry commit alone.
 *
 * Capabilities: an exclusive owner (database.ts holds an OS lock for the life of the process, so
 * `recover()` may take every lease found at start), and event ids in commit order.
 */
import type { Database as DB } from 'better-sqlite3';
import type { EngineEvent } from '../../model/events.js';
import type { ApiKeyRecord, Quotas, Tenant } from '../../model/tenants.js';
import type { BatchStatus, WorkflowStatus } from '../../model/statuses.js';
import type { Batch, NewBatch, Page, WebhookDelivery, Workflow } from '../../model/types.js';
import type { Schedule, ScheduleInput, ScheduleTick } from '../../model/schedules.js';
import type { Driver } from '../driver.js';
import { IdempotencyConflictError, LeaseLostError, QueueFullError, ScheduleLimitError, StorageQuotaError } from '../errors.js';
import { admitAndClaim } from '../ops/admission.js';
import { claim } from '../ops/claim.js';
import { pauseFlow, putFlowLimit } from '../ops/flow-limits.js';
import { commit } from '../ops/commit.js';
import { cancelBatch, cancelWorkflow, releaseLeases, retryBatch, retryWorkflow } from '../ops/control.js';
import { record, saveResult } from '../ops/record.js';
import { createSchedule, deleteSchedule, fireSchedule, TickTakenError, updateSchedule } from '../ops/schedules.js';
import { run, type Steps } from '../ops/steps.js';
import { Unit } from '../ops/unit.js';
import type { WorkflowTotals } from '../views.js';
import { Outbox } from '../outbox.js';
import type {
  CancelResult, ClaimedWorkflow, CreateOptions, FailedWorkflowQuery, Fired, LeaseFence, ListQuery, NewSchedule, Purged, PurgeScope, QueueLimits, Renewal, Store,
  StoreCapabilities, TickLimits, Transition, WebhookClaim, WebhookOutcome, WebhookShare,
} from '../store.js';
import { FinishedViews } from '../view-cache.js';
import { Admissions } from './admission.js';
import { Claims } from './claims.js';
import { FlowLimitRows } from './flow-limits.js';
import type { FlowLimit, FlowLimitSpec, FlowUsage } from '../../model/flow-limits.js';
import { BatchCounters } from './counters.js';
import { StorageHealth, WriteProbe, asStoreError, openDatabase } from './database.js';
import { EventLog } from './events.js';
import { FailureReads } from './failures.js';
import { GroupCommit } from './group-commit.js';
import { Reads } from './reads.js';
import { TenantTable } from './tenants.js';
import { Purges } from './retention.js';
import { ScheduleRows } from './schedules.js';
import { WebhookDeliveries } from './webhooks.js';
import { WalSync } from './wal-sync.js';
import { sqliteDriver } from './driver.js';
import { WorkflowWrites } from './writes.js';

export interface SqliteStoreOptions {
  /** File path, or ":memory:". */
  path: string;
  /** `full` fsyncs every commit; `normal` only at WAL checkpoints. @default "full" */
  sync?: 'full' | 'normal';
  /**
   * Most workflows of one tenant leased at once, for a tenant whose quotas set no `maxRunning`
   * (TENANT_MAX_RUNNING); null: no cap. @default null
   */
  tenantMaxRunning?: number | null;
}

export class SqliteStore implements Store {
  // Event ids count per batch (sqlite/events.ts): a store-wide count would tell a tenant of the others'.
  readonly capabilities: StoreCapabilities = { owner: 'exclusive', eventIds: 'per-batch' };
  readonly #db: DB;
  readonly #lock: DB | null;
  readonly #wal: WalSync;
  readonly #outbox = new Outbox();
  readonly #views = new FinishedViews();
  readonly #events: EventLog;
  readonly #counters: BatchCounters;
  readonly #writes: WorkflowWrites;
  readonly #claims: Claims;
  readonly #flows: FlowLimitRows;
  readonly #admissions: Admissions;
  readonly #reads: Reads;
  readonly #failures: FailureReads;
  readonly #tenants: TenantTable;
  readonly #webhooks: WebhookDeliveries;
  readonly #purges: Purges;
  readonly #schedules: ScheduleRows;
  /** Claims, transitions, results, leases and webhook writes: many per commit. */
  readonly #group: GroupCommit;
  /** Batch inserts commit in groups of their own: a POST never waits on stage transitions. */
  readonly #admitting: GroupCommit;
  readonly #health: StorageHealth;
  readonly #probe: WriteProbe;
  /** The port the sequences (ops/) write through. */
  readonly #driver: Driver;
  /**
   * What the open transaction's sequences accumulated (ops/unit.ts). One at a time: every
   * transaction here runs to its commit without yielding, so a unit never spans two.
   */
  #unit = new Unit();
  /** Rotates which tenant and batch of a priority level is served first, so claims round-robin. */
  #turn = 0;
  /** A tenant's running cap when its quotas set none (TENANT_MAX_RUNNING); null: no cap. */
  readonly #tenantMaxRunning: number | null;
  #closed = false;
  /** The highest event row key published (durable): reads of the log stop there. */
  #published: number;

  constructor(options: SqliteStoreOptions) {
    const opened = openDatabase(options.path, options.sync ?? 'full');
    ({ db: this.#db, lock: this.#lock } = opened);
    this.#wal = new WalSync(opened.walPath);
    const db = this.#db;
    this.#events = new EventLog(db);
    this.#published = this.#events.lastId();
    this.#counters = new BatchCounters(db, this.#outbox, this.#views);
    this.#writes = new WorkflowWrites(db);
    this.#flows = new FlowLimitRows(db);
    this.#claims = new Claims(db, this.#flows);
    this.#tenantMaxRunning = options.tenantMaxRunning ?? null;
    this.#admissions = new Admissions(db, this.#counters);
    this.#reads = new Reads(db, this.#views, this.#counters);
    this.#failures = new FailureReads(db);
    this.#schedules = new ScheduleRows(db);
    this.#driver = sqliteDriver({
      writes: this.#writes, counters: this.#counters, events: this.#events, admissions: this.#admissions, reads: this.#reads, claims: this.#claims,
      flows: this.#flows, schedules: this.#schedules,
    });
    this.#tenants = new TenantTable(db);
    this.#webhooks = new WebhookDeliveries(db, this.#views);
    this.#purges = new Purges(db, this.#views);
    this.#health = new StorageHealth(db);
    this.#probe = new WriteProbe(db, () => this.#closed, this.#health);
    this.#group = new GroupCommit(db, {
      pending: () => this.#wal.busy(),
      isRefusal: (e) => e instanceof LeaseLostError,
      beforeCommit: () => this.#finishUnit(),
      afterCommit: () => this.#committed(),
      onRollback: (error) => this.#rolledBack(error),
    });
    this.#admitting = new GroupCommit(db, {
      pending: () => this.#wal.busy(),
      isRefusal: (e) => e instanceof IdempotencyConflictError || e instanceof QueueFullError || e instanceof StorageQuotaError || e instanceof ScheduleLimitError,
      beforeCommit: () => this.#finishUnit(),
      afterCommit: () => this.#committed(),
      onRollback: (error) => this.#rolledBack(error),
    });
  }

  // --- Tenancy: writes go through the admission group, so they are as durable as a batch ---

  createKey(record: ApiKeyRecord): Promise<void> {
    return this.#admitting.run(() => this.#tenants.createKey(record));
  }

  async findKey(id: string): Promise<ApiKeyRecord | null> {
    return this.#tenants.findKey(id);
  }

  async listKeys(tenant?: string): Promise<ApiKeyRecord[]> {
    return this.#tenants.listKeys(tenant);
  }

  revokeKey(id: string, now: number): Promise<boolean> {
    return this.#admitting.run(() => this.#tenants.revokeKey(id, now));
  }

  async getTenant(id: string): Promise<Tenant | null> {
    return this.#tenants.getTenant(id);
  }

  async listTenants(): Promise<Tenant[]> {
    return this.#tenants.listTenants();
  }

  putTenant(id: string, quotas: Quotas, now: number): Promise<Tenant> {
    return this.#admitting.run(() => this.#tenants.putTenant(id, quotas, now));
  }

  async countRequests(key: string, now: number, n: number, windowMs: number): Promise<{ count: number; startedAt: number }> {
    return this.#tenants.countRequests(key, now, n, windowMs);
  }

  // --- Flow limits: written in the claims' group, as the claims that take their tokens ---

  putFlowLimit(key: string, spec: FlowLimitSpec, now: number): Promise<FlowLimit> {
    return this.#group.run(() => this.#run(putFlowLimit(key, spec, now)));
  }

  async getFlowLimit(key: string, now: number): Promise<FlowUsage | null> {
    const limit = this.#flows.get(key);
    return limit === null ? null : this.#flows.usage(limit, now);
  }

  async listFlowLimits(now: number): Promise<FlowUsage[]> {
    return this.#flows.all().map((limit) => this.#flows.usage(limit, now));
  }

  // --- Admission ---

  async createBatch(input: NewBatch, now: number, options: CreateOptions = {}): Promise<{ batch: Batch; replayed: boolean }> {
    const turn = options.claim ? this.#turn++ : 0;
    let claimed: ClaimedWorkflow[] = [];
    const { id, replayed } = await this.#admitting.run(() => {
      const admitted = this.#run(admitAndClaim(this.#unit, input, now, options, turn, this.#tenantMaxRunning));
      claimed = admitted.claimed;
      return admitted;
    }, { onCommit: options.onCommitted && (() => options.onCommitted!(claimed)) });
    const batch = this.#reads.batch(id, now);
    if (!batch) throw new Error('batch vanished after insert');
    return { batch, replayed };
  }

  // --- Schedules: definitions in the admission group (as tenants); a tick in a transaction of its own ---

  createSchedule(input: NewSchedule, now: number, limits: { maxSchedules?: number } = {}): Promise<Schedule> {
    return this.#admitting.run(() => this.#run(createSchedule(input, now, limits)));
  }

  async getSchedule(id: string): Promise<Schedule | null> {
    return this.#schedules.get(id);
  }

  async listSchedules(query: { tenant?: string; limit: number; cursor?: string }): Promise<Page<Schedule>> {
    return this.#schedules.list(query);
  }

  updateSchedule(id: string, change: Partial<ScheduleInput>, now: number): Promise<Schedule | null> {
    return this.#admitting.run(() => this.#run(updateSchedule(id, change, now)));
  }

  deleteSchedule(id: string): Promise<boolean> {
    return this.#admitting.run(() => this.#run(deleteSchedule(id)));
  }

  async scheduleTicks(id: string, limit: number): Promise<ScheduleTick[]> {
    return this.#schedules.ticks(id, limit);
  }

  async dueSchedules(now: number, limit: number): Promise<Array<{ id: string; tenant: string }>> {
    return this.#schedules.due(now, limit);
  }

  async nextScheduleAt(): Promise<number | null> {
    return this.#schedules.nextAt();
  }

  /** A transaction of its own: the tick's batch, its record and the schedule's next tick commit together. */
  async fireSchedule(id: string, now: number, limits: TickLimits): Promise<Fired | null> {
    try {
      return await this.#transact((unit) => fireSchedule(unit, id, now, limits));
    } catch (error) {
      if (error instanceof TickTakenError) return null;
      throw error;
    }
  }

  // --- Control ---

  async cancelBatch(id: string, now: number): Promise<CancelResult<Batch> | null> {
    const abort = await this.#transact((unit) => cancelBatch(unit, id, now));
    // Gone meanwhile only if it was finished and old enough to be purged while the commit synced.
    const item = abort === null ? null : this.#reads.batch(id, now);
    return item && abort ? { item, abort } : null;
  }

  async cancelWorkflow(id: string, now: number): Promise<CancelResult<Workflow> | null> {
    const abort = await this.#transact((unit) => cancelWorkflow(unit, id, now));
    const item = abort === null ? null : this.#reads.workflow(id);
    return item && abort ? { item, abort } : null;
  }

  async retryBatch(id: string, includeCanceled: boolean, now: number, limits?: QueueLimits): Promise<{ batch: Batch; retried: number } | null> {
    const retried = await this.#transact((unit) => retryBatch(unit, id, includeCanceled, now, limits));
    const batch = retried === null ? null : this.#reads.batch(id, now);
    return batch && retried !== null ? { batch, retried } : null;
  }

  async retryWorkflow(id: string, now: number, limits?: QueueLimits): Promise<Workflow | null> {
    return (await this.#transact((unit) => retryWorkflow(unit, id, now, limits))) ? this.#reads.workflow(id) : null;
  }

  // --- Reads ---

  async getBatch(id: string, now: number): Promise<Batch | null> {
    return this.#reads.batch(id, now);
  }

  async listBatches(query: ListQuery<BatchStatus>, now: number): Promise<Page<Batch>> {
    return this.#reads.batches(query, now);
  }

  async listWorkflows(batchId: string, query: ListQuery<WorkflowStatus>): Promise<Page<Workflow> | null> {
    return this.#reads.workflows(batchId, query);
  }

  async getWorkflow(id: string): Promise<Workflow | null> {
    return this.#reads.workflow(id);
  }

  /**
   * Events already published, and only those: not the ones of a commit whose fsync has not
   * returned (a replay must not tell of a change a power loss could undo), nor of writes still
   * queued. So a read needs no flush of the group, and a stream reading its way through a large
   * batch never breaks the engine's group commits into small ones.
   */
  async listEvents(batchId: string, afterId: number, limit: number): Promise<EngineEvent[] | null> {
    const seq = this.#reads.seqOf(batchId);
    return seq === null ? null : this.#events.after(batchId, seq, afterId, this.#published, limit);
  }

  async workflowEvents(batchId: string, workflowIds: string[]): Promise<EngineEvent[]> {
    const seq = this.#reads.seqOf(batchId);
    return seq === null || workflowIds.length === 0 ? [] : this.#events.ofWorkflows(batchId, seq, workflowIds, this.#published);
  }

  /** Committed counters only: transitions still in the open group show one turn later. */
  async workflowTotals(): Promise<Record<string, WorkflowTotals>> {
    return this.#reads.totals();
  }

  async listFailedWorkflows(query: FailedWorkflowQuery): Promise<Page<Workflow>> {
    return this.#failures.workflows(query);
  }

  async listFailedWebhooks(query: Omit<ListQuery<never>, 'status'>): Promise<Page<WebhookDelivery>> {
    return this.#failures.deliveries(query);
  }

  onEvents(listener: (event: EngineEvent) => void): () => void {
    return this.#outbox.subscribe(listener);
  }

  /** One process owns the file: nobody else commits anything to hear of. */
  onRemote(): () => void {
    return () => {};
  }

  // --- Dispatcher and runner ---

  /**
   * Answers once the claim has committed, without waiting for its fsync: a claim lost in a power
   * cut leaves the workflow unclaimed, and the runner's first write (the stage start, in a later
   * commit, so durable only after this one) is what records that it ran.
   */
  claim(owner: string, limit: number, now: number, leaseMs: number, { soon = false }: { soon?: boolean } = {}): Promise<ClaimedWorkflow[]> {
    const turn = this.#turn++;
    return this.#group.run(() => this.#run(claim({ owner, now, leaseMs }, limit, turn, this.#tenantMaxRunning)), { durable: false, eager: soon });
  }

  renewLeases(owner: string, ids: string[], now: number, leaseMs: number): Promise<Renewal> {
    return this.#group.run(() => this.#claims.renew(owner, ids, now, leaseMs));
  }

  releaseExpiredLeases(now: number): Promise<number> {
    return this.#group.run(() => this.#run(releaseLeases(this.#unit, { expiredAt: now }, now)));
  }

  releaseLeases(owner: string, now: number, ids?: string[]): Promise<number> {
    return this.#group.run(() => this.#run(releaseLeases(this.#unit, { owner, ids }, now)));
  }

  recover(now: number): Promise<number> {
    return this.#transact((unit) => releaseLeases(unit, { all: true }, now));
  }

  record(transition: Transition): Promise<void> {
    return this.#group.run(() => this.#run(record(this.#unit, transition)));
  }

  saveResult(fence: LeaseFence, result: Record<string, unknown>, now: number): Promise<void> {
    return this.#group.run(() => this.#run(saveResult(fence, result, now)));
  }

  async pauseFlowKey(key: string, until: number, now: number): Promise<void> {
    await this.#group.run(() => this.#run(pauseFlow(key, until, now)));
  }

  async flowPausedUntil(key: string): Promise<number> {
    return this.#flows.get(key)?.pausedUntil ?? 0;
  }

  // --- Webhooks ---

  claimWebhooks(now: number, limit: number, leaseMs: number, maxAttempts: number, share?: WebhookShare): Promise<WebhookClaim[]> {
    return this.#group.run(() => this.#webhooks.claim(now, limit, leaseMs, maxAttempts, share));
  }

  recordWebhook(claim: WebhookClaim, outcome: WebhookOutcome): Promise<boolean> {
    return this.#group.run(() => this.#webhooks.record(claim, outcome));
  }

  async nextWebhookAt(waiting: readonly string[] = []): Promise<number | null> {
    return this.#webhooks.nextAt(waiting);
  }

  /** Committed alone: the caller then wakes the deliverer, which must find it due. */
  redeliverWebhook(batchId: string, now: number): Promise<boolean> {
    return this.#alone(() => this.#webhooks.redeliver(batchId, now));
  }

  // --- Retention ---

  /**
   * A transaction of its own: the next batches due, and the next chunk of the rows of those purged
   * before. A purged batch's row goes before its workflows and events (retention.ts), so foreign
   * keys are not enforced in it: the pragma holds only outside a transaction, and #alone runs
   * its transaction before its first await, so it is on again before anything else runs.
   */
  purgeFinished(before: number, limit: number, scope: PurgeScope = { exceptTenants: [] }): Promise<Purged> {
    this.#db.pragma('foreign_keys = OFF');
    try {
      return this.#alone(() => this.#purges.purge(before, limit, scope));
    } finally {
      this.#db.pragma('foreign_keys = ON');
    }
  }

  // --- Lifecycle ---

  ping(): boolean {
    if (this.#closed) return false;
    try {
      return this.#reads.ping();
    } catch {
      return false;
    }
  }

  probeWrite(now: number): Promise<boolean> {
    return this.#probe.run(now);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#admitting.flush();
      this.#group.flush();
      // The last groups' callers hear of their commits before the file goes.
      await this.#wal.idle();
    } finally {
      this.#db.close();
      this.#wal.close();
      this.#lock?.close();
    }
  }

  /** Runs a sequence (ops/) in the open transaction. */
  #run<T>(steps: Steps<T>): T {
    return run(steps, this.#driver);
  }

  /** The open transaction's last step: its counters and events written (ops/commit.ts), to publish once it commits. */
  #finishUnit(): void {
    const unit = this.#unit;
    this.#unit = new Unit();
    for (const event of this.#run(commit(unit))) this.#outbox.add(event);
  }

  /** Runs a sequence (ops/) in a transaction of its own: see #alone. */
  #transact<T>(sequence: (unit: Unit) => Steps<T>): Promise<T> {
    return this.#alone(() => {
      const value = this.#run(sequence(this.#unit));
      this.#finishUnit();
      return value;
    });
  }

  /**
   * Runs `write` in a transaction of its own, after the writes queued for the group (it reads
   * what they wrote), before its first await; resolves, and its events are published, once it
   * is durable.
   */
  async #alone<T>(write: () => T): Promise<T> {
    this.#group.flush();
    let result: T;
    try {
      result = this.#db.transaction(write)();
    } catch (error) {
      const failure = asStoreError(error);
      this.#rolledBack(failure);
      throw failure;
    }
    await this.#committed();
    return result;
  }

  /**
   * A transaction committed: what it settles in memory mirrors the database at once; its events
   * are published, in commit order, once its fsync has returned (wal-sync.ts).
   */
  #committed(): Promise<void> {
    this.#health.committed();
    const events = this.#outbox.seal();
    // Read now, while this commit is the last one: the highest row key a read may return once it is durable.
    const fence = events.length > 0 ? this.#events.lastId() : 0;
    return this.#wal.after().then(() => {
      if (events.length > 0) this.#published = Math.max(this.#published, fence);
      this.#outbox.publish(events);
    }, (error: unknown) => {
      // Committed but maybe not durable: nobody acts on it, and the store reports itself failing.
      this.#health.failed(error);
      throw error;
    });
  }

  #rolledBack(error: unknown): void {
    this.#unit = new Unit();
    this.#health.failed(error);
    this.#outbox.discard();
  }
}
