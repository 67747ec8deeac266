/**
 * Retention: finished batches are deleted RETENTION_DAYS after they finished, with everything kept
 * for them (Store.purgeFinished), by the processes that run workflows. A tenant's `retentionDays`
 * quota overrides the server's days for its batches (0: kept forever). A pass runs when the engine
 * starts, then every RETENTION_INTERVAL_MS, even with RETENTION_DAYS=0 (a tenant may have days of
 * its own; a pass that finds none reads the tenants and purges nothing). A pass purges one small
 * transaction at a time, a turn of the event loop between two, until nothing is due: it never
 * holds the store (SQLite's write lock, the event loop) for long, so the engine's own commits go
 * on between its chunks. Replicas of a shared store each run their own passes; the store keeps
 * them from taking the same batch.
 *
 * Each chunk's counts go to the listeners (the metrics) as it commits; each cutoff of a pass that
 * deleted something logs one line. A pass that fails (the store is unavailable) logs a warning
 * and the next one tries again.
 */
import type { Logger } from 'pino';
import type { Tenant } from '../model/tenants.js';
import type { Purged, PurgeScope, Retention, Tenancy } from '../store/store.js';

export const DAY_MS = 86_400_000;
/** How often a pass runs. Retention is counted in whole days: a batch kept an hour longer is fine. */
export const RETENTION_INTERVAL_MS = 3_600_000;
/** Workflows (with their results and events) per purge transaction: a few ms of SQLite's write lock. */
export const PURGE_CHUNK = 500;

export interface RetentionOptions {
  store: Retention & Pick<Tenancy, 'listTenants'>;
  logger: Logger;
  /** Days a finished batch is kept unless its tenant's quota says otherwise; 0 keeps them forever. */
  days: number;
  now: () => number;
  /** @default RETENTION_INTERVAL_MS */
  intervalMs?: number;
  /** @default PURGE_CHUNK */
  chunk?: number;
}

/** One purge of a pass: the batches of the tenants in `scope` that finished before `before`. */
export interface Cutoff {
  days: number;
  before: number;
  scope: PurgeScope;
}

/**
 * Which cutoff applies to which tenant: its own `retentionDays` quota, else the server's `days`;
 * 0 keeps everything (no cutoff). One cutoff per number of days the tenants set, for those
 * tenants, shortest first; then the server's, for every tenant without days of its own (tenants
 * with no row, such as `default` with AUTH=off, included).
 */
export function cutoffs(days: number, tenants: readonly Tenant[], now: number): Cutoff[] {
  const own = new Map<number, string[]>();
  for (const tenant of tenants) {
    const d = tenant.quotas.retentionDays;
    if (d !== undefined) own.set(d, [...(own.get(d) ?? []), tenant.id]);
  }
  const result: Cutoff[] = [...own].filter(([d]) => d > 0).sort(([a], [b]) => a - b)
    .map(([d, ids]) => ({ days: d, before: now - d * DAY_MS, scope: { tenants: ids } }));
  if (days > 0) result.push({ days, before: now - days * DAY_MS, scope: { exceptTenants: [...own.values()].flat() } });
  return result;
}

const NOTHING: Purged = { batches: 0, workflows: 0, events: 0 };

export class RetentionLoop {
  readonly #o: RetentionOptions;
  readonly #listeners = new Set<(purged: Purged) => void>();
  #timer: NodeJS.Timeout | null = null;
  #pass: Promise<Purged> | null = null;
  #state: 'new' | 'running' | 'stopped' = 'new';

  constructor(options: RetentionOptions) {
    this.#o = options;
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

  /** Runs a pass now, then one every interval, until stop(). */
  start(): void {
    if (this.#state !== 'new') return;
    this.#state = 'running';
    this.#run();
  }

  /** No pass starts after this; resolves once the one running (if any) has ended its chunk. */
  async stop(): Promise<void> {
    this.#state = 'stopped';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#pass;
  }

  /**
   * One pass: reads the tenants, then purges each cutoff (cutoffs()) a chunk at a time, until
   * nothing is due or the loop stops. Returns what it deleted. A pass already running is shared.
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
    const total = { ...NOTHING };
    let tenants: Tenant[];
    try {
      tenants = await this.#o.store.listTenants();
    } catch (err) {
      this.#o.logger.warn({ err }, 'retention: purge failed; the next pass tries again');
      return total;
    }
    for (const cutoff of cutoffs(this.#o.days, tenants, this.#o.now())) {
      const { deleted, failed } = await this.#purgeTo(cutoff);
      total.batches += deleted.batches;
      total.workflows += deleted.workflows;
      total.events += deleted.events;
      if (failed) break;
    }
    return total;
  }

  /** Purges what `cutoff` makes due, a chunk at a time; `failed`: a purge failed, and the pass ends. */
  async #purgeTo({ days, before, scope }: Cutoff): Promise<{ deleted: Purged; failed: boolean }> {
    const { store, logger } = this.#o;
    const total = { ...NOTHING };
    let failed = false;
    while (this.#state !== 'stopped') {
      let purged: Purged;
      try {
        purged = await store.purgeFinished(before, this.#o.chunk ?? PURGE_CHUNK, scope);
      } catch (err) {
        logger.warn({ err }, 'retention: purge failed; the next pass tries again');
        failed = true;
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
      // The tenants are named when the days are their own; the server's days apply to every other.
      const tenants = 'tenants' in scope ? { tenants: scope.tenants } : {};
      logger.info({ ...total, retentionDays: days, ...tenants, finishedBefore: new Date(before).toISOString() }, 'retention: deleted finished batches');
    }
    return { deleted: total, failed };
  }
}
