/**
 * `clientflow backup FILE`. SQLite: a consistent copy of DB_PATH in FILE, taken while the server
 * runs (store/sqlite/backup.ts); it prints what it wrote. PostgreSQL: writes nothing and prints the
 * pg_dump command for DATABASE_URL and DB_SCHEMA (the password not shown) and the pg_restore one.
 */
import { loadConfig } from '../config.js';
import { backupSqlite } from '../store/sqlite/backup.js';

export async function backup(file: string, env: Record<string, string | undefined>, out: { write(text: string): unknown }): Promise<number> {
  const config = loadConfig(env);
  if (config.DATABASE_URL) {
    out.write(pgDumpAdvice(config.DATABASE_URL, config.DB_SCHEMA, file));
    return 0;
  }
  const result = backupSqlite(config.DB_PATH, file);
  out.write(`clientflow backup: wrote ${result.file} (${formatBytes(result.bytes)}: ${result.batches} batches, ${result.workflows} workflows) from ${config.DB_PATH}\n`);
  return 0;
}

/** The commands for a PostgreSQL store: the URL without its password, which is given apart. */
export function pgDumpAdvice(url: string, schema: string, file: string): string {
  const u = new URL(url);
  const hadPassword = u.password !== '';
  u.password = '';
  const db = shellQuote(u.toString());
  return [
    'clientflow backup: the store is PostgreSQL (DATABASE_URL): nothing was written. Back it up with pg_dump:',
    '',
    `  pg_dump --format=custom --schema=${shellQuote(schema)} --file=${shellQuote(file)} ${db}`,
    '',
    'and restore it into an empty database, with the service stopped:',
    '',
    `  pg_restore --no-owner --dbname=${db} ${shellQuote(file)}`,
    '',
    ...(hadPassword ? ['The password of DATABASE_URL is not shown: give it in PGPASSWORD or ~/.pgpass.', ''] : []),
  ].join('\n');
}

/** A word the shell reads as it is: single-quoted unless it is plain. */
function shellQuote(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
