/**
 * The SQLite files hold every tenant's results (src/store/sqlite/file-modes.ts): the database,
 * its WAL, shared memory and owner lock, and a backup, are 0600; a directory the store makes is
 * 0700. Checked under a umask that would leave them readable by every local user.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../src/store/sqlite/database.js';
import { backupSqlite } from '../../src/store/sqlite/backup.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

let dir: string;
let opened: OpenedDatabase | undefined;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clientflow-modes-'));
  umask = process.umask(0o022);
});
afterEach(() => {
  opened?.db.close();
  opened?.lock?.close();
  opened = undefined;
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

describe('SQLite file modes', () => {
  it('creates the directory 0700 and the database, WAL, shared memory and lock 0600', () => {
    const path = join(dir, 'data', 'clientflow.db');
    opened = openDatabase(path, 'full');
    opened.db.exec('CREATE TABLE modes_probe (x); INSERT INTO modes_probe VALUES (1)');
    expect(modeOf(join(dir, 'data'))).toBe(0o700);
    for (const side of ['', '-wal', '-shm', '-lock']) {
      expect(existsSync(`${path}${side}`), side).toBe(true);
      expect(modeOf(`${path}${side}`), side || 'database').toBe(0o600);
    }
  });

  it('narrows the files an older release left readable to 0600, and leaves an existing directory alone', () => {
    const path = join(dir, 'old.db');
    chmodSync(dir, 0o755);
    for (const side of ['', '-lock']) {
      writeFileSync(`${path}${side}`, '');
      chmodSync(`${path}${side}`, 0o644);
    }
    opened = openDatabase(path, 'full');
    expect(modeOf(path)).toBe(0o600);
    expect(modeOf(`${path}-lock`)).toBe(0o600);
    expect(modeOf(dir)).toBe(0o755);
  });

  it('writes a backup 0600, and still never over an existing file', () => {
    const path = join(dir, 'live.db');
    opened = openDatabase(path, 'full');
    const file = join(dir, 'copy.db');
    expect(backupSqlite(path, file).file).toBe(file);
    expect(modeOf(file)).toBe(0o600);
    expect(() => backupSqlite(path, file)).toThrow(/already exists/);
  });
});
