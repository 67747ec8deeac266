/**
 * vitest globalSetup: the PostgreSQL server the tests use. TEST_DATABASE_URL names one that runs
 * already; without it, a throwaway server starts here and stops at the end of the run. Tests read
 * the URL with serverUrl() from ./database.ts.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { redact } from '../../src/db/postgres.js';
import { startPostgres } from './server.js';

declare module 'vitest' {
  interface ProvidedContext {
    /** The server's URL, for its `postgres` database; a superuser, or a user that may create databases. */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    await requireAnswer(given, 'TEST_DATABASE_URL');
    project.provide('postgresUrl', given);
    return undefined;
  }
  const started = Date.now();
  const server = await startPostgres();
  try {
    await requireAnswer(server.url, 'the throwaway PostgreSQL');
  } catch (err) {
    await server.stop();
    throw err;
  }
  console.log(`postgres: throwaway server at ${server.url}, up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('postgresUrl', server.url);
  return server.stop;
}

async function requireAnswer(url: string, what: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(`${what} (${redact(url)}) does not answer: ${reason(err)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Node reports a refused connection to `localhost` as an AggregateError with an empty message. */
function reason(err: unknown): string {
  const e = err as Error & { code?: string; errors?: Error[] };
  return e.message || e.errors?.map((inner) => inner.message).join('; ') || e.code || String(err);
}

