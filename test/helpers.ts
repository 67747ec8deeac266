/**
 * Shared test setup: the real service (createService, as server.ts builds it) over an in-memory
 * SQLite store, or the PostgreSQL one `config.DATABASE_URL` names (see ./stores.ts), and tiny
 * stage delays.
 */
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../src/config.js';
import type { Engine } from '../src/engine/engine.js';
import type { EngineEvent } from '../src/engine/events.js';
import type { Webhooks } from '../src/engine/webhooks.js';
import { createService, type ServiceOverrides } from '../src/service.js';
import { defaultTenantCap } from '../src/store/index.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';

export interface TestService {
  app: FastifyInstance;
  store: Store;
  engine: Engine;
  webhooks: Webhooks;
  config: Config;
  /** Resolves when the engine emits an event matching `match`. */
  waitFor: (match: (e: EngineEvent) => boolean) => Promise<EngineEvent>;
  close: () => Promise<void>;
}

export async function startService(
  options: {
    config?: Partial<Config>; engine?: ServiceOverrides['engine']; webhooks?: ServiceOverrides['webhooks']; start?: boolean;
    /** Where the service logs: default nowhere. */
    logger?: ServiceOverrides['logger'];
    /** A process pool of the test's own (default: from config.PROCESS_WORKERS); the service closes it. */
    processPool?: ServiceOverrides['processPool'];
  } = {},
): Promise<TestService> {
  const config = loadConfig({}, {
    DB_PATH: ':memory:', LOG_LEVEL: 'silent', FETCH_MS: 2, PROCESS_MS: 3, STORE_MS: 1, RETRY_BASE_MS: 1, RETRY_MAX_MS: 5,
    SHUTDOWN_GRACE_MS: 1_000,
    ...options.config,
  });
  // With DATABASE_URL, createService opens that PostgreSQL store itself, as server.ts does.
  const store = config.DATABASE_URL
    ? undefined
    : new SqliteStore({ path: config.DB_PATH, sync: 'normal', tenantMaxRunning: defaultTenantCap(config) });
  const service = await createService(config, {
    logger: options.logger ?? pino({ level: 'silent' }), store, engine: options.engine, webhooks: options.webhooks,
    processPool: options.processPool,
  });
  const { app, engine, webhooks } = service;
  // A test's fetch() may leave a spare socket that never sends a request; the server would wait
  // for it to time out. Cut every connection once closing has begun (test/events.test.ts checks
  // the server's own close with streams open: the app's own preClose ends them first).
  app.addHook('preClose', async () => app.server.closeAllConnections());
  await app.ready();
  if (options.start !== false) await service.start();
  const waitFor = (match: (e: EngineEvent) => boolean) => new Promise<EngineEvent>((resolve) => {
    const off = engine.events.on((e) => {
      if (match(e)) {
        off();
        resolve(e);
      }
    });
  });
  return {
    app, store: service.store, engine, webhooks, config, waitFor,
    close: () => service.stop(),
  };
}

/** A promise and the function that resolves it: tests wait on events this way, never on time. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

/** Posts a batch through the app and (unless `wait` is false) waits until it finishes; returns the batch id. */
export async function runBatch(
  service: Pick<TestService, 'app' | 'engine'>, body: Record<string, unknown>,
  { headers = {}, wait = true }: { headers?: Record<string, string>; wait?: boolean } = {},
): Promise<string> {
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
    const res = await service.app.inject({ method: 'POST', url: '/v1/batches', headers, payload: body });
    if (res.statusCode !== 202) throw new Error(`POST answered ${res.statusCode}: ${res.body}`);
    const id = (res.json() as { id: string }).id;
    while (wait && !finished.has(id)) await new Promise<void>((resolve) => { notify = resolve; });
    return id;
  } finally {
    off();
  }
}
