/**
 * The PostgreSQL store: many replicas on one database. Its writes are the backend-neutral
 * sequences of src/store/ops/, run in its transactions (transaction.ts) over its side of the port
 * (driver.ts), like the SQLite store's. A runner's transitions and results are group-committed
 * (group-commit.ts); everything else commits in a transaction of its own, which locks the rows it
 * decides on first, so replicas never act on a row another one is changing.
 *
 * Capabilities: shared (a dead replica's work passes to the others when its leases expire;
 * `recover()` frees only expired leases), and event ids numbered per batch (events.ts).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { EngineEvent } from '../../model/events.js';
import type { ApiKeyRecord, Quotas, Tenant } from '../../model/tenants.js';
import type { BatchStatus, WorkflowStatus } from '../../model/statuses.js';
import type { Batch, NewBatch, Page, WebhookDelivery, Workflow } from '../../model/types.js';
import type { Schedule, ScheduleInput, ScheduleTick } from '../../model/schedules.js';
import { LeaseLostError, StoreUnavailableError } from '../errors.js';
import type { WorkflowTotals } from '../views.js';
import { Outbox } from '../outbox.js';
import type {
  CancelResult, ClaimedWorkflow, CreateOptions, FailedWorkflowQuery, Fired, LeaseFence, ListQuery, NewSchedule, Purged, PurgeScope, QueueLimits, RemoteNotice, Renewal,
  Store, StoreCapabilities, TickLimits, Transition, WebhookClaim, WebhookOutcome, WebhookShare,
} from '../store.js';
import { admitAndClaim } from '../ops/admission.js';
import { claim } from '../ops/claim.js';
import { pauseFlow, putFlowLimit } from '../ops/flow-limits.js';
import { cancelBatch, cancelWorkflow, releaseLeases, retryBatch, retryWorkflow } from '../ops/control.js';
import { record, saveResult } from '../ops/record.js';
import { createSchedule, deleteSchedule, fireSchedule, TickTakenError, updateSchedule } from '../ops/schedules.js';
import type { Steps } from '../ops/steps.js';
import type { Unit } from '../ops/unit.js';
import * as claims from './claims.js';
import * as flows from './flow-limits.js';
import type { FlowLimit, FlowLimitSpec, FlowUsage } from '../../model/flow-limits.js';
import { openPool, redact } from '../../db/postgres.js';
import { asStoreError, migrate, preparedPool, type Queryable } from './database.js';
import { eventsAfter, eventsOfWorkflows } from './events.js';
import { failedDeliveries, failedWorkflows } from './failures.js';
import { GroupCommit } from './group-commit.js';
import { NoticeListener } from './notices.js';
import * as reads from './reads.js';
import * as tenants from './tenants.js';
import { purgeFinished } from './retention.js';
import * as schedules from './schedules.js';
import { transaction, type Tx } from './transaction.js';
import * as webhooks from './webhooks.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** The schema holding the tables (created if missing). @default "public" */
  schema?: string;
  /** Most connections this process opens. @default 10 */
  poolSize?: number;
  /**
   * A session of this store idle inside a transaction that long is ended by the server, freeing
   * its locks: a frozen replica then stalls the others for that long at most. Keep it well under
   * the lease. @default 10000
   */
  idleInTransactionMs?: number;
  /**
   * Most workflows of one tenant leased at once across every replica, for a tenant whose quotas
   * set no `maxRunning` (TENANT_MAX_RUNNING); null: no cap. @default null
   */
  tenantMaxRunning?: number | null;
}

export class PostgresStore implements Store {
  readonly capabilities: StoreCapabilities = { owner: 'shared', eventIds: 'per-batch' };
  readonly #pool: pg.Pool;
  /** The pool for reads, every statement prepared. */
  readonly #db: Queryable;
  readonly #outbox = new Outbox();
  readonly #group: GroupCommit;
  readonly #notices: NoticeListener;
  /** This store's channel and name on it: what its transactions tell the other replicas. */
  readonly #notify: { channel: string; origin: string };
  /** Rotates which tenant and batch of a priority level is served first, so claims round-robin. */
  #turn = 0;
  /** A tenant's running cap when its quotas set none; null: no cap. */
  readonly #tenantMaxRunning: number | null;
  #healthy = true;
  #closed = false;

  /** Connects and applies the migrations not applied yet (replicas starting together take turns). */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = options.schema ?? 'public';
    const pool = openPool(options.url, schema, options.poolSize ?? 10, options.idleInTransactionMs ?? 10_000);
    try {
      await migrate(pool, schema);
    } catch (error) {
      await pool.end();
      // One line a user can act on (server down, no such database, refused login), no password.
      throw new StoreUnavailableError(`the PostgreSQL database at ${redact(options.url)} cannot be opened: ${(error as Error).message}`, { cause: error });
    }
    const notices = new NoticeListener(
      { connectionString: options.url, connectionTimeoutMillis: 10_000 }, `clientflow_${schema}`.slice(0, 63), `store-${randomUUID()}`,
    );
    await notices.start();
    return new PostgresStore(pool, notices, options.tenantMaxRunning ?? null);
  }

  private constructor(pool: pg.Pool, notices: NoticeListener, tenantMaxRunning: number | null) {
    this.#pool = pool;
    this.#tenantMaxRunning = tenantMaxRunning;
    this.#db = preparedPool(pool);
    this.#notices = notices;
    this.#notify = { channel: notices.channel, origin: notices.origin };
    this.#group = new GroupCommit(pool, {
      notify: this.#notify,
      isRefusal: (e) => e instanceof LeaseLostError,
      committed: (events) => this.#committed(events),
      failed: (error) => this.#failed(error),
    });
  }

  // --- Admission ---

  async createBatch(input: NewBatch, now: number, options: CreateOptions = {}): Promise<{ batch: Batch; replayed: boolean }> {
    const turn = options.claim ? this.#turn++ : 0;
    const { id, replayed, claimed } = await this.#sequence((unit) => admitAndClaim(unit, input, now, options, turn, this.#tenantMaxRunning));
    options.onCommitted?.(claimed);
    const batch = await reads.batch(this.#db, id, now);
    if (!batch) throw new Error('batch vanished after insert');
    return { batch, replayed };
  }

  // --- Schedules: each write a transaction of its own, under the schedule row's lock ---

  createSchedule(input: NewSchedule, now: number, limits: { maxSchedules?: number } = {}): Promise<Schedule> {
    return this.#sequence(() => createSchedule(input, now, limits));
  }

  getSchedule(id: string): Promise<Schedule | null> {
    return this.#read(() => schedules.getSchedule(this.#db, id));
  }

  listSchedules(query: { tenant?: string; limit: number; cursor?: string }): Promise<Page<Schedule>> {
    return this.#read(() => schedules.listSchedules(this.#db, query));
  }

  updateSchedule(id: string, change: Partial<ScheduleInput>, now: number): Promise<Schedule | null> {
    return this.#sequence(() => updateSchedule(id, change, now));
  }

  deleteSchedule(id: string): Promise<boolean> {
    return this.#sequence(() => deleteSchedule(id));
  }

  scheduleTicks(id: string, limit: number): Promise<ScheduleTick[]> {
    return this.#read(() => schedules.scheduleTicks(this.#db, id, limit));
  }

  dueSchedules(now: number, limit: number): Promise<Array<{ id: string; tenant: string }>> {
    return this.#read(() => schedules.dueSchedules(this.#db, now, limit));
  }

  nextScheduleAt(): Promise<number | null> {
    return this.#read(() => schedules.nextScheduleAt(this.#db));
  }

  /**
   * A transaction of its own: the tick's batch, its record and the schedule's next tick commit
   * together. A replica that waited on the row lock for another's pass finds nothing due.
   */
  async fireSchedule(id: string, now: number, limits: TickLimits): Promise<Fired | null> {
    try {
      return await this.#sequence((unit) => fireSchedule(unit, id, now, limits));
    } catch (error) {
      if (error instanceof TickTakenError) return null;
      throw error;
    }
  }

  // --- Control ---

  async cancelBatch(id: string, now: number): Promise<CancelResult<Batch> | null> {
    const abort = await this.#sequence((unit) => cancelBatch(unit, id, now));
    // Gone meanwhile only if it was finished and old enough for a purge (retention.ts).
    const item = abort === null ? null : await reads.batch(this.#db, id, now);
    return item && abort ? { item, abort } : null;
  }

  async cancelWorkflow(id: string, now: number): Promise<CancelResult<Workflow> | null> {
    const abort = await this.#sequence((unit) => cancelWorkflow(unit, id, now));
    const item = abort === null ? null : await reads.workflow(this.#db, id);
    return item && abort ? { item, abort } : null;
  }

  async retryBatch(id: string, includeCanceled: boolean, now: number, limits?: QueueLimits): Promise<{ batch: Batch; retried: number } | null> {
    const retried = await this.#sequence((unit) => retryBatch(unit, id, includeCanceled, now, limits));
    const batch = retried === null ? null : await reads.batch(this.#db, id, now);
    return batch && retried !== null ? { batch, retried } : null;
  }

  async retryWorkflow(id: string, now: number, limits?: QueueLimits): Promise<Workflow | null> {
    return (await this.#sequence((unit) => retryWorkflow(unit, id, now, limits))) ? reads.workflow(this.#db, id) : null;
  }

  // --- Tenancy: single statements on the pool, off the hot path ---

  createKey(record: ApiKeyRecord): Promise<void> {
    return this.#read(() => tenants.createKey(this.#db, record));
  }

  findKey(id: string): Promise<ApiKeyRecord | null> {
    return this.#read(() => tenants.findKey(this.#db, id));
  }

  listKeys(tenant?: string): Promise<ApiKeyRecord[]> {
    return this.#read(() => tenants.listKeys(this.#db, tenant));
  }

  revokeKey(id: string, now: number): Promise<boolean> {
    return this.#read(() => tenants.revokeKey(this.#db, id, now));
  }

  putFlowLimit(key: string, spec: FlowLimitSpec, now: number): Promise<FlowLimit> {
    return this.#sequence(() => putFlowLimit(key, spec, now));
  }

  async getFlowLimit(key: string, now: number): Promise<FlowUsage | null> {
    return (await this.#read(() => flows.flowUsage(this.#db, key, now)))[0] ?? null;
  }

  listFlowLimits(now: number): Promise<FlowUsage[]> {
    return this.#read(() => flows.flowUsage(this.#db, null, now));
  }

  getTenant(id: string): Promise<Tenant | null> {
    return this.#read(() => tenants.getTenant(this.#db, id));
  }

  listTenants(): Promise<Tenant[]> {
    return this.#read(() => tenants.listTenants(this.#db));
  }

  putTenant(id: string, quotas: Quotas, now: number): Promise<Tenant> {
    return this.#read(() => tenants.putTenant(this.#db, id, quotas, now));
  }

  countRequests(key: string, now: number, n: number, windowMs: number): Promise<{ count: number; startedAt: number }> {
    return this.#read(() => tenants.countRequests(this.#db, key, now, n, windowMs));
  }

  // --- Reads ---

  getBatch(id: string, now: number): Promise<Batch | null> {
    return this.#read(() => reads.batch(this.#db, id, now));
  }

  listBatches(query: ListQuery<BatchStatus>, now: number): Promise<Page<Batch>> {
    return this.#read(() => reads.batches(this.#db, query, now));
  }

  listWorkflows(batchId: string, query: ListQuery<WorkflowStatus>): Promise<Page<Workflow> | null> {
    return this.#read(() => reads.workflows(this.#db, batchId, query));
  }

  getWorkflow(id: string): Promise<Workflow | null> {
    return this.#read(() => reads.workflow(this.#db, id));
  }

  listEvents(batchId: string, afterId: number, limit: number): Promise<EngineEvent[] | null> {
    return this.#read(async () => {
      const seq = await reads.seqOf(this.#db, batchId);
      return seq === null ? null : eventsAfter(this.#db, batchId, seq, afterId, limit);
    });
  }

  workflowEvents(batchId: string, workflowIds: string[]): Promise<EngineEvent[]> {
    return this.#read(async () => {
      const seq = await reads.seqOf(this.#db, batchId);
      return seq === null || workflowIds.length === 0 ? [] : eventsOfWorkflows(this.#db, batchId, seq, workflowIds);
    });
  }

  workflowTotals(): Promise<Record<string, WorkflowTotals>> {
    return this.#read(() => reads.totals(this.#db));
  }

  listFailedWorkflows(query: FailedWorkflowQuery): Promise<Page<Workflow>> {
    return this.#read(() => failedWorkflows(this.#db, query));
  }

  listFailedWebhooks(query: Omit<ListQuery<never>, 'status'>): Promise<Page<WebhookDelivery>> {
    return this.#read(() => failedDeliveries(this.#db, query));
  }

  /** Events of the transactions this process committed, right after each commit. */
  onEvents(listener: (event: EngineEvent) => void): () => void {
    return this.#outbox.subscribe(listener);
  }

  /** What the other replicas committed, from their notices (notices.ts). */
  onRemote(listener: (notice: RemoteNotice) => void): () => void {
    return this.#notices.subscribe(listener);
  }

  // --- Dispatcher and runner ---

  claim(owner: string, limit: number, now: number, leaseMs: number): Promise<ClaimedWorkflow[]> {
    // `soon` means nothing here: every claim is a transaction of its own.
    const turn = this.#turn++;
    return this.#sequence(() => claim({ owner, now, leaseMs }, limit, turn, this.#tenantMaxRunning));
  }

  renewLeases(owner: string, ids: string[], now: number, leaseMs: number): Promise<Renewal> {
    return this.#transact((tx) => claims.renew(tx, owner, ids, now, leaseMs));
  }

  releaseExpiredLeases(now: number): Promise<number> {
    return this.#sequence((unit) => releaseLeases(unit, { expiredAt: now }, now));
  }

  releaseLeases(owner: string, now: number, ids?: string[]): Promise<number> {
    return this.#sequence((unit) => releaseLeases(unit, { owner, ids }, now));
  }

  /** Shared store: other replicas may be alive, so only leases that expired are freed. */
  recover(now: number): Promise<number> {
    return this.releaseExpiredLeases(now);
  }

  record(transition: Transition): Promise<void> {
    return this.#group.run(transition.workflow.seq, (tx) => tx.run(record(tx.unit, transition)));
  }

  saveResult(fence: LeaseFence, result: Record<string, unknown>, now: number): Promise<void> {
    return this.#group.run(fence.seq, (tx) => tx.run(saveResult(fence, result, now)));
  }

  async pauseFlowKey(key: string, until: number, now: number): Promise<void> {
    await this.#sequence(() => pauseFlow(key, until, now));
  }

  flowPausedUntil(key: string): Promise<number> {
    return this.#read(() => flows.pausedUntil(this.#db, key));
  }

  // --- Webhooks ---

  claimWebhooks(now: number, limit: number, leaseMs: number, maxAttempts: number, share?: WebhookShare): Promise<WebhookClaim[]> {
    return this.#transact((tx) => webhooks.claimWebhooks(tx, now, limit, leaseMs, maxAttempts, share));
  }

  recordWebhook(claim: WebhookClaim, outcome: WebhookOutcome): Promise<boolean> {
    return this.#read(() => webhooks.recordWebhook(this.#db, claim, outcome));
  }

  nextWebhookAt(waiting: readonly string[] = []): Promise<number | null> {
    return this.#read(() => webhooks.nextWebhookAt(this.#db, waiting));
  }

  redeliverWebhook(batchId: string, now: number): Promise<boolean> {
    return this.#read(() => webhooks.redeliverWebhook(this.#db, batchId, now));
  }

  // --- Retention ---

  purgeFinished(before: number, limit: number, scope: PurgeScope = { exceptTenants: [] }): Promise<Purged> {
    return this.#transact((tx) => purgeFinished(tx, before, limit, scope));
  }

  // --- Lifecycle ---

  /** Whether the last statement reached the database (a failed one makes it false until one succeeds). */
  ping(): boolean {
    return !this.#closed && this.#healthy;
  }

  async probeWrite(now: number): Promise<boolean> {
    if (this.#closed) return false;
    try {
      await this.#transact((tx) => tx.query(`INSERT INTO store_probe (id, at) VALUES (1, $1)
        ON CONFLICT (id) DO UPDATE SET at = excluded.at`, [now]));
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#group.idle();
    } finally {
      await this.#notices.close();
      await this.#pool.end();
    }
  }

  /** Runs a sequence (ops/) in a transaction of its own: see #transact. */
  #sequence<T>(sequence: (unit: Unit) => Steps<T>): Promise<T> {
    return this.#transact((tx) => tx.run(sequence(tx.unit)));
  }

  /** Runs `work` in a transaction of its own (again after a deadlock); publishes its events once committed. */
  async #transact<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      const { value, events } = await transaction(this.#pool, work, { notify: this.#notify });
      this.#committed(events);
      return value;
    } catch (error) {
      this.#failed(error);
      throw error;
    }
  }

  async #read<T>(read: () => Promise<T>): Promise<T> {
    try {
      const value = await read();
      this.#healthy = true;
      return value;
    } catch (error) {
      const failure = asStoreError(error);
      this.#failed(failure);
      throw failure;
    }
  }

  #committed(events: EngineEvent[]): void {
    this.#healthy = true;
    this.#outbox.publish(events);
  }

  #failed(error: unknown): void {
    if (error instanceof StoreUnavailableError) this.#healthy = false;
  }
}
