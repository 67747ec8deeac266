/**
 * The one migration runner for every PostgreSQL table set this service owns (the store's, the
 * results table): numbered literal steps, each in its own transaction, under a session advisory
 * lock so processes starting together take turns. What the steps are and where the applied
 * versions are recorded belong to the caller.
 */
import type pg from 'pg';
import { newerSchema } from './schema-version.js';

/**
 * Runs `steps` after the last one `applied` reports, each with its `record` in one transaction,
 * under the session advisory lock `lock`. `applied` runs under the lock too (it may create what
 * records the versions).
 */
export async function applyMigrations(
  client: pg.PoolClient, lock: number, steps: readonly string[],
  applied: () => Promise<number>, record: (version: number) => Promise<unknown>,
): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [lock]);
  try {
    const current = await applied();
    // Migrated further by a newer release: this code would misread what it does not know.
    if (current > steps.length) throw new Error(newerSchema(current, steps.length));
    for (let v = current + 1; v <= steps.length; v++) {
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
