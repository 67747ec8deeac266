/**
 * What start-up, a /metrics scrape and a retention purge read must not grow with the batches
 * kept: every statement they run on SQLite is checked with EXPLAIN QUERY PLAN for a scan of the
 * batches table (a full scan or a walk of a whole index). Finished batches are only ever read one
 * by one, by key, or (a purge) one tenant's due range at a time.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

let dir: string | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Records the SQL of every statement run while `work` runs. */
async function statementsRunBy(work: () => Promise<unknown>): Promise<Set<string>> {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<'all' | 'get' | 'run' | 'iterate', (...a: unknown[]) => unknown>;
  probe.close();
  const seen = new Set<string>();
  for (const method of ['all', 'get', 'run', 'iterate'] as const) {
    const original = proto[method];
    vi.spyOn(proto, method).mockImplementation(function (this: { source: string }, ...args: unknown[]) {
      seen.add(this.source);
      return original.apply(this, args);
    });
  }
  await work();
  vi.restoreAllMocks();
  return seen;
}

it('start-up and workflow totals never scan the batches table', async () => {
  dir = mkdtempSync(join(tmpdir(), 'clientflow-scans-'));
  const path = join(dir, 'x.db');
  const first = new SqliteStore({ path, sync: 'normal' });
  for (let i = 0; i < 3; i++) {
    await first.createBatch({ clientIds: [i], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null }, 1);
  }
  await first.close();
  let store: SqliteStore | undefined;
  const statements = await statementsRunBy(async () => {
    store = new SqliteStore({ path, sync: 'normal' });
    await store.recover(2);
    await store.workflowTotals();
  });
  await store!.close();
  expect(statements.size).toBeGreaterThan(3);
  const db = new Database(path, { readonly: true });
  try {
    const scans = [...statements].filter((sql) => /^\s*(SELECT|WITH)/i.test(sql)).flatMap((sql) => {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...new Array<null>(countParams(sql)).fill(null)) as Array<{ detail: string }>;
      return plan.filter((row) => /^SCAN batches\b/.test(row.detail)).map((row) => `${row.detail}: ${sql.trim().slice(0, 120)}`);
    });
    expect(scans).toEqual([]);
  } finally {
    db.close();
  }
});

it('the lease sweep, a release and a recovery read only the leased workflows, never every workflow', async () => {
  dir = mkdtempSync(join(tmpdir(), 'clientflow-scans-'));
  const path = join(dir, 'x.db');
  const store = new SqliteStore({ path, sync: 'normal' });
  await store.createBatch({ clientIds: [1, 2, 3], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null }, 1);
  await store.claim('me', 2, 1, 60_000);
  const statements = await statementsRunBy(async () => {
    // The sweep runs every POLL_MS on every replica: it must not cost a walk of the table.
    await store.releaseExpiredLeases(2);
    await store.releaseLeases('me', 3);
    await store.recover(4);
  });
  await store.close();
  const db = new Database(path, { readonly: true });
  try {
    const reads = [...statements].filter((sql) => /^\s*SELECT/i.test(sql) && /lease_owner/.test(sql));
    expect(reads.length).toBeGreaterThanOrEqual(3);
    const scans = reads.flatMap((sql) => {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...new Array<null>(countParams(sql)).fill(null)) as Array<{ detail: string }>;
      // Walking the partial index of leased rows reads only those; anything else reads every workflow.
      return plan.filter((row) => /^SCAN w\b/.test(row.detail) && !/USING INDEX workflows_leased\b/.test(row.detail))
        .map((row) => `${row.detail}: ${sql.trim().slice(0, 160)}`);
    });
    expect(scans).toEqual([]);
  } finally {
    db.close();
  }
});

it('a retention purge reads only the due batches of the tenants in its scope, never those another tenant keeps', async () => {
  dir = mkdtempSync(join(tmpdir(), 'clientflow-scans-'));
  const path = join(dir, 'x.db');
  const store = new SqliteStore({ path, sync: 'normal' });
  for (const tenant of ['acme', 'globex', 'keeper']) {
    await store.createBatch({ tenant, clientIds: [1], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null }, 1);
    for (const wf of await store.claim('e', 10, 1, 60_000)) {
      for (const stage of ['fetch', 'process', 'store'] as const) {
        await store.record({ kind: 'started', workflow: wf, stage, at: 1 });
        await store.record({ kind: 'succeeded', workflow: wf, stage, at: 2, output: {} });
      }
    }
  }
  const statements = await statementsRunBy(async () => {
    await store.purgeFinished(10, 500, { tenants: ['acme'] });
    await store.purgeFinished(10, 500, { exceptTenants: ['keeper'] });
  });
  await store.close();
  const db = new Database(path, { readonly: true });
  try {
    const reads = [...statements].filter((sql) => /FROM tenant_totals AS t CROSS JOIN batches/.test(sql));
    expect(reads).toHaveLength(2);
    for (const sql of reads) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ before: null, limit: null, tenants: '[]' }) as Array<{ detail: string }>).map((r) => r.detail);
      // A range on finished_at alone would walk every batch that a tenant keeping longer (or
      // forever) still holds, on every call of every pass: each tenant's range is read instead.
      expect(plan).toContain('SEARCH b USING INDEX batches_finished (tenant=? AND finished_at<?)');
      expect(plan.filter((detail) => /^SCAN (b|batches)\b/.test(detail))).toEqual([]);
    }
  } finally {
    db.close();
  }
});

/** How many positional parameters a statement takes (named ones are bound as positions too). */
function countParams(sql: string): number {
  return (sql.match(/\?/g) ?? []).length;
}
