/**
 * A database of its own for each test file, on the server that global-setup.ts provides:
 * `const db = useTestDatabase()` at the top of the file, then `db.url()` and `db.schema('name')`
 * in its tests (or `createTestDatabase()` / `drop()` by hand).
 */
import { afterAll, beforeAll, inject } from 'vitest';
import { createDatabaseOn } from './server.js';

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
  return createDatabaseOn(serverUrl(), 'cf_test');
}

/**
 * A database of its own for this test file, created before its tests and dropped after: `url()`
 * is it, `schema(name)` a fresh schema name in it for each store a test opens.
 */
export function useTestDatabase(): { url: () => string; schema: (name: string) => string } {
  let db: TestDatabase | undefined;
  let schemas = 0;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  return {
    url: () => {
      if (!db) throw new Error('the test database is made in beforeAll');
      return db.url;
    },
    schema: (name) => `${name}_${schemas++}`,
  };
}
