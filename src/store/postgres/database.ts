/**
 * The PostgreSQL connection: a pool of `pg` clients, migrations applied at start under an
 * advisory lock, and which errors mean "the store is unavailable" (503) rather than a bug.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { StoreUnavailableError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';

/** Any number, the same in every replica: the advisory lock key that serialises migrations. */
const MIGRATION_LOCK = 0x636c6677; // "clfw"

/** bigint columns (epoch ms, keys, sums) read as JS numbers: every value this store keeps is far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * A pool whose connections work in `schema` (tests give each store a schema of its own). A
 * session that sits in a transaction without sending anything for `idleInTransactionMs` is ended
 * by the server: this store never pauses inside a transaction, so that is a frozen process (a VM
 * pause, SIGSTOP) holding row locks every other replica is waiting for.
 */
export function openPool(url: string, schema: string, max: number, idleInTransactionMs: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url, max, types, connectionTimeoutMillis: 10_000,
    options: `-c search_path=${quoteIdent(schema)} -c idle_in_transaction_session_timeout=${Math.round(idleInTransactionMs)}`,
  });
  // An idle client whose connection dropped (a server restart): the pool replaces it; without a
  // listener the error would crash the process.
  pool.on('error', () => {});
  return pool;
}

/** Applies the migrations not applied yet, one transaction each, under the migration lock. */
export async function migrate(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`).catch(ignoreRace);
    await applyMigrations(client, MIGRATION_LOCK, MIGRATIONS, async () => {
      await client.query(`CREATE TABLE IF NOT EXISTS clientflow_migrations (
        version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM clientflow_migrations');
      return rows[0]?.v ?? 0;
    }, (v) => client.query('INSERT INTO clientflow_migrations (version) VALUES ($1)', [v]));
  } finally {
    client.release();
  }
}

/**
 * Runs `steps` after the last one `applied` reports, each with its `record` in one transaction,
 * under the session advisory lock `lock`, so processes starting together take turns. `applied`
 * runs under the lock too (it may create what records the versions).
 */
export async function applyMigrations(
  client: pg.PoolClient, lock: number, steps: readonly string[],
  applied: () => Promise<number>, record: (version: number) => Promise<unknown>,
): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [lock]);
  try {
    for (let v = (await applied()) + 1; v <= steps.length; v++) {
      await client.query('BEGIN');
      try {
        await client.query(steps[v - 1]!);
        await record(v);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [lock]);
  }
}

/** Two replicas creating the schema at once: one of them sees a unique violation; the schema exists. */
function ignoreRace(error: unknown): void {
  if ((error as { code?: string }).code !== '23505') throw error;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * SQLSTATE classes that say the database cannot take work now, not that a statement is wrong:
 * 08 connection exceptions, 25P03 the session ended idle in a transaction (this process was
 * frozen), 53 insufficient resources (disk full, out of memory, too many connections), 57 operator
 * intervention (shutdown, cancel), 58 system errors (I/O); and Node's
 * socket errors when the server is gone.
 */
const UNAVAILABLE_STATE = /^(08|25P03|53|57|58)/;
const UNAVAILABLE_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH']);

export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNAVAILABLE_STATE.test(code) || UNAVAILABLE_SOCKET.has(code))) return true;
  // pg's own errors when a connection ends or cannot be had in time carry no code.
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message);
}

/** A database error as the store reports it: unavailability as StoreUnavailableError, the rest as is. */
export function asStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  const code = (error as { code?: unknown }).code;
  return new StoreUnavailableError(`the store could not commit: ${typeof code === 'string' ? code : 'connection lost'}`, { cause: error });
}

/** Deadlock (40P01) or serialization failure (40001): the transaction did nothing and may run again. */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

/** What runs a query: the pool (reads, `prepared`) or a transaction (transaction.ts). */
export interface Queryable {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** Statement names by text: every statement here is a fixed text, prepared once per connection. */
const names = new Map<string, string>();

/**
 * A query as a named prepared statement: each connection parses and plans it once, then runs it
 * by name (PostgreSQL switches to a generic plan after a few runs), so a hot statement costs the
 * server no planning. Only for fixed texts (the values go in parameters), which is all this store
 * sends.
 */
export function prepared(text: string, values?: unknown[]): pg.QueryConfig {
  let name = names.get(text);
  if (name === undefined) names.set(text, (name = `cf${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
  return { name, text, values };
}

/** The pool, running every query as a prepared statement. */
export function preparedPool(pool: pg.Pool): Queryable {
  return { query: (text, values) => pool.query(prepared(text, values)) };
}

/** A database URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unreadable URL)';
  }
}
