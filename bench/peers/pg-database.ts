/**
 * A PostgreSQL peer's throwaway database for one workload: created empty, with the table the
 * store stage writes its results to, and dropped at the end.
 *
 * When a workflow finished is read from the database itself: a statement trigger on the results
 * table sends a NOTIFY with the number of rows it inserted, and PostgreSQL delivers a NOTIFY only
 * when its transaction commits. So a finish is counted when the last checkpoint is durable, not
 * when a handler returned (pg-boss commits a transactional handler's writes after it returns).
 */
import pg from 'pg';
import { createDatabase, dropDatabases, pgBackendTicks, pgCpuUs, pgUrl } from './servers.js';

const SCHEMA = `
CREATE TABLE bench_result (client_id integer PRIMARY KEY, output jsonb NOT NULL);
CREATE FUNCTION bench_result_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('bench_result', (SELECT count(*) FROM new_rows)::text);
  RETURN NULL;
END $$;
CREATE TRIGGER bench_result_notify AFTER INSERT ON bench_result
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bench_result_notify();
`;

/** The insert a store stage runs: many results in one statement (one NOTIFY). */
export const INSERT_RESULTS = 'INSERT INTO bench_result (client_id, output) SELECT * FROM unnest($1::int[], $2::jsonb[])';

export interface PgDatabase {
  url: string;
  /** The server's fsync and synchronous_commit, as read from it. */
  durability: string;
  /** A meter of the CPU this database's backends use (see servers.ts `pgCpuUs`). */
  serverCpu(): Promise<() => Promise<number | null>>;
  drop(): Promise<void>;
}

export async function openPgDatabase(user: string, name: string, finished: (count: number) => void): Promise<PgDatabase> {
  await createDatabase(user, name);
  const url = pgUrl(user, name);
  const listener = new pg.Client({ connectionString: url });
  let durability = '';
  try {
    await listener.connect();
    await listener.query(SCHEMA);
    listener.on('notification', (n) => finished(Number(n.payload)));
    await listener.query('LISTEN bench_result');
    const { rows } = await listener.query<{ fsync: string; sync: string }>(
      "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync");
    durability = `PostgreSQL fsync=${rows[0]?.fsync}, synchronous_commit=${rows[0]?.sync}`;
  } catch (e) {
    await listener.end().catch(() => undefined);
    await dropDatabases(user, name);
    throw e;
  }
  // A dropped database ends this connection with an error: expected at the end, not a crash.
  listener.on('error', () => undefined);
  return {
    url, durability,
    async serverCpu() {
      const before = await pgBackendTicks(listener, name);
      return async () => pgCpuUs(before, await pgBackendTicks(listener, name));
    },
    async drop() {
      await listener.end().catch(() => undefined);
      await dropDatabases(user, name);
    },
  };
}
