/**
 * The engine owns execution: it accepts batches into the store, and runs them through the
 * dispatcher (claims + p-queue) and the runner (stages). It knows nothing of HTTP.
 *
 * Lifecycle: new → start() → running → stop() → stopped. Both calls are idempotent; concurrent
 * callers share one in-flight promise.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Batch, NewBatch } from '../model/types.js';
import type { Store } from '../store/store.js';
import { Dispatcher } from './dispatcher.js';
import { EngineEvents } from './events.js';
import { logEvents } from './log-events.js';
import { runWorkflow } from './runner.js';
import { defaultStages, type StageDelays } from './stages/default-stages.js';
import type { StageHandlers } from './stages/stage.js';

export interface EngineOptions {
  store: Store;
  logger: Logger;
  /** Workflows running at once. */
  concurrency: number;
  /** Default stage latencies, used when a batch does not override them. */
  delays: StageDelays;
  /** On stop, how long running stages may finish before they are aborted. @default 10000 */
  graceMs?: number;
  /** Replaces the default stage handlers (tests count concurrency this way). */
  handlers?: StageHandlers;
  /** @default 30000 */
  leaseMs?: number;
  /** @default 1000 */
  pollMs?: number;
  now?: () => number;
}

export class EngineStoppedError extends Error {
  readonly code = 'ENGINE_STOPPED';
}

export class Engine {
  readonly events = new EngineEvents();
  readonly #o: EngineOptions;
  readonly #now: () => number;
  readonly #dispatcher: Dispatcher;
  readonly #abort = new AbortController();
  /** Identifies this engine's leases in the store. */
  readonly #owner = `engine-${randomUUID()}`;
  #state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  #starting: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;

  constructor(options: EngineOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    // Every running stage listens on this one signal: up to `concurrency` listeners, not a leak.
    setMaxListeners(0, this.#abort.signal);
    const handlers = options.handlers ?? defaultStages(options.store, options.delays, this.#now);
    const log = options.logger;
    this.#dispatcher = new Dispatcher({
      store: options.store,
      owner: this.#owner,
      concurrency: options.concurrency,
      prefetch: Math.max(8, Math.ceil(options.concurrency / 4)),
      leaseMs: options.leaseMs ?? 30_000,
      pollMs: options.pollMs ?? 1_000,
      now: this.#now,
      log,
      run: (workflow) => runWorkflow(workflow, {
        store: options.store, handlers, events: this.events, log, now: this.#now,
        draining: () => this.#state !== 'running', abort: this.#abort.signal,
      }),
    });
    logEvents(this.events, log);
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
      const recovered = await this.#o.store.recover(this.#now());
      if (recovered > 0) this.#o.logger.info({ recovered }, 'recovered workflows left by a stopped process');
      this.#state = 'running';
      this.#dispatcher.start();
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
      const graceMs = this.#o.graceMs ?? 10_000;
      const drained = this.#dispatcher.drain();
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        timer = setTimeout(() => resolve('expired'), graceMs);
      });
      if ((await Promise.race([drained, expired])) === 'expired') {
        this.#o.logger.warn({ graceMs }, 'grace period over: aborting running stages');
        this.#abort.abort();
        await drained;
      }
      clearTimeout(timer);
      await this.#o.store.releaseLeases(this.#owner);
      this.#state = 'stopped';
    })();
    return this.#stopping;
  }

  /** Accepts a batch: durable once this resolves. */
  async submit(input: NewBatch): Promise<Batch> {
    if (!this.accepting) throw new EngineStoppedError('the engine is not accepting work');
    const batch = await this.#o.store.createBatch(input, this.#now());
    this.events.emit({ type: 'batch.created', at: this.#now(), batchId: batch.id, total: batch.progress.total });
    this.#dispatcher.wake();
    return batch;
  }
}
