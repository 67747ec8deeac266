/**
 * Opening the SQLite file: the owner lock, the pragmas, the migrations. And which SQLite errors
 * mean "the store cannot commit now" (as opposed to a bug): those become StoreUnavailableError.
 */
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database, { type Database as DB, type Statement } from 'better-sqlite3';
import { StoreInUseError, StoreUnavailableError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';

export interface OpenedDatabase {
  db: DB;
  /** The connection holding the owner lock; null for ":memory:", which no other process can open. */
  lock: DB | null;
  /** The WAL file the store fsyncs after each commit (wal-sync.ts); null when nothing is synced. */
  walPath: string | null;
}

/**
 * Opens (creating if needed) and migrates the database at `path`, after taking its owner lock.
 * StoreInUseError when another process holds it; StoreUnavailableError, with one line saying why,
 * when it cannot be opened or written.
 */
export function openDatabase(path: string, sync: 'full' | 'normal'): OpenedDatabase {
  let lock: DB | null = null;
  let db: DB | null = null;
  try {
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true });
      lock = lockOwner(canonical(path));
    }
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    // NORMAL either way: SQLite does not fsync at commit. With `full` the store fsyncs the WAL
    // itself, off the event loop, before it tells anyone a commit happened (wal-sync.ts).
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    const walPath = sync === 'full' && path !== ':memory:' ? `${realpathSync(path)}-wal` : null;
    return { db, lock, walPath };
  } catch (error) {
    db?.close();
    lock?.close();
    if (error instanceof StoreInUseError) throw error;
    throw new StoreUnavailableError(`cannot open the database at ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * One name per file, however it is reached: a symlinked directory or file resolves to the same
 * lock. (A hard link to the database is a second name SQLite itself cannot tell apart: not supported.)
 */
function canonical(path: string): string {
  return existsSync(path) ? realpathSync(path) : join(realpathSync(dirname(path)), basename(path));
}

/**
 * Takes the owner lock: an exclusive transaction on a small side database, opened and never
 * ended. SQLite's lock is an OS file lock, so the kernel releases it when the process dies,
 * however it dies (SIGKILL included); a stopped (SIGSTOP) process keeps it, and rightly: it still
 * owns its running workflows. Readers (a backup, the sqlite3 shell) are not blocked.
 */
function lockOwner(path: string): DB {
  const lock = new Database(`${path}-lock`, { timeout: 0 });
  try {
    lock.pragma('journal_mode = MEMORY');
    lock.exec('BEGIN EXCLUSIVE');
    return lock;
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new StoreInUseError(`the database at ${path} is in use by another process`);
    }
    throw error;
  }
}

/** Applies the migrations not yet applied, one transaction each; `user_version` counts them. */
function migrate(db: DB): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  MIGRATIONS.forEach((sql, i) => {
    const version = i + 1;
    if (version <= current) return;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  });
}

/** SQLite result codes that mean the storage failed, not the statement: the write may work later. */
const UNAVAILABLE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|PROTOCOL|NOMEM|PERM)/;

/** A failed commit as callers should see it: a storage failure is StoreUnavailableError; a bug stays itself. */
export function asStoreError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE.test(code)) {
    return new StoreUnavailableError(`the store could not commit: ${code}`, { cause: error });
  }
  return error;
}

/**
 * Whether real writes commit: failing from a write the storage refused (StoreUnavailableError)
 * until a later transaction that changed rows commits. (The probe's own commit does not count.)
 */
export class StorageHealth {
  readonly #totalChanges: Statement;
  /** While failing: SQLite's count of changed rows when we last looked. Healthy: not kept. */
  #changes = 0;
  #failing = false;

  constructor(db: DB) {
    this.#totalChanges = db.prepare('SELECT total_changes()').pluck();
  }

  get failing(): boolean {
    return this.#failing;
  }

  /** A transaction committed: if it changed rows, the storage takes real work again. */
  committed(): void {
    if (this.#failing && (this.#totalChanges.get() as number) > this.#changes) this.#failing = false;
  }

  /** A transaction rolled back; `error` says why. Its statements' changes do not count. */
  failed(error: unknown): void {
    if (error instanceof StoreUnavailableError) this.#failing = true;
    this.skip();
  }

  /** Forget changes made since the last look (the probe's, a rolled-back group's). */
  skip(): void {
    if (this.#failing) this.#changes = this.#totalChanges.get() as number;
  }
}

/**
 * Whether the store can commit now: rewrites a one-row table with a few pages of padding, so it
 * needs room the way real writes do. A turn later, so callers in the same turn share one probe;
 * in a transaction of its own, so a failing probe never takes real writes down with it.
 */
export class WriteProbe {
  readonly #db: DB;
  readonly #closed: () => boolean;
  readonly #health: StorageHealth;
  readonly #write: Statement;
  #running: Promise<boolean> | null = null;

  constructor(db: DB, closed: () => boolean, health: StorageHealth) {
    this.#db = db;
    this.#closed = closed;
    this.#health = health;
    this.#write = db.prepare(`INSERT INTO store_probe (id, at, pad) VALUES (1, ?, zeroblob(8192))
      ON CONFLICT (id) DO UPDATE SET at = excluded.at, pad = excluded.pad`);
  }

  run(now: number): Promise<boolean> {
    this.#running ??= new Promise<boolean>((resolve) => {
      setImmediate(() => {
        this.#running = null;
        if (this.#closed()) return resolve(false);
        try {
          this.#db.transaction(() => this.#write.run(now))();
          this.#health.skip();
          // A small probe can fit where real work does not (a full disk with slack left in the
          // WAL): after a refused write, the store is ready again only once real work commits.
          resolve(!this.#health.failing);
        } catch {
          resolve(false);
        }
      });
    });
    return this.#running;
  }
}
