/**
 * The HTTP suites whose behaviour depends on the store run once per backend:
 *
 *   const stores = useStores();
 *   stores.describe('cancel', () => {
 *     it('…', async () => { const s = await stores.start({ config: { CONCURRENCY: 1 } }); … });
 *   });
 *
 * SQLite is startService's in-memory store (or the DB_PATH file a test gives, to reopen it);
 * PostgreSQL a fresh schema for each service, in a database of this test file's own (which is
 * why such a file runs in vitest's postgres project), and the same schema again for a DB_PATH
 * given before, so that a test reopening "its file" reopens its store on either backend.
 */
import { beforeEach, describe } from 'vitest';
import type { Config } from '../src/config.js';
import { startService, type TestService } from './helpers.js';
import { useTestDatabase } from './postgres/database.js';

export const STORES = ['sqlite', 'postgres'] as const;
export type Backend = (typeof STORES)[number];

export interface Stores {
  /** Declares the suite `name` once per backend, as "name (sqlite)" and "name (postgres)". */
  describe: (name: string, suite: () => void) => void;
  /** The settings that open the store of the test running now: {} for SQLite, DATABASE_URL and DB_SCHEMA for PostgreSQL. */
  config: (dbPath?: string) => Partial<Config>;
  /** startService on the backend of the test running now (SQLite outside stores.describe). */
  start: (options?: Parameters<typeof startService>[0]) => Promise<TestService>;
}

export function useStores(): Stores {
  const pg = useTestDatabase();
  let current: Backend = 'sqlite';
  const schemas = new Map<string, string>();
  const schemaFor = (path: string | undefined): string => {
    if (path === undefined || path === ':memory:') return pg.schema('http');
    if (!schemas.has(path)) schemas.set(path, pg.schema('http'));
    return schemas.get(path)!;
  };
  // Outside stores.describe, start() opens SQLite; inside, its own beforeEach (run after this one) picks the backend.
  beforeEach(() => {
    current = 'sqlite';
  });
  const config = (dbPath?: string): Partial<Config> =>
    (current === 'postgres' ? { DATABASE_URL: pg.url(), DB_SCHEMA: schemaFor(dbPath) } : {});
  return {
    config,
    describe: (name, suite) => describe.each(STORES)(`${name} (%s)`, (backend) => {
      beforeEach(() => {
        current = backend;
      });
      suite();
    }),
    start: (options = {}) => startService({
      ...options,
      config: { ...options.config, ...config(options.config?.DB_PATH) },
    }),
  };
}
