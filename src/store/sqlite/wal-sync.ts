/**
 * Durability off the event loop. With DB_SYNC=full, SQLite runs `synchronous = NORMAL` (a commit
 * writes its WAL frames to the OS, no fsync) and this class fsyncs the WAL file itself, on libuv's
 * thread pool, after each commit. Callers are told "committed" only once the fsync that followed
 * their commit has returned: the same promise `synchronous = FULL` keeps, without the event loop
 * standing still for the disk. Meanwhile the next group fills and commits: one fsync in flight,
 * and every commit made while it runs shares the next one.
 *
 * Why this is as durable as FULL: an fsync makes every byte written to the file before it started
 * durable, and a commit's frames are written (to the OS) before `after()` is called. WAL frames
 * carry checksums salted by the WAL header, so a crash mid-write leaves the database consistent
 * (that is NORMAL's own guarantee); a checkpoint syncs the WAL before it copies frames, as always.
 *
 * What differs: between the commit and its fsync (about a millisecond), a read may see a change
 * that a power loss (not a process crash: the OS has the bytes) could still undo. Nothing acts on
 * it before the fsync: no caller resumes, no event is published, no 202 is sent.
 */
import { closeSync, fdatasync, openSync } from 'node:fs';
import { StoreUnavailableError } from '../errors.js';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class WalSync {
  readonly #path: string | null;
  #fd: number | null = null;
  /** Waiting for the next fsync (their commits happened after the one in flight began). */
  #next: Waiter[] = [];
  #inFlight = false;
  #idle: Array<() => void> = [];

  /** `walPath` null: nothing to sync (DB_SYNC=normal, or an in-memory database). */
  constructor(walPath: string | null) {
    this.#path = walPath;
  }

  /** Resolves once everything committed before the call is durable. */
  after(): Promise<void> {
    if (this.#path === null) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#next.push({ resolve, reject });
      if (!this.#inFlight) this.#start();
    });
  }

  /** Resolves when no fsync is in flight or waiting: before the file is closed. */
  idle(): Promise<void> {
    return this.busy() ?? Promise.resolve();
  }

  /** While an fsync is in flight: a promise of its end (and of any that queued behind it). */
  busy(): Promise<void> | null {
    if (!this.#inFlight) return null;
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  #start(): void {
    const round = this.#next;
    this.#next = [];
    this.#inFlight = true;
    const done = (error: unknown) => {
      for (const w of round) {
        if (error) w.reject(error);
        else w.resolve();
      }
      if (this.#next.length > 0) return this.#start();
      this.#inFlight = false;
      for (const fn of this.#idle.splice(0)) fn();
    };
    let fd: number;
    try {
      // Opened at the first sync: by then a commit has created the WAL file. SQLite keeps that
      // file (and so its inode) for as long as its connection is open; a checkpoint rewrites it in place.
      fd = this.#fd ??= openSync(this.#path!, 'r');
    } catch (error) {
      return done(unavailable(error));
    }
    fdatasync(fd, (error) => done(error ? unavailable(error) : null));
  }
}

function unavailable(error: unknown): StoreUnavailableError {
  const code = (error as { code?: string }).code ?? 'EIO';
  return new StoreUnavailableError(`the store could not make its commit durable: ${code}`, { cause: error });
}
