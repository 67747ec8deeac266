/**
 * The whole service from its configuration: store, engine, webhook deliverer and HTTP app, wired
 * once here for server.ts, the tests and the benchmarks. Nothing listens and nothing runs until
 * `start()`; `stop()` undoes it in order. Every default comes from config.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { ConfigError, tracingOptions, type Config } from './config.js';
import { Engine, type EngineOptions } from './engine/engine.js';
import { createProcessPool, type ProcessPool } from './engine/stages/process-pool.js';
import { createResultsSink, type ResultsSink } from './engine/stages/results-sink.js';
import { errorCode, isUnavailable } from './db/postgres.js';
import { Webhooks, type WebhookOptions } from './engine/webhooks.js';
import { withLinks } from './http/batch-view.js';
import { QuotaBook, defaultQuotas } from './http/quotas.js';
import { createLogger } from './logger.js';
import { parseAllowList } from './net/address-policy.js';
import { openStore } from './store/index.js';
import { parseFlowLimits } from './model/flow-limits.js';
import type { Store } from './store/store.js';
import type { Tracing } from './telemetry/tracing.js';
import type { WorkflowSpans } from './telemetry/workflow-spans.js';

/** What a test or a benchmark may replace; production passes none. */
export interface ServiceOverrides {
  logger?: Logger;
  /** Another store (a test's fault-injecting one, another backend): default `openStore(config)`. */
  store?: Store;
  /** Another process pool (a test's, which watches where tasks run): default from PROCESS_WORKERS. The service closes it. */
  processPool?: ProcessPool;
  engine?: Partial<Pick<EngineOptions, 'handlers' | 'now' | 'crm'>>;
  webhooks?: Partial<Pick<WebhookOptions, 'now' | 'random' | 'resolve'>>;
}

export interface Service {
  config: Config;
  logger: Logger;
  store: Store;
  /** Where the process stage's CPU work runs (inline or worker threads). */
  processPool: ProcessPool;
  /** The caller's results table (RESULTS_DATABASE_URL); null: results stay in the store only. */
  results: ResultsSink | null;
  engine: Engine;
  webhooks: Webhooks;
  app: FastifyInstance;
  /** The OpenTelemetry SDK, when tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT); else null. */
  tracing: Tracing | null;
  /** Recovers what a stopped process left, starts claiming work and delivering webhooks. */
  start(): Promise<void>;
  /**
   * Stops in order: the engine (running stages get SHUTDOWN_GRACE_MS), the process pool's
   * threads and the results database's pool, then the deliverer (so batches finishing meanwhile are still delivered), the app,
   * the store, and last the spans left to export (at most TRACE_FLUSH_MS more).
   */
  stop(): Promise<void>;
}

export async function createService(config: Config, overrides: ServiceOverrides = {}): Promise<Service> {
  const logger = overrides.logger ?? createLogger(config);
  const store = overrides.store ?? await openStore(config);
  let processPool: ProcessPool | undefined;
  let results: ResultsSink | null = null;
  try {
    // An api-only replica runs no stages: it starts no threads and writes no results.
    processPool = overrides.processPool ?? createProcessPool(config.RUN_MODE === 'api' ? 0 : config.PROCESS_WORKERS);
    if (config.RESULTS_DATABASE_URL !== undefined && config.RUN_MODE !== 'api') {
      results = createResultsSink({
        url: config.RESULTS_DATABASE_URL, schema: config.RESULTS_SCHEMA, table: config.RESULTS_TABLE, poolSize: config.RESULTS_POOL_SIZE,
        tenantOf: async (batchId) => (await store.getBatch(batchId, Date.now()))?.tenant ?? null,
      });
    }
    return await wire(config, logger, store, processPool, results, overrides);
  } catch (error) {
    // Nothing else holds the store or the threads yet: close them (and the store's owner lock) before failing.
    await results?.close();
    await processPool?.close();
    await store.close();
    throw error;
  }
}

async function wire(
  config: Config, logger: Logger, store: Store, processPool: ProcessPool, results: ResultsSink | null, overrides: ServiceOverrides,
): Promise<Service> {
  // FLOW_LIMITS overrides what the store holds for its keys (a PUT since is replaced); other keys keep theirs.
  for (const { key, spec } of parseFlowLimits(config.FLOW_LIMITS)) await store.putFlowLimit(key, spec, Date.now());
  // A tick is checked against its tenant's quotas as they are when it fires, whoever created the schedule.
  const quotas = new QuotaBook(store, defaultQuotas(config));
  const { tracing, spans } = await startTraces(config, logger);
  const engine = new Engine({
    store, logger, processPool, results, spans,
    concurrency: config.CONCURRENCY,
    delays: { fetchMs: config.FETCH_MS, processMs: config.PROCESS_MS, storeMs: config.STORE_MS },
    graceMs: config.SHUTDOWN_GRACE_MS,
    retry: { maxAttempts: config.RETRY_MAX_ATTEMPTS, baseMs: config.RETRY_BASE_MS, maxMs: config.RETRY_MAX_MS },
    retryAfterMaxMs: config.RETRY_AFTER_MAX_MS,
    crm: config.CRM_URL_TEMPLATE === undefined ? null : {
      urlTemplate: config.CRM_URL_TEMPLATE, allowHosts: parseAllowList(config.CRM_ALLOW_HOSTS),
      maxConnections: config.CRM_MAX_CONNECTIONS, maxResponseBytes: config.CRM_MAX_RESPONSE_BYTES,
    },
    stageTimeoutMs: config.STAGE_TIMEOUT_MS,
    leaseMs: config.LEASE_MS,
    pollMs: config.POLL_MS,
    runs: config.RUN_MODE !== 'api',
    retentionDays: config.RETENTION_DAYS,
    schedules: {
      pollMs: config.SCHEDULE_POLL_MS,
      limits: { misfireMs: config.SCHEDULE_MISFIRE_MS, idempotencyTtlMs: config.IDEMPOTENCY_TTL_MS, maxQueued: config.MAX_QUEUED },
      quotasOf: async (tenant) => {
        const q = await quotas.of(tenant);
        return { tenantMaxQueued: q.maxQueued, tenantMaxStored: q.maxStored, maxBatch: q.maxScheduleBatch };
      },
    },
    ...overrides.engine,
  });
  const webhooks = new Webhooks({
    store, events: engine.events, logger, secret: config.WEBHOOK_SECRET, allowHosts: parseAllowList(config.WEBHOOK_ALLOW_HOSTS),
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS, baseMs: config.WEBHOOK_BASE_MS, maxMs: config.WEBHOOK_MAX_MS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS, concurrency: config.WEBHOOK_CONCURRENCY, tenantConcurrency: config.WEBHOOK_TENANT_CONCURRENCY,
    // The body is the batch exactly as GET /v1/batches/{id} answers it, links included.
    render: withLinks,
    spans,
    ...overrides.webhooks,
  });
  const app = await buildApp({ config, store, engine, logger, webhooks, tracerProvider: tracing?.provider ?? null });
  let stopping: Promise<void> | null = null;
  return {
    config, logger, store, processPool, results, engine, webhooks, app, tracing,
    async start() {
      if (results) await migrateResults(results, logger);
      await engine.start();
      // Webhooks go out from the replicas that run workflows.
      if (config.RUN_MODE !== 'api') webhooks.start();
    },
    stop() {
      stopping ??= (async () => {
        await engine.stop();
        // Every stage has ended (finished or aborted): no task is left in the pool.
        await processPool.close();
        await results?.close();
        await webhooks.stop();
        await app.close();
        await store.close();
        if (tracing) await exportRest(tracing, logger);
      })();
      return stopping;
    },
  };
}

/** How long a stop waits for the last spans to be exported (a receiver that is down must not hold it). */
const TRACE_FLUSH_MS = 5_000;

/** The SDK and the spans of the work, loaded only when tracing is on. */
async function startTraces(config: Config, logger: Logger): Promise<{ tracing: Tracing | null; spans: WorkflowSpans | null }> {
  const options = tracingOptions(config);
  if (!options) return { tracing: null, spans: null };
  const [{ startTracing }, { WorkflowSpans }] = await Promise.all([import('./telemetry/tracing.js'), import('./telemetry/workflow-spans.js')]);
  const tracing = startTracing({
    ...options,
    // The reason only: the exporter's error may quote the receiver's whole answer.
    onExportError: (error) => logger.warn({ reason: error.message.slice(0, 200) }, 'exporting spans failed: they are dropped until the receiver answers'),
  });
  // Its origin and path only: a URL may hold credentials.
  const { origin, pathname } = new URL(options.url);
  logger.info({ url: `${origin}${pathname}`, protocol: options.protocol, sampler: options.sampler }, 'tracing on: spans go to the OTLP receiver');
  return { tracing, spans: new WorkflowSpans(tracing) };
}

async function exportRest(tracing: Tracing, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), TRACE_FLUSH_MS);
  });
  const ended = await Promise.race([tracing.shutdown().then(() => 'done' as const, () => 'done' as const), late]);
  clearTimeout(timer);
  if (ended === 'late') logger.warn({ ms: TRACE_FLUSH_MS }, 'spans left unexported at stop: the receiver did not answer in time');
}

/**
 * Creates the results table before any store stage runs. A database that cannot be reached now
 * does not stop the start: the first store stage migrates, and fails retryably until it can.
 * Any other refusal (a wrong password, no right to create the table) is a configuration to fix.
 */
async function migrateResults(results: ResultsSink, logger: Logger): Promise<void> {
  try {
    await results.migrate();
  } catch (error) {
    const code = errorCode(error);
    // A ConfigError: server.ts says it in one line and exits 1.
    if (!isUnavailable(error)) throw new ConfigError(`the results database (RESULTS_DATABASE_URL) cannot be migrated: ${code}`);
    logger.warn({ code }, 'the results database (RESULTS_DATABASE_URL) is unavailable: the store stage retries until it is');
  }
}
