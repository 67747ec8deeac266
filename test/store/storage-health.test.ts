/**
 * Readiness of the SQLite store after a refused write (src/store/sqlite/database.ts): the write
 * probe says ready again as soon as the storage takes real work, without waiting for real work;
 * a probe that only fits where real work does not (a full disk with slack in the files) is not
 * believed. The disk is filled for real (max_page_count: SQLite answers SQLITE_FULL, as on a full
 * disk); the file system's free space and the WAL's sync are answered by the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/errors.js';
import {
  ROOM_BYTES, StorageHealth, WriteProbe, asStoreError, fileChecks, openDatabase, type OpenedDatabase, type StorageChecks,
} from '../../src/store/sqlite/database.js';
import { deferred } from '../helpers.js';

let dir: string;
let opened: OpenedDatabase;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clientflow-health-'));
  opened = openDatabase(join(dir, 'x.db'), 'full');
  opened.db.exec('CREATE TABLE work (data BLOB)');
});
afterEach(() => {
  opened.db.close();
  opened.lock?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The file system as the test says it is: `free` bytes left, the WAL syncing or failing with `syncError`. */
function disk(): StorageChecks & { freeBytes: number; syncError: Error | null; syncs: number } {
  return {
    freeBytes: ROOM_BYTES * 4, syncError: null, syncs: 0,
    async free() {
      return this.freeBytes;
    },
    async syncWal() {
      this.syncs++;
      if (this.syncError) throw this.syncError;
    },
  };
}

/** A real write, as a group commit makes it; a refusal is reported to `health` as the store does. */
function realWrite(health: StorageHealth): void {
  const { db } = opened;
  try {
    db.transaction(() => db.prepare('INSERT INTO work VALUES (zeroblob(65536))').run())();
    health.committed();
  } catch (error) {
    const failure = asStoreError(error);
    health.failed(failure);
    throw failure;
  }
}

/**
 * A few pages left: room for the probe's rewrite of its row, none for real work (64 KiB). SQLite
 * refuses a write that needs more with SQLITE_FULL, as on a full disk with slack left in its files.
 */
function fillDisk(): void {
  const { db } = opened;
  db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 6}`);
}

function freeDisk(): void {
  opened.db.pragma('max_page_count = 1073741823');
}

const probeAt = () => opened.db.prepare('SELECT at FROM store_probe').pluck().get();

describe('SQLite readiness after a refused write', () => {
  it('is ready again at the first probe once the disk has room, with no real write in between', async () => {
    const health = new StorageHealth(opened.db);
    const storage = disk();
    const probe = new WriteProbe(opened.db, () => false, health, storage);
    expect(await probe.run(1)).toBe(true);
    expect(storage.syncs).toBe(0);

    fillDisk();
    storage.freeBytes = 0;
    expect(() => realWrite(health)).toThrow(StoreUnavailableError);
    // The probe rewrites its own pages, so it fits where real work does not: it commits, but a
    // disk with no room left is not ready.
    expect(await probe.run(2)).toBe(false);
    expect(probeAt()).toBe(2);
    expect(() => realWrite(health)).toThrow(StoreUnavailableError);

    freeDisk();
    storage.freeBytes = ROOM_BYTES;
    expect(await probe.run(3)).toBe(true);
    expect(storage.syncs).toBe(1);
    // Healthy again: the probe is its small commit only.
    expect(await probe.run(4)).toBe(true);
    expect(storage.syncs).toBe(1);
    realWrite(health);
  });

  it('stays unready while the WAL does not sync, though the probe commits', async () => {
    const health = new StorageHealth(opened.db);
    const storage = disk();
    const probe = new WriteProbe(opened.db, () => false, health, storage);
    health.failed(new StoreUnavailableError('the store could not make its commit durable: EIO'));
    storage.syncError = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    expect(await probe.run(1)).toBe(false);
    expect(probeAt()).toBe(1);
    storage.syncError = null;
    expect(await probe.run(2)).toBe(true);
  });

  it('proves nothing when a real write is refused while the probe checks the disk', async () => {
    const health = new StorageHealth(opened.db);
    const storage = disk();
    const answer = deferred<number>();
    const probe = new WriteProbe(opened.db, () => false, health, { ...storage, free: () => answer.promise });
    health.failed(new StoreUnavailableError('the store could not commit: SQLITE_FULL'));
    const first = probe.run(1);
    // Callers meanwhile share the probe in flight.
    expect(probe.run(1)).toBe(first);
    await new Promise((resolve) => setImmediate(resolve));
    health.failed(new StoreUnavailableError('the store could not commit: SQLITE_FULL'));
    answer.resolve(ROOM_BYTES);
    expect(await first).toBe(false);
    expect(health.failing).toBe(true);
  });

  it('reads the real file system: free space, and a sync of the WAL the store writes', async () => {
    const checks = fileChecks(opened.db)!;
    expect(await checks.free()).toBeGreaterThan(0);
    realWrite(new StorageHealth(opened.db));
    await expect(checks.syncWal()).resolves.toBeUndefined();
    const memory = openDatabase(':memory:', 'full');
    expect(fileChecks(memory.db)).toBeNull();
    memory.db.close();
  });
});
