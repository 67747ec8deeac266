/**
 * Checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
 * passes 1,000 WAL pages, on the committing connection: it copies those pages into the database
 * file and fsyncs the WAL and the file, three fsyncs and about a thousand page writes during
 * which the event loop stands still (every third or fourth group commit under load). Here the
 * store's connection checkpoints never; a thread with a connection of its own
 * (checkpoint-thread.ts) runs a PASSIVE checkpoint when asked, at most every INTERVAL_MS while
 * commits happen. Durability is SQLite's own WAL protocol either way: a checkpoint only copies
 * frames already in the WAL, and no frame is reused before it is copied and synced.
 *
 * A checkpoint on another connection starts the WAL over only if it copied every frame before
 * the store's next write, so under sustained writes the WAL file grows (31 MB by the end of
 * bench case 3, against 4 MB with SQLite's own checkpoints). Past WAL_LIMIT the store's
 * connection checkpoints and truncates it itself: a short stop (the thread has copied nearly
 * everything already), rare (every 25 s or so at case 3's pace). If the thread stops unasked,
 * the connection checkpoints for itself again, as by default. So the WAL never grows without bound.
 */
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Database as DB } from 'better-sqlite3';

/** A commit asks for a checkpoint at most this often: about 300 pages of WAL at case 3's pace. */
const INTERVAL_MS = 50;

/** SQLite's default: a commit that passes this many WAL pages checkpoints (the fallback). */
const AUTO_PAGES = 1000;

/** The WAL file's size past which the store's own connection checkpoints and truncates it. */
export const WAL_LIMIT = 64 * 1024 * 1024;

export class Checkpoints {
  readonly #db: DB;
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  readonly #walPath: string;
  readonly #walLimit: number;
  #running = true;
  #lastAsked = 0;

  /** Starts the thread for the database file at `path`, open in `db` (the store's connection). */
  constructor(db: DB, path: string, { walLimit = WAL_LIMIT }: { walLimit?: number } = {}) {
    this.#db = db;
    this.#walPath = `${path}-wal`;
    this.#walLimit = walLimit;
    const file = import.meta.url.endsWith('.ts') ? './checkpoint-thread.mjs' : './checkpoint-thread.js';
    this.#worker = new Worker(new URL(file, import.meta.url), { workerData: { path } });
    // It must not keep a process alive that is done with the store.
    this.#worker.unref();
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => {
      this.#fallBack();
      resolve();
    }));
    this.#worker.on('error', () => this.#fallBack());
    db.pragma('wal_autocheckpoint = 0');
  }

  /** A commit happened: ask for a checkpoint unless one was asked for within INTERVAL_MS. */
  committed(now = Date.now()): void {
    if (!this.#running || now - this.#lastAsked < INTERVAL_MS) return;
    this.#lastAsked = now;
    if (walSize(this.#walPath) <= this.#walLimit) return this.#worker.postMessage('checkpoint');
    try {
      this.#db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // The storage refused (a full disk): the commits see it; the next interval tries again.
    }
  }

  /** Ends the thread (after the checkpoint it is running): before the store's connection closes. */
  async stop(): Promise<void> {
    if (this.#running) {
      this.#running = false;
      this.#worker.postMessage('stop');
    }
    // Held while waiting: otherwise a process with nothing else to do would end before hearing of the exit.
    this.#worker.ref();
    await this.#exited;
  }

  /** Without the thread, the store's connection checkpoints as SQLite does by default. */
  #fallBack(): void {
    if (!this.#running) return;
    this.#running = false;
    if (this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${AUTO_PAGES}`);
  }
}

function walSize(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}
