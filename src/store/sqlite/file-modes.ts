/**
 * The SQLite files hold every tenant's results: readable by the service's user only. SQLite
 * creates a database 0644 (less the umask) and gives its -wal and -shm files the database file's
 * mode, so the store creates the file itself, 0600, before SQLite opens it; a file an older
 * release created is narrowed to 0600 at start, with whatever -wal, -shm and -lock it left.
 * A directory the store creates is 0700; an existing one is the operator's and left as it is.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** The side files SQLite (and the owner lock) keep beside a database. */
const SIDES = ['', '-wal', '-shm', '-lock', '-lock-journal'];

/**
 * Makes the directory (0700) and the database file and its owner lock (0600) if missing; narrows
 * those that exist. Side files sit beside the real file when `path` is a symlink.
 */
export function prepareFiles(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: DIR_MODE });
  // 'a' creates without truncating; 0600 holds whatever the umask.
  closeSync(openSync(path, 'a', FILE_MODE));
  const real = realpathSync(path);
  for (const side of SIDES) {
    const file = `${real}${side}`;
    if (existsSync(file)) chmodSync(file, FILE_MODE);
  }
  closeSync(openSync(`${real}-lock`, 'a', FILE_MODE));
}

/** Creates `file` empty, 0600, failing if it exists: a backup is written into it, never over another file. */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'wx', FILE_MODE));
}
