/**
 * Opening the SQLite file: the owner lock, the pragmas, the migrations. And which SQLite errors
 * mean "the store cannot commit now" (as opposed to a bug): those become StoreUnavailableError.
 */
import { close, existsSync, fdatasync, open, realpathSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import Database, { type Database as DB, type Statement } from 'better-sqlite3';
import { StoreInUseError, StoreUnavailableError } from '../errors.js';
import { newerSchema } from '../../db/schema-version.js';
import { MIGRATIONS } from './migrations.js';
import { prepareFiles } from './file-modes.js';

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
      prepareFiles(path);
      lock = lockOwner(canonical(path));
    }
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    // NORMAL either way: SQLite does not fsync at commit. With `full` the store fsyncs the WAL
    // itself, off the event loop, before it tells anyone a commit happened (wal-sync.ts).
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // 4 MB of page cache, not better-sqlite3's 16: the pages a thousand running workflows touch fit
    // in far less, the OS caches the file anyway, and the 12 MB are a service's resident memory
    // (bench case 9, 1M queued: 204–214 → 189–192 MB; case 3 unchanged, alternated).
    db.pragma('cache_size = -4000');
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

/**
 * Applies the migrations not yet applied, one transaction each; `user_version` counts them. A file
 * a newer release migrated further is refused before anything is written to it: this code would
 * misread rows it does not know.
 */
function migrate(db: DB): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) throw new Error(newerSchema(current, MIGRATIONS.length));
  // A migration that rebuilds a table (create the new one, copy, drop, rename: SQLite's documented
  // way) would have its DROP refused by the rows referring to the old one, though the copy keeps
  // every key they name. The pragma is a no-op inside a transaction, so it is set around them.
  db.pragma('foreign_keys = OFF');
  try {
    MIGRATIONS.forEach((sql, i) => {
      const version = i + 1;
      if (version <= current) return;
      db.transaction(() => {
        db.exec(sql);
        db.pragma(`user_version = ${version}`);
      })();
    });
  } finally {
    db.pragma('foreign_keys = ON');
  }
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
 * until a later transaction that changed rows commits, or a probe shows the storage takes real
 * work again (WriteProbe). (The probe's own commit does not count.)
 */
export class StorageHealth {
  readonly #totalChanges: Statement;
  /** While failing: SQLite's count of changed rows when we last looked. Healthy: not kept. */
  #changes = 0;
  #failing = false;
  /** Refused writes so far: a probe that saw one land while it checked the storage proves nothing. */
  #refusals = 0;

  constructor(db: DB) {
    this.#totalChanges = db.prepare('SELECT total_changes()').pluck();
  }

  get failing(): boolean {
    return this.#failing;
  }

  get refusals(): number {
    return this.#refusals;
  }

  /** A transaction committed: if it changed rows, the storage takes real work again. */
  committed(): void {
    if (this.#failing && (this.#totalChanges.get() as number) > this.#changes) this.#failing = false;
  }

  /** A transaction rolled back; `error` says why. Its statements' changes do not count. */
  failed(error: unknown): void {
    if (error instanceof StoreUnavailableError) {
      this.#failing = true;
      this.#refusals++;
    }
    this.skip();
  }

  /** Forget changes made since the last look (the probe's, a rolled-back group's). */
  skip(): void {
    if (this.#failing) this.#changes = this.#totalChanges.get() as number;
  }

  /** A probe that began after `refusals` refused writes found the storage takes real work again. */
  recovered(refusals: number): void {
    if (this.#refusals === refusals) this.#failing = false;
  }
}

/**
 * Free bytes the file system must have before a probe vouches for a store that refused a write:
 * more than a large group commit appends to the WAL. A full disk often has room for the probe
 * alone: SQLite reuses the WAL file from its start after a checkpoint, and free pages in the file.
 */
export const ROOM_BYTES = 1 << 20;

/** What real work needs of the storage besides a commit (a test replaces it). */
export interface StorageChecks {
  /** Bytes free for this process on the file system that holds the database. */
  free(): Promise<number>;
  /** Makes the WAL durable, as the store does after each commit with DB_SYNC=full (wal-sync.ts). */
  syncWal(): Promise<void>;
}

/** The checks on the database file `db` opened; none for an in-memory database. */
export function fileChecks(db: DB): StorageChecks | null {
  if (db.memory) return null;
  return {
    async free() {
      const { bavail, bsize } = await statfs(dirname(db.name));
      return bavail * bsize;
    },
    syncWal: () => new Promise<void>((resolve, reject) => {
      // The same call WalSync makes, on a descriptor of its own for the moment it takes.
      open(`${realpathSync(db.name)}-wal`, 'r', (error, fd) => {
        if (error) return reject(error);
        fdatasync(fd, (syncError) => close(fd, () => (syncError ? reject(syncError) : resolve())));
      });
    }),
  };
}

/**
 * Whether the store can commit now: rewrites a one-row table with a few pages of padding, so it
 * needs room the way real writes do. A turn later, so callers in the same turn share one probe;
 * in a transaction of its own, so a failing probe never takes real writes down with it.
 *
 * While the storage is failing (a write was refused), a committed probe is not enough: it can fit
 * where real work does not. It vouches for the storage only when the file system has ROOM_BYTES
 * free and the WAL syncs, as real work needs; then the store is ready again without waiting for
 * real work, which a service taken out of rotation for being unready would never get.
 */
export class WriteProbe {
  readonly #db: DB;
  readonly #closed: () => boolean;
  readonly #health: StorageHealth;
  readonly #checks: StorageChecks | null;
  readonly #write: Statement;
  #running: Promise<boolean> | null = null;

  constructor(db: DB, closed: () => boolean, health: StorageHealth, checks: StorageChecks | null = fileChecks(db)) {
    this.#db = db;
    this.#closed = closed;
    this.#health = health;
    this.#checks = checks;
    this.#write = db.prepare(`INSERT INTO store_probe (id, at, pad) VALUES (1, ?, zeroblob(8192))
      ON CONFLICT (id) DO UPDATE SET at = excluded.at, pad = excluded.pad`);
  }

  run(now: number): Promise<boolean> {
    this.#running ??= this.#probe(now).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #probe(now: number): Promise<boolean> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.#closed()) return false;
    const refusals = this.#health.refusals;
    try {
      this.#db.transaction(() => this.#write.run(now))();
    } catch {
      return false;
    }
    this.#health.skip();
    if (!this.#health.failing) return true;
    try {
      if (this.#checks && (await this.#checks.free()) < ROOM_BYTES) return false;
      await this.#checks?.syncWal();
    } catch {
      return false;
    }
    if (this.#closed()) return false;
    this.#health.recovered(refusals);
    return !this.#health.failing;
  }
}
