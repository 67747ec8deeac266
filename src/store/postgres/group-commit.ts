/**
 * Group commit on PostgreSQL: a runner's writes queued while the previous group commits run
 * together in one transaction, so a thousand transitions share one commit and a handful of
 * statements. The group locks every workflow row it writes first, in key order (as every
 * transaction here locks them, so groups and cancels on several replicas queue up instead of
 * deadlocking) and reads their leases; each write then decides in memory (ops/record.ts) and is
 * refused alone if its lease is gone; workflow-rows.ts writes what they planned, all at once.
 */
import type pg from 'pg';
import type { EngineEvent } from '../../model/events.js';
import { transaction, type TransactionOptions, type Tx } from './transaction.js';

interface Pending {
  /** Plans the write (it asks only for what the group locked: no I/O); throws a refusal when its lease is gone. */
  write: (tx: Tx) => Promise<unknown>;
  /** The workflow row the write changes. */
  seq: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface GroupHooks {
  /** A write that throws one of these planned nothing: it is rejected alone and the group goes on. */
  isRefusal: (error: unknown) => boolean;
  /** The group committed: publish its events (before its callers hear of it). */
  committed: (events: EngineEvent[]) => void;
  /** The group failed as a whole, with why. */
  failed: (error: unknown) => void;
  /** Where the group's notices go (transaction.ts). */
  notify: TransactionOptions['notify'];
}

/**
 * Groups committing at once, each on its own connection. Their workflow rows never overlap (a
 * runner waits for each write before the next), so they meet only at the batch rows, which they
 * lock in the same order. Two measured no faster than one here (20,000 zero-delay workflows,
 * alternated runs: 1,297–1,489 wf/s with one, 1,253–1,350 with two, and more server CPU per
 * workflow: the second group waits for the batch row the first holds), so one commits while the
 * next fills. A database farther away (more latency per statement) may want two.
 */
const IN_FLIGHT = 1;

export class GroupCommit {
  readonly #pool: pg.Pool;
  readonly #hooks: GroupHooks;
  #queue: Pending[] = [];
  readonly #running = new Set<Promise<void>>();
  #scheduled = false;

  constructor(pool: pg.Pool, hooks: GroupHooks) {
    this.#pool = pool;
    this.#hooks = hooks;
  }

  run<T>(seq: number, write: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ seq, write, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  /** Resolves once every write queued so far has committed or failed. */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || this.#queue.length > 0) {
      this.#start();
      await Promise.all(this.#running);
    }
  }

  /** Starts a group a turn later (the writes of this turn join it), if a connection is free for it. */
  #schedule(): void {
    if (this.#scheduled || this.#running.size >= IN_FLIGHT) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#start();
    });
  }

  #start(): void {
    if (this.#running.size >= IN_FLIGHT || this.#queue.length === 0) return;
    const group = this.#queue;
    this.#queue = [];
    const running: Promise<void> = this.#commit(group).finally(() => {
      this.#running.delete(running);
      // The writes that queued meanwhile form the next group.
      if (this.#queue.length > 0) this.#schedule();
    });
    this.#running.add(running);
  }

  async #commit(group: Pending[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    let events: EngineEvent[];
    try {
      ({ events } = await transaction(this.#pool, async (tx) => {
        await tx.lockWorkflows(group.map((p) => p.seq));
        for (const item of group) {
          try {
            outcomes.push({ ok: true, value: await item.write(tx) });
          } catch (error) {
            if (!this.#hooks.isRefusal(error)) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      }, { rerun: false, notify: this.#hooks.notify }));
    } catch (error) {
      // Nothing in the group stands: the state machine already changed the claims' objects, so
      // running it again is not an option; the callers hear why.
      this.#hooks.failed(error);
      for (const item of group) item.reject(error);
      return;
    }
    this.#hooks.committed(events);
    group.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
