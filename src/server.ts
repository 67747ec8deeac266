/**
 * The process: read config, open the store, start the engine, build the app, listen, and stop
 * gracefully on SIGTERM/SIGINT (POST answers 503, running stages get SHUTDOWN_GRACE_MS to finish,
 * then are aborted and resume after restart; webhook attempts in flight end within
 * WEBHOOK_TIMEOUT_MS; the store is closed; exit 0).
 */
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { Engine } from './engine/engine.js';
import { Webhooks } from './engine/webhooks.js';
import { withLinks } from './http/routes/batches.js';
import { createLogger } from './logger.js';
import { openStore } from './store/index.js';
import { StoreInUseError, StoreUnavailableError, type Store } from './store/store.js';

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`clientflow: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

const config = readConfig();
const logger = createLogger(config);
const store = ((): Store => {
  try {
    return openStore(config);
  } catch (e) {
    // One line, no stack: another process holds the file, or it cannot be opened or written.
    if (e instanceof StoreInUseError || e instanceof StoreUnavailableError) {
      process.stderr.write(`clientflow: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
})();
const engine = new Engine({
  store,
  logger,
  concurrency: config.CONCURRENCY,
  delays: { fetchMs: config.FETCH_MS, processMs: config.PROCESS_MS, storeMs: config.STORE_MS },
  graceMs: config.SHUTDOWN_GRACE_MS,
  retry: { maxAttempts: config.RETRY_MAX_ATTEMPTS, baseMs: config.RETRY_BASE_MS, maxMs: config.RETRY_MAX_MS },
  stageTimeoutMs: config.STAGE_TIMEOUT_MS,
  leaseMs: config.LEASE_MS,
});
const webhooks = new Webhooks({
  store, events: engine.events, logger, secret: config.WEBHOOK_SECRET,
  maxAttempts: config.WEBHOOK_MAX_ATTEMPTS, baseMs: config.WEBHOOK_BASE_MS, maxMs: config.WEBHOOK_MAX_MS,
  timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  // The body is the batch exactly as GET /v1/batches/{id} answers it, links included.
  render: withLinks,
});
const app = await buildApp({ config, store, engine, logger });

closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS + config.WEBHOOK_TIMEOUT_MS + 5_000, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'stopping after an unexpected error');
  else logger.info({ signal }, 'stopping: no new batches; running stages may finish');
  await engine.stop();
  // After the engine: batches finishing during its grace period are still delivered.
  await webhooks.stop();
  await app.close();
  await store.close();
  logger.info('stopped');
});

await engine.start();
webhooks.start();
await app.listen({ port: config.PORT, host: config.HOST });
