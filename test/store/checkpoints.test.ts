/**
 * The WAL is checkpointed on a thread of its own (src/store/sqlite/checkpoints.ts): the store's
 * connection never checkpoints inside a commit, yet what it commits reaches the database file,
 * and the WAL is started over; without the thread, the connection checkpoints for itself again.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkpoints } from '../../src/store/sqlite/checkpoints.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ids = (n: number, from: number) => Array.from({ length: n }, (_, i) => `c${from + i}`);

describe('checkpoints off the event loop', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clientflow-checkpoints-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies what the store commits into the database file while the store never checkpoints in a commit', async () => {
    const path = join(dir, 'x.db');
    const store = new SqliteStore({ path, sync: 'normal' });
    try {
      const before = statSync(path).size;
      // Well past SQLite's 1,000-page automatic checkpoint, which the store's connection no longer runs.
      for (let i = 0; i < 40; i++) {
        await store.createBatch({
          clientIds: ids(500, i * 500), priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
        }, Date.now());
      }
      // Without checkpoints the file would not grow at all: every page written stays in the WAL.
      await expect.poll(() => statSync(path).size, { timeout: 10_000, interval: 20 }).toBeGreaterThan(before + 1024 * 1024);
    } finally {
      await store.close();
    }
  });

  it('has the store\'s connection truncate the WAL itself once it passes its limit', async () => {
    const path = join(dir, 'z.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    const checkpoints = new Checkpoints(db, path, { walLimit: 256 * 1024 });
    try {
      db.exec('CREATE TABLE t (x TEXT)');
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      // No commit has asked the thread for a checkpoint: nothing copies the WAL meanwhile.
      for (let i = 0; i < 200; i++) insert.run('x'.repeat(4000));
      expect(statSync(`${path}-wal`).size).toBeGreaterThan(256 * 1024);
      checkpoints.committed();
      expect(statSync(`${path}-wal`).size).toBe(0);
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(200);
    } finally {
      await checkpoints.stop();
      db.close();
    }
  });

  it('lets a process that only closes its store hear the close end (the thread is held while it stops)', async () => {
    const path = join(dir, 'w.db');
    const program = `import { SqliteStore } from './src/store/sqlite/sqlite-store.ts';
      const store = new SqliteStore({ path: ${JSON.stringify(path)} });
      await store.close();
      console.log('closed');`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: child.status, stdout: child.stdout.trim() }).toEqual({ status: 0, stdout: 'closed' });
  });

  it('gives the connection its automatic checkpoints back when the thread cannot run', async () => {
    const path = join(dir, 'y.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // The thread cannot open a file that is not there: it stops at once.
    const checkpoints = new Checkpoints(db, join(dir, 'missing.db'));
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await expect.poll(() => db.pragma('wal_autocheckpoint', { simple: true }), { timeout: 10_000, interval: 10 }).toBe(1000);
    await checkpoints.stop();
    db.close();
  });
});
