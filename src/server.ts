/**
 * The process: read config, open the store, start the engine, build the app, listen, and stop
 * gracefully on SIGTERM/SIGINT (POST answers 503, running stages get SHUTDOWN_GRACE_MS to finish,
 * then are aborted and resume after restart; the store is closed; exit 0).
 */
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { Engine } from './engine/engine.js';
import { createLogger } from './logger.js';
import { openStore } from './store/index.js';

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
const store = openStore(config);
const engine = new Engine({
  store,
  logger,
  concurrency: config.CONCURRENCY,
  delays: { fetchMs: config.FETCH_MS, processMs: config.PROCESS_MS, storeMs: config.STORE_MS },
  graceMs: config.SHUTDOWN_GRACE_MS,
  retry: { maxAttempts: config.RETRY_MAX_ATTEMPTS, baseMs: config.RETRY_BASE_MS, maxMs: config.RETRY_MAX_MS },
  stageTimeoutMs: config.STAGE_TIMEOUT_MS,
});
const app = await buildApp({ config, store, engine, logger });

closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS + 5_000, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'stopping after an unexpected error');
  else logger.info({ signal }, 'stopping: no new batches; running stages may finish');
  await engine.stop();
  await app.close();
  await store.close();
  logger.info('stopped');
});

await engine.start();
await app.listen({ port: config.PORT, host: config.HOST });
