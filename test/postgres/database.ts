/**
 * A database of its own for each test file, on the server that global-setup.ts provides:
 *
 *   const db = await createTestDatabase();   // in beforeAll
 *   ... connect to db.url ...
 *   await db.drop();                         // in afterAll
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  /** The new database's URL, on the test server. */
  url: string;
  /** Ends its connections and drops it. */
  drop: () => Promise<void>;
}

/** The test server's URL (its `postgres` database, or the one TEST_DATABASE_URL names). */
export function serverUrl(): string {
  const url = inject('postgresUrl');
  if (!url) throw new Error('no PostgreSQL server: test/postgres/global-setup.ts is not in this vitest config\'s globalSetup');
  return url;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = serverUrl();
  // The pid tells whose it is when one is left behind on a shared TEST_DATABASE_URL server.
  const name = `cf_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // FORCE ends the connections a test left open (a pool not closed), which would block the drop.
    drop: () => onServer(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function onServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
