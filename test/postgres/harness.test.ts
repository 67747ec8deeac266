/** The test PostgreSQL (global-setup.ts) answers, and each createTestDatabase() is a database of its own. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, serverUrl, type TestDatabase } from './database.js';

async function query<Row extends pg.QueryResultRow>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

const databaseExists = async (name: string) =>
  (await query(serverUrl(), `SELECT 1 FROM pg_database WHERE datname = '${name}'`)).length === 1;

describe('test PostgreSQL', () => {
  let a: TestDatabase;
  let b: TestDatabase;

  beforeAll(async () => {
    [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([a?.drop(), b?.drop()]);
  });

  it('answers SELECT version()', async () => {
    const [row] = await query<{ version: string }>(a.url, 'SELECT version()');
    expect(row?.version).toMatch(/^PostgreSQL \d+/);
  });

  it('gives each call a database of its own', async () => {
    const [inA] = await query<{ db: string }>(a.url, 'SELECT current_database() AS db');
    const [inB] = await query<{ db: string }>(b.url, 'SELECT current_database() AS db');
    expect(inA?.db).toMatch(/^cf_test_\d+_[0-9a-f]{8}$/);
    expect(inB?.db).toMatch(/^cf_test_\d+_[0-9a-f]{8}$/);
    expect(inA?.db).not.toBe(inB?.db);

    await query(a.url, 'CREATE TABLE only_in_a (id int)');
    const tables = (url: string) => query(url, "SELECT 1 FROM pg_tables WHERE tablename = 'only_in_a'");
    expect(await tables(a.url)).toHaveLength(1);
    expect(await tables(b.url)).toHaveLength(0);
  });

  it('drop() removes the database, even with a connection open', async () => {
    const c = await createTestDatabase();
    const [row] = await query<{ db: string }>(c.url, 'SELECT current_database() AS db');
    const name = row!.db;
    const open = new pg.Client({ connectionString: c.url });
    open.on('error', () => undefined); // the drop ends this connection: expected
    await open.connect();
    expect(await databaseExists(name)).toBe(true);
    await c.drop();
    expect(await databaseExists(name)).toBe(false);
    await open.end().catch(() => undefined);
  });
});
