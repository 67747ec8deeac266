/**
 * A consistent copy of the SQLite file, taken while the server runs: `VACUUM INTO` on a
 * read-only connection of its own. It takes no owner lock (database.ts: the lock is a side file
 * only writers take) and blocks no one: in WAL mode a reader sees one snapshot, however much the
 * server commits meanwhile, and the server's commits never wait for it. The copy is compact (no
 * free pages) and self-contained (no -wal file); restoring it is copying it to DB_PATH.
 */
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createPrivateFile } from './file-modes.js';

/** Why a backup was not taken: a message for the operator, no stack. */
export class BackupRefusedError extends Error {
  override name = 'BackupRefusedError';
}

export interface BackupResult {
  /** The file written. */
  file: string;
  bytes: number;
  /** What the copy holds, read back from it. */
  batches: number;
  workflows: number;
}

/** Copies the database at `path` to `file`, which must not exist yet; reads the copy back. */
export function backupSqlite(path: string, file: string): BackupResult {
  if (path === ':memory:') throw new BackupRefusedError('DB_PATH is ":memory:": nothing is stored, so there is nothing to back up');
  if (!existsSync(path)) throw new BackupRefusedError(`no database at DB_PATH=${path}`);
  if (existsSync(file)) throw new BackupRefusedError(`${file} already exists: a backup never overwrites a file`);
  // VACUUM INTO writes into an empty file as it finds it: created 0600 first (SQLite would make it 0644).
  createPrivateFile(file);
  const source = new Database(path, { readonly: true, fileMustExist: true });
  try {
    // A checkpoint or a commit may hold the WAL index for a moment.
    source.pragma('busy_timeout = 5000');
    source.prepare('VACUUM INTO ?').run(file);
  } finally {
    source.close();
  }
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) => copy.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    return { file, bytes: statSync(file).size, batches: count('batches'), workflows: count('workflows') };
  } finally {
    copy.close();
  }
}
