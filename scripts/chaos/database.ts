/**
 * The PostgreSQL mode's database: a throwaway server of its own (test/postgres/server.ts), or,
 * when DATABASE_URL is set, a temp database created on that server and dropped at the end. And
 * what the checks read straight from its tables (store/postgres/migrations.ts), not through the API.
 */
import pg from 'pg';
import { STAGES } from '../../src/model/statuses.js';
import { redact } from '../../src/db/postgres.js';
import { createDatabaseOn, startPostgres } from '../../test/postgres/server.js';
import type { BatchCounters, CounterRow, StoreTables } from '../chaos-check.js';

export interface ChaosDatabase {
  url: string;
  /** Where it runs, for the log (no password). */
  where: string;
  /** Stops the server (or drops the temp database). */
  drop: () => Promise<void>;
}

export async function provideDatabase(given: string | undefined): Promise<ChaosDatabase> {
  if (!given) {
    const server = await startPostgres();
    return { url: server.url, where: `a throwaway PostgreSQL at ${redact(server.url)}`, drop: server.stop };
  }
  const db = await createDatabaseOn(given, 'clientflow_chaos');
  return { url: db.url, where: `database ${db.name} on ${redact(given)} (DATABASE_URL)`, drop: db.drop };
}

/** What the store's tables hold for one batch: its counters, its rows, results per workflow, event ids. */
export async function readTables(url: string, batchId: string): Promise<{ tables: StoreTables; resultRows: Map<string, number>; version: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows: [row] } = await client.query<Record<string, string | number | null>>('SELECT * FROM batches WHERE id = $1', [batchId]);
    if (!row) throw new Error(`batch ${batchId} is not in the batches table`);
    // bigint columns come back as strings.
    const n = (column: string) => Number(row[column]);
    const batch: BatchCounters & { finishedRuns: number } = {
      progress: {
        total: n('total'), queued: n('queued'), running: n('running'), succeeded: n('succeeded'), failed: n('failed'), canceled: n('canceled'),
      },
      stages: Object.fromEntries(STAGES.map((s) => [s, {
        succeeded: n(`${s}_succeeded`), failed: n(`${s}_failed`), running: n(`${s}_running`),
      }])) as BatchCounters['stages'],
      finishedRuns: n('finished_runs'),
    };
    const { rows: wf } = await client.query<{ status: string; fetch_status: string; process_status: string; store_status: string }>(
      'SELECT status, fetch_status, process_status, store_status FROM workflows WHERE batch_seq = $1', [row.seq],
    );
    const workflows: CounterRow[] = wf.map((w) => ({ status: w.status, stages: STAGES.map((s) => ({ name: s, status: w[`${s}_status`] })) }));
    const { rows: results } = await client.query<{ id: string; n: string }>(
      'SELECT w.id, count(*) AS n FROM results r JOIN workflows w ON w.seq = r.workflow_seq WHERE w.batch_seq = $1 GROUP BY w.id', [row.seq],
    );
    const { rows: ids } = await client.query<{ id: string }>('SELECT id FROM events WHERE batch_seq = $1 ORDER BY id', [row.seq]);
    const { rows: [v] } = await client.query<{ server_version: string }>('SHOW server_version');
    return {
      tables: { batch, workflows, eventSeq: n('event_seq'), eventIds: ids.map((r) => Number(r.id)) },
      resultRows: new Map(results.map((r) => [r.id, Number(r.n)])),
      version: v?.server_version ?? '?',
    };
  } finally {
    await client.end();
  }
}

/** Workflows of the batch finished now, read from its row (a replica's pool may be stuck). */
export async function finishedNow(url: string, batchId: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('SELECT (succeeded + failed + canceled)::int AS n FROM batches WHERE id = $1', [batchId]);
    return rows[0]?.n ?? NaN;
  } finally {
    await client.end();
  }
}

/** Sessions of one moment: the stopped replica's open transactions, and the others' lock waits. */
export interface LockSample {
  /** Sessions of the stopped replica inside a transaction (it cannot end them while stopped). */
  open: number;
  /** Sessions of the other replicas waiting for a lock. */
  waiting: number;
  /** Of those, the ones a session of the stopped replica blocks directly. */
  onStopped: number;
}

/**
 * Who waits on whom now, by application_name (each replica's PGAPPNAME): how much of the others'
 * work a stopped replica holds up with the locks of its open transactions.
 */
export async function lockSample(url: string, stopped: string): Promise<LockSample> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; state: string | null; wait: string | null; blockers: string[] | null }>(`
      SELECT a.application_name AS name, a.state, a.wait_event_type AS wait,
             (SELECT array_agg(b.application_name) FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(a.pid))) AS blockers
        FROM pg_stat_activity a
       WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()`);
    const others = rows.filter((r) => r.name !== stopped && r.wait === 'Lock');
    return {
      open: rows.filter((r) => r.name === stopped && (r.state ?? '').startsWith('idle in transaction')).length,
      waiting: others.length,
      onStopped: others.filter((r) => r.blockers?.includes(stopped)).length,
    };
  } finally {
    await client.end();
  }
}

