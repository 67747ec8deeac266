/**
 * Group commit: writes queued during one turn of the event loop run together in one transaction
 * on the next turn, so a thousand stage transitions cost one fsync instead of a thousand. Each
 * caller's promise settles when the transaction holding its write has committed durably.
 */
import type { Database } from 'better-sqlite3';
import { asStoreError } from './database.js';

interface Pending<T> {
  write: () => T;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
  /** Settle when the group is durable (else as soon as it commits). */
  durable: boolean;
  /** Called as the group commits, before it is durable; must not throw (it runs inside the flush). */
  onCommit: (() => void) | undefined;
  /** May commit while an fsync is in flight (see run). */
  eager: boolean;
}

export interface GroupHooks {
  /**
   * A promise while commits should wait (an fsync is in flight): the group keeps filling until it
   * resolves, then commits everything at once. One group committing, one filling.
   */
  pending?: () => Promise<void> | null;
  /**
   * A write that throws one of these wrote nothing (it checks before it writes): it is rejected
   * alone and the rest of the group still commits. Any other error rolls the whole group back.
   */
  isRefusal?: (error: unknown) => boolean;
  /** Runs last inside the transaction: work the group's writes accumulated (batch counters). */
  beforeCommit?: () => void;
  /** Runs when the group was rolled back, with why: drop what the writes accumulated. */
  onRollback?: (error: unknown) => void;
  /**
   * Runs once the group committed; callers' promises settle when what it returns resolves (the
   * commit is durable and its events are published), or reject with its error.
   */
  afterCommit?: () => Promise<void>;
}

export class GroupCommit {
  readonly #db: Database;
  readonly #hooks: GroupHooks;
  #queue: Array<Pending<unknown>> = [];
  #scheduled = false;

  constructor(db: Database, hooks: GroupHooks = {}) {
    this.#db = db;
    this.#hooks = hooks;
  }

  /**
   * Queues `write` for the next group. Its promise settles once the group is durable; with
   * `durable: false`, as soon as it has committed (for a write whose loss in a power cut undoes
   * nothing anyone acted on durably: a claim, whose first durable consequence is a later write).
   * `onCommit` is told as soon as the group has committed, durable or not: work may be claimed
   * from it then (claims are not durable either). A group of `eager` writes only (with `durable:
   * false`) commits at once rather than after the fsync in flight: fewer writes share that
   * commit, for one that someone waits on with nothing else to do.
   */
  run<T>(write: () => T, { durable = true, onCommit, eager = false }: { durable?: boolean; onCommit?: () => void; eager?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ write, resolve, reject, durable, onCommit, eager: eager && !durable } as Pending<unknown>);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flushWhenReady());
      }
    });
  }

  #flushWhenReady(): void {
    if (!this.#scheduled) return;
    // A group of eager claims only answers at its commit: waiting for an fsync it does not need
    // would only delay a stage's start (a POST into an idle engine would wait for its batch's fsync).
    const pending = this.#queue.every((item) => item.eager) ? null : this.#hooks.pending?.();
    // A turn after the fsync returns, so the writes of the callers it resumed join this group.
    if (pending) void pending.then(() => setImmediate(() => this.#flushWhenReady()));
    else this.flush();
  }

  /**
   * Commits everything queued now. Also called before reads that must see every queued write,
   * and before close.
   */
  flush(): void {
    this.#scheduled = false;
    const group = this.#queue;
    if (group.length === 0) return;
    this.#queue = [];
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.#db.transaction(() => {
        for (const item of group) {
          try {
            outcomes.push({ ok: true, value: item.write() });
          } catch (error) {
            if (!this.#hooks.isRefusal?.(error)) throw error;
            outcomes.push({ ok: false, error });
          }
        }
        this.#hooks.beforeCommit?.();
      })();
    } catch (error) {
      // A write or the commit itself failed (disk full, I/O error): nothing in the group stands.
      const failure = asStoreError(error);
      this.#hooks.onRollback?.(failure);
      for (const item of group) item.reject(failure);
      return;
    }
    const settle = (durable: boolean) => group.forEach((item, i) => {
      if (item.durable !== durable) return;
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
    const done = this.#hooks.afterCommit?.() ?? Promise.resolve();
    for (const item of group) item.onCommit?.();
    settle(false);
    void done.then(() => settle(true), (error: unknown) => {
      for (const item of group) if (item.durable) item.reject(error);
    });
  }
}
