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

  /** Commits everything queued now. Also called before close so nothing queued is dropped. */
  flush(): void {
    this.#scheduled = false;
    const group = this.#queue;
    if (group.length === 0) return;
    this.#queue = [];
    const results: unknown[] = [];
    try {
      this.#db.transaction(() => {
        for (const item of group) results.push(item.write());
      })();
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    }
    group.forEach((item, i) => item.resolve(results[i]));
  }
}
