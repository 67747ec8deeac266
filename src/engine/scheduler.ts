/**
 * The scheduler: every replica runs one. A pass asks the store which schedules have a tick due
 * and takes each one's ticks (Store.fireSchedule): the store decides which ticks fire, and writes
 * each tick's batch with its unique record in one transaction under the schedule's row lock, so
 * replicas passing at once take every tick exactly once between them, and a replica killed in the
 * middle of a pass leaves the whole batch or nothing. Nothing here needs to agree with another
 * replica: a pass that finds a tick taken takes nothing.
 *
 * A pass runs at the next tick the store knows of, and at least every `pollMs` (a schedule
 * another replica created or changed); a tick still due after a pass is tried again a poll later. A pass that fails (the store is unavailable) logs a
 * warning and the next one tries again. Each tick this process took goes to the listeners (logs,
 * metrics): across replicas every tick is told once.
 */
import type { Logger } from 'pino';
import type { TickEvent } from '../model/schedules.js';
import type { Fired, Schedules, TickLimits } from '../store/store.js';

/** Schedules taken per pass before the next pass looks again (at once). */
const DUE_PER_PASS = 100;

export interface SchedulerOptions {
  store: Pick<Schedules, 'dueSchedules' | 'nextScheduleAt' | 'fireSchedule'>;
  logger: Logger;
  now: () => number;
  /** SCHEDULE_POLL_MS. */
  pollMs: number;
  /** What every tick is checked against (SCHEDULE_MISFIRE_MS, IDEMPOTENCY_TTL_MS, MAX_QUEUED). */
  limits: Omit<TickLimits, 'tenantMaxQueued' | 'tenantMaxStored' | 'maxBatch'>;
  /** The tenant's quotas now: its maxQueued, maxStored and maxScheduleBatch (none for a tenant unbounded). */
  quotasOf: (tenant: string) => Promise<Pick<TickLimits, 'tenantMaxQueued' | 'tenantMaxStored' | 'maxBatch'>>;
  /** A pass took ticks: the batches it made may be claimed, the workflows it canceled aborted. */
  onFired: (fired: Fired) => void;
}

export class Scheduler {
  readonly #o: SchedulerOptions;
  readonly #listeners = new Set<(tick: TickEvent) => void>();
  #timer: NodeJS.Timeout | null = null;
  #pass: Promise<void> | null = null;
  #again = false;
  #state: 'new' | 'running' | 'stopped' = 'new';

  constructor(options: SchedulerOptions) {
    this.#o = options;
  }

  /** Calls `listener` with each tick this process took, once committed. Returns the unsubscribe. */
  onTick(listener: (tick: TickEvent) => void): () => void {
    const entry = (tick: TickEvent) => listener(tick);
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  start(): void {
    if (this.#state !== 'new') return;
    this.#state = 'running';
    this.wake();
  }

  /** No pass starts after this; resolves once the one running has ended. */
  async stop(): Promise<void> {
    this.#state = 'stopped';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#pass;
  }

  /** Passes now (a schedule was written here: its next tick may be sooner than the one awaited). */
  wake(): void {
    if (this.#state !== 'running') return;
    if (this.#pass) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pass = this.#run().finally(() => {
      this.#pass = null;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  /** One pass now, for a caller that must know when it ended (tests, a CLI); a pass running is waited for first. */
  async pass(): Promise<void> {
    await this.#pass;
    await this.#takeDue();
  }

  async #run(): Promise<void> {
    let full = false;
    let next: number | null = null;
    try {
      full = await this.#takeDue();
      next = await this.#o.store.nextScheduleAt();
    } catch (err) {
      this.#o.logger.warn({ err }, 'scheduler: a pass failed; the next one tries again');
    }
    if (this.#state !== 'running') return;
    const now = this.#o.now();
    // A tick still due after a pass (its pass failed, or found it taken) waits a poll: never a
    // loop at once against a store that keeps refusing it.
    const delay = full ? 0 : next === null || next <= now ? this.#o.pollMs : Math.min(this.#o.pollMs, next - now);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.wake();
    }, delay);
    // A pass to come keeps no process alive: the server's socket does that.
    this.#timer.unref();
  }

  /** Takes the ticks of every schedule due now; true when there may be more due (a full page, some of it taken). */
  async #takeDue(): Promise<boolean> {
    const due = await this.#o.store.dueSchedules(this.#o.now(), DUE_PER_PASS);
    let took = 0;
    for (const { id, tenant } of due) {
      if (this.#state === 'stopped') break;
      try {
        const fired = await this.#o.store.fireSchedule(id, this.#o.now(), { ...this.#o.limits, ...await this.#o.quotasOf(tenant) });
        if (!fired) continue;
        took++;
        for (const tick of fired.ticks) for (const listener of this.#listeners) listener(tick);
        this.#o.onFired(fired);
      } catch (err) {
        this.#o.logger.warn({ err, scheduleId: id }, 'scheduler: taking a tick failed; the next pass tries again');
      }
    }
    return due.length === DUE_PER_PASS && took > 0;
  }
}
