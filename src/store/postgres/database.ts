/**
 * The PostgreSQL store's own connection rules: its migrations, applied at start under its advisory
 * lock, which errors it reports as "the store is unavailable" (503) rather than a bug, and its
 * statements prepared once per connection. The generic pool, quoting and error classes are in
 * db/postgres.ts.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { applyMigrations } from '../../db/postgres-migrations.js';
import { errorCode, isUnavailable, quoteIdent } from '../../db/postgres.js';
import { StoreUnavailableError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';

// The store's transaction runner (transaction.ts) classifies errors with these.
export { isTransient, isUnavailable } from '../../db/postgres.js';

/** Any number, the same in every replica: the advisory lock key that serialises migrations. */
const MIGRATION_LOCK = 0x636c6677; // "clfw"

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

/** Two replicas creating the schema at once: one of them sees a unique violation; the schema exists. */
function ignoreRace(error: unknown): void {
  if ((error as { code?: string }).code !== '23505') throw error;
}

/** A database error as the store reports it: unavailability as StoreUnavailableError, the rest as is. */
export function asStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  return new StoreUnavailableError(`the store could not commit: ${errorCode(error)}`, { cause: error });
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

