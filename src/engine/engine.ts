/**
 * The engine owns execution: it accepts batches into the store, and runs them through the
 * dispatcher (claims + p-queue) and the runner (stages). It knows nothing of HTTP.
 *
 * Lifecycle: new → start() → running → stop() → stopped. Both calls are idempotent; concurrent
 * callers share one in-flight promise.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ClientflowError } from '../model/errors.js';
import type { Batch, NewBatch, Workflow } from '../model/types.js';
import type { Admission, Control, CreateOptions, DispatchStore, EventFeed, QueueLimits, Retention, RunnerStore, Schedules, Tenancy } from '../store/store.js';
import { Dispatcher } from './dispatcher.js';
import { EngineEvents } from './events.js';
import { logEvents } from './log-events.js';
import { RetentionLoop } from './retention.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';
import type { RetryPolicy } from './retry-policy.js';
import type { RunControl } from './run-control.js';
import { runWorkflow } from './runner.js';
import type { CrmOptions } from './stages/crm-fetch.js';
import type { StageDelays } from './stages/default-stages.js';
import type { ProcessPool } from './stages/process-pool.js';
import type { ResultsSink } from './stages/results-sink.js';
import { sameStages, stageSets, type StageSets } from './stages/sets.js';
import type { StageHandlers } from './stages/stage.js';
import type { WorkflowSpans } from '../telemetry/workflow-spans.js';

/** What the engine needs of a store: every role but the HTTP reads, the webhooks' and the lifecycle; the tenants' retention. */
export type EngineStore = Admission & Control & DispatchStore & RunnerStore & EventFeed & Retention & Pick<Tenancy, 'listTenants'>
  & Pick<Schedules, 'dueSchedules' | 'nextScheduleAt' | 'fireSchedule'>;

export interface EngineOptions {
  store: EngineStore;
  logger: Logger;
  /** Workflows running at once. */
  concurrency: number;
  /** Default stage latencies, used when a batch does not override them. */
  delays: StageDelays;
  /** On stop, how long running stages may finish before they are aborted. */
  graceMs: number;
  /** The CRM the `http` stage set fetches from; null or unset: this engine runs no http batches. */
  crm?: CrmOptions | null;
  /** Runs the process stage's CPU work (process-pool.ts); default inline. Its owner closes it. */
  processPool?: Pick<ProcessPool, 'analyze'>;
  /** The caller's results table (RESULTS_DATABASE_URL) the store stage also writes; its owner closes it. */
  results?: ResultsSink | null;
  /** Replaces every stage set's handlers (tests count concurrency this way). */
  handlers?: StageHandlers;
  /** Server-wide retry defaults; a batch's `retry` overrides them field by field. */
  retry: RetryPolicy;
  /** The longest a stage's `Retry-After` may delay its next attempt (RETRY_AFTER_MAX_MS). */
  retryAfterMaxMs: number;
  /** Default per-stage attempt timeout. */
  stageTimeoutMs: number;
  /** How long a claim holds without renewal; renewed every third of it. */
  leaseMs: number;
  /** How often the dispatcher looks for work nobody announced (expired leases, retries due). */
  pollMs: number;
  /** Whether this engine claims and runs workflows (false: RUN_MODE=api, it only accepts them). @default true */
  runs?: boolean;
  /** Days finished batches are kept (retention.ts), purged by an engine that runs workflows; 0: forever. A tenant's quota may say otherwise. */
  retentionDays: number;
  /** The scheduler's settings (scheduler.ts); unset: this engine takes no schedule ticks. */
  schedules?: Pick<SchedulerOptions, 'pollMs' | 'limits' | 'quotasOf'>;
  /** The spans of each workflow run and stage attempt (tracing on); null or unset: none. */
  spans?: WorkflowSpans | null;
  now?: () => number;
}

/** The engine is stopping (or not started): it takes no new batches. */
export class EngineStoppedError extends ClientflowError {
  constructor() {
    super('ENGINE_STOPPED', 'the engine is not accepting work');
  }
}

export class Engine {
  readonly events = new EngineEvents();
  /** Deletes finished batches past RETENTION_DAYS while this engine runs workflows. */
  readonly retention: RetentionLoop;
  /** Takes due schedule ticks while this engine runs (every replica, whatever its RUN_MODE); null: none configured. */
  readonly scheduler: Scheduler | null;
  readonly #o: EngineOptions;
  readonly #now: () => number;
  readonly #dispatcher: Dispatcher;
  readonly #stages: StageSets;
  /** Identifies this engine's leases in the store. */
  readonly #owner = `engine-${randomUUID()}`;
  /** The switches of every workflow running in this engine. */
  readonly #controls = new Map<string, RunControl>();
  #state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  #starting: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;

  constructor(options: EngineOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#stages = options.handlers
      ? sameStages(options.handlers)
      : stageSets({ store: options.store, delays: options.delays, now: this.#now, crm: options.crm ?? null,
        processPool: options.processPool, results: options.results ?? null });
    const stages = this.#stages;
    const log = options.logger;
    this.#dispatcher = new Dispatcher({
      store: options.store,
      owner: this.#owner,
      concurrency: options.concurrency,
      prefetch: Math.max(8, Math.ceil(options.concurrency / 4)),
      leaseMs: options.leaseMs,
      pollMs: options.pollMs,
      now: this.#now,
      log,
      // Claims this engine no longer holds: the lease was freed (a cancel and a retry while the
      // claim waited) or taken by another claim (a shared store's other process). A run of one is
      // stopped: its writes would be refused anyway.
      onLeaseLost: (ids) => {
        const running = ids.filter((id) => this.#controls.has(id));
        if (running.length > 0) {
          log.warn({ workflowIds: running.slice(0, 20), count: running.length }, 'lost the lease on running workflows; stopping them');
        }
        for (const id of running) this.#controls.get(id)!.abandon();
      },
      onCanceled: (ids) => this.#abortAll(ids),
      run: (workflow) => runWorkflow(workflow, {
        store: options.store, stages, log, now: this.#now,
        draining: () => this.#state !== 'running',
        retry: options.retry,
        retryAfterMaxMs: options.retryAfterMaxMs,
        stageTimeoutMs: options.stageTimeoutMs,
        controls: this.#controls,
        wakeAt: (at) => this.#dispatcher.wakeAt(at),
        spans: options.spans ?? null,
      }),
    });
    // The store publishes each event once the transaction that wrote it has committed.
    options.store.onEvents((event) => this.events.emit(event));
    // What other replicas of a shared store committed: work to claim, events for this replica's
    // streams (read from the store), cancels of workflows this engine runs.
    options.store.onRemote((notice) => {
      if (notice.work) this.#wake();
      if (notice.batches === null || notice.batches.length > 0) this.events.stale(notice.batches);
      this.#abortAll(notice.cancel.workflows);
      if (notice.cancel.batches.length > 0) {
        const batches = new Set(notice.cancel.batches);
        for (const control of this.#controls.values()) if (batches.has(control.batchId)) control.cancel();
      }
    });
    // Traced, a workflow's lines carry its running span's ids.
    logEvents(this.events, log, options.spans ? (id) => this.#controls.get(id)?.trace ?? undefined : null);
    this.retention = new RetentionLoop({ store: options.store, logger: log, days: options.retentionDays, now: this.#now });
    this.scheduler = options.schedules ? new Scheduler({
      ...options.schedules, store: options.store, logger: log, now: this.#now,
      onFired: ({ ticks, abort }) => {
        if (ticks.some((t) => t.type === 'schedule.fired')) this.#wake();
        // Overlap `cancel`: the previous batch's runs here stop now (other replicas hear the store's notice).
        this.#abortAll(abort);
      },
    }) : null;
    this.scheduler?.onTick((tick) => {
      const fields = { scheduleId: tick.scheduleId, tenant: tick.tenant, tickAt: new Date(tick.tickAt).toISOString(), lagMs: tick.at - tick.tickAt };
      if (tick.type === 'schedule.fired') log.info({ ...fields, batchId: tick.batchId }, 'schedule fired');
      else log.warn({ ...fields, reason: tick.reason }, 'schedule skipped');
    });
  }

  /** True while the engine takes new batches. */
  get accepting(): boolean {
    return this.#state === 'running';
  }

  get stats(): { running: number; waiting: number } {
    return { running: this.#dispatcher.running, waiting: this.#dispatcher.waiting };
  }

  /** Recovers work a dead process left leased, then starts claiming. */
  start(): Promise<void> {
    this.#starting ??= (async () => {
      this.#state = 'starting';
      if (this.#o.runs === false) {
        // Accepts batches for the replicas that run them; claims nothing, so recovers nothing.
        this.#state = 'running';
        this.scheduler?.start();
        return;
      }
      const recovered = await this.#o.store.recover(this.#now());
      if (recovered > 0) this.#o.logger.info({ recovered }, 'recovered workflows left by a stopped process');
      this.#state = 'running';
      this.#dispatcher.start();
      this.retention.start();
      this.scheduler?.start();
    })();
    return this.#starting;
  }

  /**
   * Stops taking work, lets running stages finish for up to `graceMs`, then aborts the rest
   * (they resume at that stage after a restart) and frees every lease this engine holds.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#starting;
      this.#state = 'stopping';
      await this.scheduler?.stop();
      await this.retention.stop();
      const { graceMs } = this.#o;
      const drained = this.#dispatcher.drain();
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        timer = setTimeout(() => resolve('expired'), graceMs);
      });
      if ((await Promise.race([drained, expired])) === 'expired') {
        this.#o.logger.warn({ graceMs }, 'grace period over: aborting running stages');
        for (const control of this.#controls.values()) control.shutdown();
        await drained;
      }
      clearTimeout(timer);
      await this.#stages.close();
      await this.#o.store.releaseLeases(this.#owner, this.#now());
      this.#state = 'stopped';
    })();
    return this.#stopping;
  }

  /**
   * Accepts a batch: durable once this resolves. `replayed` is true when an idempotency key
   * matched an earlier request and nothing new was written.
   */
  async submit(input: NewBatch, options: CreateOptions = {}): Promise<{ batch: Batch; replayed: boolean }> {
    if (!this.accepting) throw new EngineStoppedError();
    // An idle engine claims in the batch's own transaction; a busy one as soon as it commits. Either
    // way its work starts while the fsync runs: the 202 still waits for the fsync.
    const claim = this.#o.runs !== false && this.#state === 'running' ? this.#dispatcher.admissionClaim() : null;
    return this.#o.store.createBatch(input, this.#now(), {
      ...options,
      ...(claim === null ? {} : { claim }),
      // Both stores call this for every batch they commit: no second wake once it is durable.
      onCommitted: (claimed) => (claimed.length > 0 ? this.#dispatcher.adopt(claimed) : this.#wake()),
    });
  }

  /**
   * Cancels a batch: queued workflows become `canceled` at once, running ones are aborted through
   * their signal and end `canceled`; finished ones are untouched. Null when there is no such batch.
   */
  async cancelBatch(id: string): Promise<Batch | null> {
    const result = await this.#o.store.cancelBatch(id, this.#now());
    if (!result) return null;
    this.#abortAll(result.abort);
    return result.item;
  }

  async cancelWorkflow(id: string): Promise<Workflow | null> {
    const result = await this.#o.store.cancelWorkflow(id, this.#now());
    if (!result) return null;
    this.#abortAll(result.abort);
    return result.item;
  }

  /**
   * Requeues a batch's failed (and optionally canceled) workflows at the stage that failed, within
   * the queue's `limits` as a batch submitted (QueueFullError past them).
   */
  async retryBatch(id: string, includeCanceled: boolean, limits?: QueueLimits): Promise<{ batch: Batch; retried: number } | null> {
    const result = await this.#o.store.retryBatch(id, includeCanceled, this.#now(), limits);
    if (result && result.retried > 0) this.#wake();
    return result;
  }

  async retryWorkflow(id: string, limits?: QueueLimits): Promise<Workflow | null> {
    const workflow = await this.#o.store.retryWorkflow(id, this.#now(), limits);
    if (workflow) this.#wake();
    return workflow;
  }

  /** New work may be runnable: this engine claims it if it runs workflows and is running. */
  #wake(): void {
    if (this.#o.runs !== false && this.#state === 'running') this.#dispatcher.wake();
  }

  #abortAll(ids: string[]): void {
    for (const id of ids) this.#controls.get(id)?.cancel();
  }
}
