/**
 * Group commit: writes queued during one turn of the event loop run together in one transaction
 * on the next turn, so a thousand stage transitions cost one fsync instead of a thousand. Each
 * caller's promise settles when the transaction holding its write has committed.
 */
import type { Database } from 'better-sqlite3';

interface Pending<T> {
  write: () => T;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  readonly #db: Database;
  #queue: Array<Pending<unknown>> = [];
  #scheduled = false;

  constructor(db: Database) {
    this.#db = db;
  }

  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ write, resolve, reject } as Pending<unknown>);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Commits everything queued now. Each write runs in its own savepoint, so one that fails (a
   * lost lease, say) is rolled back and rejected alone; the others still commit together.
   * Also called before reads that must see every queued write, and before close.
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
            outcomes.push({ ok: true, value: this.#db.transaction(item.write)() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing in the group was written.
      for (const item of group) item.reject(error);
      return;
    }
    group.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
