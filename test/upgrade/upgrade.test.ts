/**
 * Upgrades keep work in flight: today's code started on a database an older release wrote and
 * was killed in the middle of (test/upgrade/make-fixtures.ts, fixtures/<release>/). It migrates
 * the data and goes on: every workflow finishes, once; what had finished keeps its result.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type ChildServer } from '../child-server.js';
import { createTestDatabase, type TestDatabase } from '../postgres/database.js';

const RELEASE = 'a94832e';
const FIXTURES = join(import.meta.dirname, 'fixtures', RELEASE);

interface BatchView { id: string; label: string; status: string; progress: { total: number; succeeded: number; failed: number; percent: number } }

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function boot(env: Record<string, string>): Promise<ChildServer> {
  const server = await startServer({ CONCURRENCY: '8', ...env });
  cleanup.push(async () => {
    server.child.kill('SIGKILL');
    await server.exited;
  });
  return server;
}

async function json<T>(server: ChildServer, path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** Waits (long-polls, bounded) until every batch is finished; returns them by label. */
async function finishedBatches(server: ChildServer): Promise<Map<string, BatchView>> {
  const { items } = await json<{ items: BatchView[] }>(server, '/v1/batches?limit=10');
  expect(items.map((b) => b.label).sort()).toEqual(['done', 'in-flight', 'queued']);
  const out = new Map<string, BatchView>();
  for (const b of items) {
    let batch = b;
    for (let i = 0; i < 10 && (batch.status === 'queued' || batch.status === 'running'); i++) {
      batch = await json<BatchView>(server, `/v1/batches/${b.id}?wait=30`);
    }
    out.set(b.label, batch);
  }
  return out;
}

/** What every store must show after the upgrade, read over HTTP. */
async function expectAllFinishedOnce(server: ChildServer): Promise<void> {
  const batches = await finishedBatches(server);
  expect(batches.get('done')).toMatchObject({ status: 'succeeded', progress: { total: 10, succeeded: 10, percent: 100 } });
  expect(batches.get('queued')).toMatchObject({ status: 'succeeded', progress: { total: 8, succeeded: 8, percent: 100 } });
  const flight = batches.get('in-flight')!;
  expect(['succeeded', 'failed']).toContain(flight.status);
  expect(flight.progress.total).toBe(60);
  expect(flight.progress.succeeded + flight.progress.failed).toBe(60);
  for (const batch of batches.values()) {
    const { items } = await json<{ items: Array<{ status: string; result: unknown }> }>(server, `/v1/batches/${batch.id}/workflows?limit=100`);
    for (const w of items) {
      expect(['succeeded', 'failed']).toContain(w.status);
      if (w.status === 'succeeded') expect(w.result).not.toBeNull();
    }
  }
}

/** Rows that say how often each workflow finished, and the results of the batch done before the kill. */
const FINISHED_TWICE = `SELECT workflow_seq, count(*) AS n FROM events WHERE type = 'workflow.finished' GROUP BY workflow_seq HAVING count(*) > 1`;
const DONE_RESULTS = `SELECT r.workflow_seq, r.stored_at FROM results r JOIN workflows w ON w.seq = r.workflow_seq
  JOIN batches b ON b.seq = w.batch_seq WHERE b.label = 'done' ORDER BY r.workflow_seq`;

describe(`upgrade from ${RELEASE} with work in flight`, () => {
  it('SQLite: the killed file is migrated and every workflow finishes once; finished results are kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientflow-upgrade-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'clientflow.db');
    copyFileSync(join(FIXTURES, 'sqlite.db'), path);
    const before = new Database(path, { readonly: true });
    const doneBefore = before.prepare(DONE_RESULTS).all();
    before.close();
    expect(doneBefore).toHaveLength(10);

    const server = await boot({ DB_PATH: path });
    await expectAllFinishedOnce(server);
    server.child.kill('SIGTERM');
    await server.exited;
    const after = new Database(path, { readonly: true });
    expect(after.prepare(FINISHED_TWICE).all()).toEqual([]);
    expect(after.prepare(DONE_RESULTS).all()).toEqual(doneBefore);
    after.close();
  });

  it('PostgreSQL: the dumped database is migrated and every workflow finishes once; finished results are kept', async () => {
    const db: TestDatabase = await createTestDatabase();
    cleanup.push(() => db.drop());
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    cleanup.push(() => client.end());
    await client.query(readFileSync(join(FIXTURES, 'postgres.sql'), 'utf8'));
    await client.query("SELECT pg_catalog.set_config('search_path', 'public', false)");
    const { rows: doneBefore } = await client.query(DONE_RESULTS);
    expect(doneBefore).toHaveLength(10);

    // The killed replica's leases are another process's to this one: they pass on once expired
    // (they did long ago: the fixture was written then).
    const server = await boot({ DATABASE_URL: db.url });
    await expectAllFinishedOnce(server);
    expect((await client.query(FINISHED_TWICE)).rows).toEqual([]);
    expect((await client.query(DONE_RESULTS)).rows).toEqual(doneBefore);
  });
});
