/**
 * The WAL's checkpoints, on a thread and a connection of their own (checkpoints.ts starts it).
 * Each message asks for one PASSIVE checkpoint: it copies what the WAL holds into the database
 * file, fsyncing the WAL before and the file after, as SQLite's own automatic checkpoint does
 * at a commit; it never blocks the store's writes, and the store's next write starts the WAL
 * over once every frame is copied. A checkpoint that fails (a full disk) is tried again at the
 * next message; a "stop" message closes the connection and ends the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const port = parentPort!;
const db = new Database((workerData as { path: string }).path, { fileMustExist: true });
// This connection never writes: only the checkpoints asked of it.
db.pragma('wal_autocheckpoint = 0');

port.on('message', (message: 'checkpoint' | 'stop') => {
  if (message === 'stop') {
    db.close();
    port.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // The storage refused (full, I/O error): the store sees that at its own commits; try again next time.
  }
});
