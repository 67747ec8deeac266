/**
 * The process: read config, build the service (service.ts), start it, listen, and stop gracefully
 * on SIGTERM/SIGINT (POST answers 503, running stages get SHUTDOWN_GRACE_MS to finish, then are
 * aborted and resume after restart; webhook attempts in flight end within WEBHOOK_TIMEOUT_MS; the
 * store is closed; exit 0). A start that cannot go on (bad config, a database in use by another
 * process or unopenable) prints one line and exits 1.
 */
// First: on a too old Node, one clear line and exit 1 before better-sqlite3 would crash it.
import './require-node.js';
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.js';
import { ClientflowError } from './model/errors.js';
import { createService } from './service.js';

/** Runs `step`; when it fails for a reason a user can act on, says so in one line and exits 1. */
async function orExit<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof ClientflowError && ['CONFIG_INVALID', 'STORE_IN_USE', 'STORE_UNAVAILABLE'].includes(e.code)) {
      process.stderr.write(`clientflow: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

const service = await orExit(() => createService(loadConfig(process.env)));
const { config, logger, app } = service;

closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS + config.WEBHOOK_TIMEOUT_MS + 5_000, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'stopping after an unexpected error');
  else logger.info({ signal }, 'stopping: no new batches; running stages may finish');
  await service.stop();
  logger.info('stopped');
});

// The app is built before any work is claimed: compiling the routes can hold the event loop for
// a second or more on a busy machine, and claims made before that would wait out the pause
// without a lease renewal (another replica of a shared store could take them over meanwhile).
await app.ready();
// Recovery at start writes: a store that cannot commit stops the start the same way.
await orExit(() => service.start());
await app.listen({ port: config.PORT, host: config.HOST });
