/**
 * The caller's results table (RESULTS_DATABASE_URL): the store stage upserts each workflow's
 * result into it, besides the service's own store (which GET /v1/workflows/{id} reads). A small
 * pool of its own; the table is made by numbered migrations of its own, applied at start under an
 * advisory lock (a start that cannot reach the database goes on: the first store stage applies
 * them). Nothing here prints the URL: errors name SQLSTATE or socket codes only.
 */
import type pg from 'pg';
import { applyMigrations } from '../../db/postgres-migrations.js';
import { errorCode, isUnavailable, openPool, quoteIdent } from '../../db/postgres.js';
import type { ClientId } from '../../model/types.js';
import { StageError } from './stage.js';

/** Any number, the same in every replica, unlike the store's: serialises the results migrations. */
const RESULTS_MIGRATION_LOCK = 0x636c7273; // "clrs"

/**
 * Numbered migrations of the results table, by its schema and name; `clientflow_results_migrations`
 * (in that schema) records which ran for which table. Never edit one: add the next number.
 */
const RESULTS_MIGRATIONS: ReadonlyArray<(table: string, name: string) => string> = [
  /* 1: one row per workflow, written again by every re-run of its store stage */ (table, name) => `
CREATE TABLE ${table} (
  workflow_id text PRIMARY KEY,
  batch_id    text NOT NULL,
  tenant      text NOT NULL,
  client_id   text NOT NULL,           -- the client id as JSON text: "c-1" or 42
  result      jsonb NOT NULL,          -- what GET /v1/workflows/{id} shows as result
  lease_epoch bigint NOT NULL,         -- the claim that wrote it: a superseded claim's late write changes nothing
  stored_at   timestamptz NOT NULL
);
CREATE INDEX ${quoteIdent(`${name}_batch_id_idx`)} ON ${table} (batch_id);`,
];

export interface ResultsSinkOptions {
  url: string;
  schema: string;
  table: string;
  poolSize: number;
  /** A batch's tenant (the service's store): null when the batch is gone. */
  tenantOf: (batchId: string) => Promise<string | null>;
}

export interface ResultRow {
  workflowId: string;
  batchId: string;
  clientId: ClientId;
  /** The claim writing it (LeaseFence.leaseEpoch): grows with every claim of a workflow. */
  leaseEpoch: number;
  result: Record<string, unknown>;
  storedAt: number;
}

export interface ResultsSink {
  /** Applies the migrations not applied yet; rejects with the database's error. */
  migrate(): Promise<void>;
  /** Upserts a workflow's row; every failure is a retryable StageError naming no URL. */
  write(row: ResultRow): Promise<void>;
  /** Ends the pool's connections, once no stage runs. */
  close(): Promise<void>;
}

/** Batches whose tenant this process remembers: a batch's tenant never changes. */
const TENANTS_KEPT = 1024;

export function createResultsSink(o: ResultsSinkOptions): ResultsSink {
  const pool = openPool(o.url, o.schema, o.poolSize, 60_000);
  const table = `${quoteIdent(o.schema)}.${quoteIdent(o.table)}`;
  const upsert = `INSERT INTO ${table} AS r (workflow_id, batch_id, tenant, client_id, result, lease_epoch, stored_at)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::timestamptz)
    ON CONFLICT (workflow_id) DO UPDATE SET batch_id = EXCLUDED.batch_id, tenant = EXCLUDED.tenant,
      client_id = EXCLUDED.client_id, result = EXCLUDED.result, lease_epoch = EXCLUDED.lease_epoch, stored_at = EXCLUDED.stored_at
    WHERE r.lease_epoch <= EXCLUDED.lease_epoch`;
  const tenants = new Map<string, string>();
  let migrated: Promise<void> | null = null;
  let closed: Promise<void> | null = null;

  const migrate = (): Promise<void> => {
    // A failed attempt is forgotten: the next store stage tries again.
    migrated ??= migrateTable(pool, o.schema, o.table).catch((error: unknown) => {
      migrated = null;
      throw error;
    });
    return migrated;
  };

  const tenantOf = async (batchId: string): Promise<string> => {
    const known = tenants.get(batchId);
    if (known !== undefined) return known;
    const tenant = await o.tenantOf(batchId);
    if (tenant === null) throw new StageError('RESULTS_WRITE_FAILED', `batch ${batchId} is gone: its result has no tenant to be stored under`);
    if (tenants.size >= TENANTS_KEPT) tenants.delete(tenants.keys().next().value!);
    tenants.set(batchId, tenant);
    return tenant;
  };

  return {
    migrate,
    async write(row) {
      const tenant = await tenantOf(row.batchId).catch((error: unknown) => {
        if (error instanceof StageError) throw error;
        throw new StageError('RESULTS_WRITE_FAILED', 'the batch\'s tenant could not be read from the store', { retryable: true });
      });
      try {
        await migrate();
        await pool.query(upsert, [
          row.workflowId, row.batchId, tenant, JSON.stringify(row.clientId), JSON.stringify(row.result), row.leaseEpoch,
          new Date(row.storedAt).toISOString(),
        ]);
      } catch (error) {
        throw asStageError(error);
      }
    },
    close() {
      closed ??= pool.end();
      return closed;
    },
  };
}

/** A database failure as the store stage reports it: retryable, named by its code only. */
export function asStageError(error: unknown): StageError {
  const code = errorCode(error);
  if (isUnavailable(error)) {
    return new StageError('RESULTS_UNAVAILABLE', `the results database is unavailable (${code})`, { retryable: true });
  }
  // A refusal (permissions, a table dropped by hand) may be put right while the workflow waits.
  return new StageError('RESULTS_WRITE_FAILED', `the results database refused the write (${code})`, { retryable: true });
}

async function migrateTable(pool: pg.Pool, schema: string, name: string): Promise<void> {
  const client = await pool.connect();
  const table = `${quoteIdent(schema)}.${quoteIdent(name)}`;
  const log = `${quoteIdent(schema)}.clientflow_results_migrations`;
  try {
    await applyMigrations(client, RESULTS_MIGRATION_LOCK, RESULTS_MIGRATIONS.map((m) => m(table, name)), async () => {
      // Only a missing schema is created: CREATE SCHEMA IF NOT EXISTS needs a right the caller's
      // role may lack even when the schema exists.
      const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (rowCount === 0) await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${log} (
        table_name text NOT NULL, version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (table_name, version))`);
      const { rows } = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${log} WHERE table_name = $1`, [name]);
      return rows[0]?.v ?? 0;
    }, (v) => client.query(`INSERT INTO ${log} (table_name, version) VALUES ($1, $2)`, [name, v]));
  } finally {
    client.release();
  }
}
