/** Shared test setup: the real app over an in-memory store and tiny stage delays. */
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { Engine, type EngineOptions } from '../src/engine/engine.js';
import type { EngineEvent } from '../src/engine/events.js';
import { Webhooks } from '../src/engine/webhooks.js';
import { withLinks } from '../src/http/routes/batches.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

export interface TestService {
  app: FastifyInstance;
  store: SqliteStore;
  engine: Engine;
  webhooks: Webhooks;
  config: Config;
  /** Resolves when the engine emits an event matching `match`. */
  waitFor: (match: (e: EngineEvent) => boolean) => Promise<EngineEvent>;
  close: () => Promise<void>;
}

export async function startService(
  options: { config?: Partial<Config>; engine?: Partial<EngineOptions>; start?: boolean } = {},
): Promise<TestService> {
  const config = loadConfig({}, {
    DB_PATH: ':memory:', LOG_LEVEL: 'silent', FETCH_MS: 2, PROCESS_MS: 3, STORE_MS: 1, RETRY_BASE_MS: 1, RETRY_MAX_MS: 5,
    ...options.config,
  });
  const logger = pino({ level: 'silent' });
  const store = new SqliteStore({ path: config.DB_PATH, sync: 'normal' });
  const engine = new Engine({
    store, logger, concurrency: config.CONCURRENCY,
    delays: { fetchMs: config.FETCH_MS, processMs: config.PROCESS_MS, storeMs: config.STORE_MS },
    graceMs: 1_000,
    retry: { maxAttempts: config.RETRY_MAX_ATTEMPTS, baseMs: config.RETRY_BASE_MS, maxMs: config.RETRY_MAX_MS },
    stageTimeoutMs: config.STAGE_TIMEOUT_MS,
    ...options.engine,
  });
  const webhooks = new Webhooks({
    store, events: engine.events, logger, secret: config.WEBHOOK_SECRET,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS, baseMs: config.WEBHOOK_BASE_MS, maxMs: config.WEBHOOK_MAX_MS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS, render: withLinks,
  });
  const app = await buildApp({ config, store, engine, logger });
  await app.ready();
  if (options.start !== false) {
    await engine.start();
    webhooks.start();
  }
  const waitFor = (match: (e: EngineEvent) => boolean) => new Promise<EngineEvent>((resolve) => {
    const off = engine.events.on((e) => {
      if (match(e)) {
        off();
        resolve(e);
      }
    });
  });
  return {
    app, store, engine, webhooks, config, waitFor,
    close: async () => {
      await engine.stop();
      await webhooks.stop();
      // A test's fetch() may leave a spare socket that never sends a request; the server would
      // wait for it to time out. Cut every connection once closing has begun (test/events.test.ts
      // checks the server's own close with streams open).
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
      await store.close();
    },
  };
}

/** Posts a batch through the app and waits until it finishes; returns the batch id. */
export async function runBatch(service: TestService, body: Record<string, unknown>): Promise<string> {
  // Listen before posting: a tiny batch can finish before the POST's answer is read.
  const finished = new Set<string>();
  let notify: (() => void) | undefined;
  const off = service.engine.events.on((e) => {
    if (e.type === 'batch.finished') {
      finished.add(e.batchId);
      notify?.();
    }
  });
  try {
    const res = await service.app.inject({ method: 'POST', url: '/v1/batches', payload: body });
    if (res.statusCode !== 202) throw new Error(`POST answered ${res.statusCode}: ${res.body}`);
    const id = (res.json() as { id: string }).id;
    while (!finished.has(id)) await new Promise<void>((resolve) => { notify = resolve; });
    return id;
  } finally {
    off();
  }
}
