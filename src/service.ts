/**
 * The whole service from its configuration: store, engine, webhook deliverer and HTTP app, wired
 * once here for server.ts, the tests and the benchmarks. Nothing listens and nothing runs until
 * `start()`; `stop()` undoes it in order. Every default comes from config.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { Engine, type EngineOptions } from './engine/engine.js';
import { Webhooks, type WebhookOptions } from './engine/webhooks.js';
import { withLinks } from './http/routes/batches.js';
import { createLogger } from './logger.js';
import { parseAllowList } from './net/address-policy.js';
import { openStore } from './store/index.js';
import { parseFlowLimits } from './model/flow-limits.js';
import type { Store } from './store/store.js';

/** What a test or a benchmark may replace; production passes none. */
export interface ServiceOverrides {
  logger?: Logger;
  /** Another store (a test's fault-injecting one, another backend): default `openStore(config)`. */
  store?: Store;
  engine?: Partial<Pick<EngineOptions, 'handlers' | 'now' | 'crm'>>;
  webhooks?: Partial<Pick<WebhookOptions, 'now' | 'random' | 'resolve'>>;
}

export interface Service {
  config: Config;
  logger: Logger;
  store: Store;
  engine: Engine;
  webhooks: Webhooks;
  app: FastifyInstance;
  /** Recovers what a stopped process left, starts claiming work and delivering webhooks. */
  start(): Promise<void>;
  /**
   * Stops in order: the engine (running stages get SHUTDOWN_GRACE_MS), then the deliverer (so
   * batches finishing meanwhile are still delivered), the app, and last the store.
   */
  stop(): Promise<void>;
}

export async function createService(config: Config, overrides: ServiceOverrides = {}): Promise<Service> {
  const logger = overrides.logger ?? createLogger(config);
  const store = overrides.store ?? await openStore(config);
  try {
    return await wire(config, logger, store, overrides);
  } catch (error) {
    // Nothing else holds the store yet: close it (and its owner lock) before failing.
    await store.close();
    throw error;
  }
}

async function wire(config: Config, logger: Logger, store: Store, overrides: ServiceOverrides): Promise<Service> {
  // FLOW_LIMITS overrides what the store holds for its keys (a PUT since is replaced); other keys keep theirs.
  for (const { key, spec } of parseFlowLimits(config.FLOW_LIMITS)) await store.putFlowLimit(key, spec, Date.now());
  const engine = new Engine({
    store, logger,
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
    ...overrides.engine,
  });
  const webhooks = new Webhooks({
    store, events: engine.events, logger, secret: config.WEBHOOK_SECRET, allowHosts: parseAllowList(config.WEBHOOK_ALLOW_HOSTS),
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS, baseMs: config.WEBHOOK_BASE_MS, maxMs: config.WEBHOOK_MAX_MS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS, concurrency: config.WEBHOOK_CONCURRENCY,
    // The body is the batch exactly as GET /v1/batches/{id} answers it, links included.
    render: withLinks,
    ...overrides.webhooks,
  });
  const app = await buildApp({ config, store, engine, logger });
  let stopping: Promise<void> | null = null;
  return {
    config, logger, store, engine, webhooks, app,
    async start() {
      await engine.start();
      // Webhooks go out from the replicas that run workflows.
      if (config.RUN_MODE !== 'api') webhooks.start();
    },
    stop() {
      stopping ??= (async () => {
        await engine.stop();
        await webhooks.stop();
        await app.close();
        await store.close();
      })();
      return stopping;
    },
  };
}
