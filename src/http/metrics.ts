/**
 * Prometheus metrics (@prometheus-io/client, formerly prom-client). Each app owns its Registry, so
 * several apps in one process (the tests) never share or collide on a series. Three sources:
 * - engine events, counted as they happen (stage durations, retries, finished workflows/batches),
 *   the engine's retention purges (rows deleted) and the schedule ticks its scheduler took;
 * - the store and the engine, read at scrape time (workflows by status, queue depth, running,
 *   readiness), and this process's open event streams and long polls;
 * - webhook delivery attempts, counted by outcome as each one is recorded;
 * - the process (CPU, memory, event-loop lag, GC), shared by every app of the process: see
 *   processMetrics().
 * Names follow Prometheus conventions: `clientflow_` prefix, base units (seconds), `_total` counters.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from '@prometheus-io/client';
import type { Engine } from '../engine/engine.js';
import type { EngineEvent } from '../engine/events.js';
import { WEBHOOK_OUTCOMES, type Webhooks } from '../engine/webhooks.js';
import {
  FINISHED_WORKFLOW_STATUSES, STAGES, WORKFLOW_STATUSES, type BatchStatus, type StageName, type WorkflowStatus,
} from '../model/statuses.js';
import { DEFAULT_TENANT } from '../model/tenants.js';
import type { FlowUsage } from '../model/flow-limits.js';
import type { FlowLimits, Reads } from '../store/store.js';
import { readiness, type ReadinessStore } from './readiness.js';
import { metricsRoutes } from './routes/metrics.js';
import type { Watchers } from './watchers.js';

/** Stages last from milliseconds (tests, `store`) to minutes (slow CRMs; the default timeout is 60 s). */
const STAGE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** A tick fires within a poll (SCHEDULE_POLL_MS, 1 s) plus its jitter; a catch-up after downtime is minutes or hours late. */
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];
/** Most answers take a millisecond or two; long polls may hold a request for tens of seconds. */
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The `outcome` label of a stage attempt: the event that ended it. */
const STAGE_OUTCOMES = ['succeeded', 'failed', 'retrying'] as const;

/** The `route` label of requests no route matched: one series, whatever URL was asked for. */
export const UNMATCHED_ROUTE = 'unmatched';

let shared: Metric[] | undefined;

/**
 * The process metrics, created once per process and registered into every app's registry.
 * collectDefaultMetrics cannot be undone: each call enables a perf_hooks event-loop-delay
 * monitor (sampling every 10 ms) and a GC PerformanceObserver that are never stopped, and they
 * keep their registry alive. Called once per app, every app built in a process (hundreds in
 * the test suite) would add a monitor and an observer for good. They describe the process
 * anyway, not an app.
 */
export function processMetrics(): Metric[] {
  if (!shared) {
    const register = new Registry();
    collectDefaultMetrics({ register });
    // The typings say MetricObject; at run time these are the Metric instances themselves.
    shared = register.getMetricsAsArray() as unknown as Metric[];
  }
  return shared;
}

export interface AppMetrics {
  readonly registry: Registry;
  /** Records one answered HTTP request; `route` is the route template, never the raw URL. */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
  /** Stops listening to the engine. */
  close(): void;
}

const byStage = <T>(make: (stage: StageName) => T) =>
  Object.fromEntries(STAGES.map((s) => [s, make(s)])) as Record<StageName, T>;

type MetricsStore = Pick<Reads, 'workflowTotals'> & Partial<Pick<FlowLimits, 'listFlowLimits'>> & ReadinessStore;

export interface MetricsDeps {
  store: MetricsStore;
  engine: Engine;
  /** This app's event streams and long polls (none in a worker, which serves no API). */
  watchers?: Pick<Watchers, 'count'>;
  /** This process's webhook deliverer: its attempts are counted by outcome. */
  webhooks?: Pick<Webhooks, 'onOutcome'>;
}

export function createMetrics({ store, engine, watchers, webhooks }: MetricsDeps): AppMetrics {
  const registry = new Registry();
  const registers = [registry];
  for (const metric of processMetrics()) registry.registerMetric(metric);

  // One store read per scrape, shared by the two gauges it feeds (the client collects them concurrently).
  let totals: Promise<Record<string, Record<WorkflowStatus, number>>> | null = null;
  const readTotals = () => (totals ??= store.workflowTotals().finally(() => { totals = null; }));

  const workflows = new Gauge({
    name: 'clientflow_workflows', help: 'Workflows by tenant and status, across all batches in the store.',
    labelNames: ['tenant', 'status'] as const, registers,
    async collect() {
      // The default tenant always has its series (zeros on an empty store): dashboards see 0, not nothing.
      const byTenant = { [DEFAULT_TENANT]: { queued: 0, running: 0, succeeded: 0, failed: 0, canceled: 0 }, ...await readTotals() };
      // A tenant whose batches were all deleted (retention) leaves no stale series behind.
      workflows.reset();
      for (const [tenant, t] of Object.entries(byTenant)) {
        for (const status of WORKFLOW_STATUSES) workflows.set({ tenant, status }, t[status]);
      }
    },
  });
  const queueDepth = new Gauge({
    name: 'clientflow_queue_depth', help: 'Workflows queued in the store, waiting to start.', registers,
    async collect() {
      queueDepth.set(Object.values(await readTotals()).reduce((n, t) => n + t.queued, 0));
    },
  });
  // Flow limits per key (model/flow-limits.ts), read from the store: the same on every replica.
  let flows: Promise<FlowUsage[]> | null = null;
  const readFlows = () => (flows ??= (store.listFlowLimits?.(Date.now()) ?? Promise.resolve([])).finally(() => { flows = null; }));
  const flowInUse = new Gauge({
    name: 'clientflow_flow_in_use', help: 'Workflows of each flow key leased now, across replicas.', labelNames: ['key'] as const, registers,
    async collect() {
      flowInUse.reset();
      for (const u of await readFlows()) flowInUse.set({ key: u.limit.key }, u.inUse);
    },
  });
  const flowWaiting = new Gauge({
    name: 'clientflow_flow_waiting', help: 'Workflows of each flow key waiting (unfinished, not leased).', labelNames: ['key'] as const, registers,
    async collect() {
      flowWaiting.reset();
      for (const u of await readFlows()) flowWaiting.set({ key: u.limit.key }, u.waiting);
    },
  });
  const flowThrottled = new Counter({
    name: 'clientflow_flow_throttled_total',
    help: 'Claims that found work of each flow key but no token, across replicas (counted in the store).',
    labelNames: ['key'] as const, registers,
    async collect() {
      flowThrottled.reset();
      for (const u of await readFlows()) flowThrottled.inc({ key: u.limit.key }, u.limit.throttled);
    },
  });
  const flowPaused = new Gauge({
    name: 'clientflow_flow_paused_seconds',
    help: 'Seconds each flow key stays paused (the CRM\'s Retry-After), across replicas; 0: not paused.',
    labelNames: ['key'] as const, registers,
    async collect() {
      flowPaused.reset();
      const now = Date.now();
      for (const u of await readFlows()) flowPaused.set({ key: u.limit.key }, Math.max(0, u.limit.pausedUntil - now) / 1000);
    },
  });
  const flowPauses = new Counter({
    name: 'clientflow_flow_pauses_total', help: 'Times the CRM paused each flow key (429 or 503 with Retry-After), across replicas.',
    labelNames: ['key'] as const, registers,
    async collect() {
      flowPauses.reset();
      for (const u of await readFlows()) flowPauses.inc({ key: u.limit.key }, u.limit.pauses);
    },
  });
  const running = new Gauge({
    name: 'clientflow_running', help: 'Workflows running a stage in this engine now.', registers,
    collect() {
      running.set(engine.stats.running);
    },
  });
  const ready = new Gauge({
    name: 'clientflow_ready', help: 'GET /readyz as a number: 1 when the store commits and the engine takes work, else 0.', registers,
    async collect() {
      ready.set((await readiness(store, engine)).ready ? 1 : 0);
    },
  });
  const streams = new Gauge({
    name: 'clientflow_sse_streams', help: 'Batch event streams (SSE) open on this process now.', registers,
    collect() {
      streams.set(watchers?.count('stream') ?? 0);
    },
  });
  const longPolls = new Gauge({
    name: 'clientflow_long_polls', help: 'Long polls (GET /v1/batches/{id}?wait=N) waiting on this process now.', registers,
    collect() {
      longPolls.set(watchers?.count('poll') ?? 0);
    },
  });
  const waiting = new Gauge({
    name: 'clientflow_dispatcher_waiting', help: 'Workflows claimed by this engine, waiting for a free slot.', registers,
    collect() {
      waiting.set(engine.stats.waiting);
    },
  });

  const stageDuration = new Histogram({
    name: 'clientflow_stage_duration_seconds', help: 'Stage attempts by stage and outcome (succeeded, failed, retrying).',
    labelNames: ['stage', 'outcome'] as const, buckets: STAGE_BUCKETS, registers,
  });
  const retries = new Counter({
    name: 'clientflow_stage_retries_total', help: 'Stage attempts that failed and were scheduled again.',
    labelNames: ['stage'] as const, registers,
  });
  const workflowsFinished = new Counter({
    name: 'clientflow_workflows_finished_total', help: 'Workflows that finished, by final status.',
    labelNames: ['status'] as const, registers,
  });
  const batchesCreated = new Counter({
    name: 'clientflow_batches_created_total', help: 'Batches accepted.', registers,
  });
  const batchesFinished = new Counter({
    name: 'clientflow_batches_finished_total', help: 'Batches that finished, by final status.',
    labelNames: ['status'] as const, registers,
  });
  const retentionDeleted = new Counter({
    name: 'clientflow_retention_deleted_total',
    help: 'Rows deleted by retention (RETENTION_DAYS, or a tenant\'s retentionDays): finished batches, their workflows and their events.',
    labelNames: ['kind'] as const, registers,
  });
  const scheduleTicks = new Counter({
    name: 'clientflow_schedule_ticks_total',
    help: 'Schedule ticks this process took, by outcome: fired (a batch made) or skipped (missed, overlap, quota); each tick is taken by one replica.',
    labelNames: ['outcome'] as const, registers,
  });
  const scheduleLag = new Histogram({
    name: 'clientflow_schedule_lag_seconds',
    help: 'From a fired tick\'s time to its batch\'s creation: the poll\'s delay, the jitter, and any catch-up after downtime.',
    buckets: LAG_BUCKETS, registers,
  });
  const webhookDeliveries = new Counter({
    name: 'clientflow_webhook_deliveries_total',
    help: 'Webhook delivery attempts this process made, by outcome: delivered, retrying (failed, another due), '
      + 'failed (no attempt left), dropped (the batch reopened), unrecorded (the store could not record it).',
    labelNames: ['outcome'] as const, registers,
  });
  const httpDuration = new Histogram({
    name: 'clientflow_http_request_duration_seconds', help: 'HTTP requests by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const, buckets: HTTP_BUCKETS, registers,
  });
  /** Bounded by routes × methods × status codes: the route label is a template, never a URL. */
  const httpSeries = new Map<string, ReturnType<typeof httpDuration.labels>>();

  // Every series the engine can produce is bound once here (and so exported at 0 from the start):
  // the listener below, which runs tens of thousands of times a second under load, then only
  // indexes these tables and calls the client, allocating nothing of its own.
  const durations = byStage((stage) => {
    for (const outcome of STAGE_OUTCOMES) stageDuration.zero({ stage, outcome });
    return {
      succeeded: stageDuration.labels(stage, 'succeeded'),
      failed: stageDuration.labels(stage, 'failed'),
      retrying: stageDuration.labels(stage, 'retrying'),
    };
  });
  const retriesOf = byStage((stage) => retries.labels(stage));
  const finishedOf = Object.fromEntries(FINISHED_WORKFLOW_STATUSES.map((s) => [s, workflowsFinished.labels(s)])) as
    Partial<Record<WorkflowStatus, { inc: (value?: number) => void }>>;
  const batchFinishedOf = Object.fromEntries(FINISHED_WORKFLOW_STATUSES.map((s) => [s, batchesFinished.labels(s)])) as
    Partial<Record<BatchStatus, { inc: (value?: number) => void }>>;
  const deletedOf = {
    batches: retentionDeleted.labels('batches'), workflows: retentionDeleted.labels('workflows'), events: retentionDeleted.labels('events'),
  };
  for (const c of [...Object.values(retriesOf), ...Object.values(finishedOf), ...Object.values(batchFinishedOf), ...Object.values(deletedOf)]) c.inc(0);
  batchesCreated.inc(0);
  for (const outcome of WEBHOOK_OUTCOMES) webhookDeliveries.inc({ outcome }, 0);
  const offWebhooks = webhooks?.onOutcome((_batchId, outcome) => webhookDeliveries.inc({ outcome }));
  const ticksOf = { fired: scheduleTicks.labels('fired'), skipped: scheduleTicks.labels('skipped') };
  ticksOf.fired.inc(0);
  ticksOf.skipped.inc(0);
  const offTicks = engine.scheduler?.onTick((tick) => {
    if (tick.type === 'schedule.fired') {
      ticksOf.fired.inc();
      scheduleLag.observe(Math.max(0, tick.at - tick.tickAt) / 1000);
    } else {
      ticksOf.skipped.inc();
    }
  });

  const off = engine.events.on((e: EngineEvent) => {
    switch (e.type) {
      case 'stage.succeeded':
        durations[e.stage].succeeded.observe(e.durationMs / 1000);
        break;
      case 'stage.failed':
        durations[e.stage].failed.observe(e.durationMs / 1000);
        break;
      case 'stage.retrying':
        durations[e.stage].retrying.observe(e.durationMs / 1000);
        retriesOf[e.stage].inc();
        break;
      case 'workflow.finished':
        finishedOf[e.status]?.inc();
        break;
      case 'batch.created':
        batchesCreated.inc();
        break;
      case 'batch.finished':
        batchFinishedOf[e.status]?.inc();
        break;
      default:
        break;
    }
  });

  // What this process's retention passes delete, as each purge commits (engine/retention.ts).
  const offRetention = engine.retention.onPurge((purged) => {
    deletedOf.batches.inc(purged.batches);
    deletedOf.workflows.inc(purged.workflows);
    deletedOf.events.inc(purged.events);
  });

  return {
    registry,
    observeRequest: (method, route, statusCode, seconds) => {
      // One bound child per series: every request pays a Map lookup, not a label hash.
      const key = `${method} ${statusCode} ${route}`;
      let child = httpSeries.get(key);
      if (!child) {
        child = httpDuration.labels({ method, route, status_code: statusCode });
        httpSeries.set(key, child);
      }
      child.observe(seconds);
    },
    close: () => {
      off();
      offRetention();
      offWebhooks?.();
      offTicks?.();
    },
  };
}

/**
 * Wires metrics into an app: GET /metrics, the HTTP histogram (an onResponse hook on the root,
 * so it sees every route registered after it and the 404s) and the unsubscription on close.
 */
export async function registerMetrics(app: FastifyInstance, deps: MetricsDeps): Promise<void> {
  const metrics = createMetrics(deps);
  // A callback hook, not an async one: it runs on every request, a promise each would show.
  app.addHook('onResponse', (request, reply, done) => {
    // The template (/v1/batches/:id), never the URL: one series per route, not one per id.
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.addHook('onClose', async () => metrics.close());
  await app.register(metricsRoutes, { registry: metrics.registry });
}
