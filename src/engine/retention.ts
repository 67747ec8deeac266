/**
 * Retention: finished batches are deleted RETENTION_DAYS after they finished, with everything kept
 * for them (Store.purgeFinished), by the processes that run workflows. A pass runs when the engine
 * starts, then every RETENTION_INTERVAL_MS. A pass purges one small transaction at a time, a turn
 * of the event loop between two, until nothing is due: it never holds the store (SQLite's write
 * lock, the event loop) for long, so the engine's own commits go on between its chunks. Replicas
 * of a shared store each run their own passes; the store keeps them from taking the same batch.
 *
 * Each chunk's counts go to the listeners (the metrics) as it commits; a pass that deleted
 * something logs one line. A pass that fails (the store is unavailable) logs a warning and the
 * next one tries again.
 */
import type { Logger } from 'pino';
import type { Purged, Retention } from '../store/store.js';

export const DAY_MS = 86_400_000;
/** How often a pass runs. Retention is counted in whole days: a batch kept an hour longer is fine. */
export const RETENTION_INTERVAL_MS = 3_600_000;
/** Workflows (with their results and events) per purge transaction: a few ms of SQLite's write lock. */
export const PURGE_CHUNK = 500;

export interface RetentionOptions {
  store: Retention;
  logger: Logger;
  /** Days a finished batch is kept; 0 keeps everything (no pass ever runs). */
  days: number;
  now: () => number;
  /** @default RETENTION_INTERVAL_MS */
  intervalMs?: number;
  /** @default PURGE_CHUNK */
  chunk?: number;
}

export class RetentionLoop {
  readonly #o: RetentionOptions;
  readonly #listeners = new Set<(purged: Purged) => void>();
  #timer: NodeJS.Timeout | null = null;
  #pass: Promise<Purged> | null = null;
  #state: 'new' | 'running' | 'stopped' = 'new';

  constructor(options: RetentionOptions) {
    this.#o = options;
  }

  /** Whether passes run (RETENTION_DAYS above 0). */
  get enabled(): boolean {
    return this.#o.days > 0;
  }

  /** Whether a pass is running or scheduled: false once stopped. */
  get active(): boolean {
    return this.#timer !== null || this.#pass !== null;
  }

  /** Calls `listener` with what each purge transaction deleted, once it committed. Returns the unsubscribe. */
  onPurge(listener: (purged: Purged) => void): () => void {
    const entry = (purged: Purged) => listener(purged);
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  /** Runs a pass now, then one every interval, until stop(). Nothing when retention is off. */
  start(): void {
    if (this.#state !== 'new') return;
    this.#state = 'running';
    if (this.enabled) this.#run();
  }

  /** No pass starts after this; resolves once the one running (if any) has ended its chunk. */
  async stop(): Promise<void> {
    this.#state = 'stopped';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#pass;
  }

  /**
   * One pass: purges what finished before now − RETENTION_DAYS, a chunk at a time, until nothing
   * is due or the loop stops. Returns what it deleted. A pass already running is shared.
   */
  pass(): Promise<Purged> {
    this.#pass ??= this.#purge().finally(() => {
      this.#pass = null;
    });
    return this.#pass;
  }

  #run(): void {
    void this.pass().then(() => {
      if (this.#state !== 'running') return;
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#run();
      }, this.#o.intervalMs ?? RETENTION_INTERVAL_MS);
      // A pass to come keeps no process alive: the server's socket does that.
      this.#timer.unref();
    });
  }

  async #purge(): Promise<Purged> {
    const { store, logger, days } = this.#o;
    const before = this.#o.now() - days * DAY_MS;
    const total: Purged = { batches: 0, workflows: 0, events: 0 };
    // 0 days is "keep forever", not "everything finished before now".
    while (days > 0 && this.#state !== 'stopped') {
      let purged: Purged;
      try {
        purged = await store.purgeFinished(before, this.#o.chunk ?? PURGE_CHUNK);
      } catch (err) {
        logger.warn({ err }, 'retention: purge failed; the next pass tries again');
        break;
      }
      if (purged.batches + purged.workflows + purged.events === 0) break;
      total.batches += purged.batches;
      total.workflows += purged.workflows;
      total.events += purged.events;
      for (const listener of this.#listeners) listener(purged);
      // The engine's commits and the HTTP requests waiting meanwhile go first.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total.batches + total.workflows + total.events > 0) {
      logger.info({ ...total, retentionDays: days, finishedBefore: new Date(before).toISOString() }, 'retention: deleted finished batches');
    }
    return total;
  }
}
