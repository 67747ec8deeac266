/**
 * Migrations are literal SQL, frozen once released: each one's hash is recorded here, so an edit
 * to a released migration fails this test (add the next number instead). And the schema's CHECK
 * lists, written out by hand in the SQL, must still match model/statuses.ts. A migration that
 * fills a table from existing rows is checked against the rows it filled it from.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BATCH_STATUSES, STAGES, WEBHOOK_STATUSES, WORKFLOW_STATUSES } from '../../src/model/statuses.js';
import { nearestRankIndex } from '../../src/model/stats.js';
import type { ClaimedWorkflow } from '../../src/store/store.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/** sha256 (first 16 hex digits) of every released migration, in order. Append; never change. */
const RELEASED = ['f1f79a42d9244b82', 'e046099f922e7e8b', '7881ceb0d9e7f75a', 'c54718ec063d686f', '660975de195feb84'];

const hash = (sql: string) => createHash('sha256').update(sql).digest('hex').slice(0, 16);

/** The values of `CHECK (<column> IN (...))` in a CREATE statement. */
function checkList(sql: string, column: string): string[] {
  const match = new RegExp(`CHECK \\(${column} IN \\(([^)]*)\\)\\)`).exec(sql);
  if (!match) throw new Error(`no CHECK list for ${column}`);
  return match[1]!.split(',').map((v) => v.trim().replace(/^'|'$/g, ''));
}

describe('migrations', () => {
  it('are frozen once released: every released one is unchanged, in order', () => {
    expect(MIGRATIONS.slice(0, RELEASED.length).map(hash)).toEqual(RELEASED);
  });

  it('are literal SQL: the source interpolates nothing into them from code', () => {
    // Read the file, not the strings: an interpolation is already gone from the evaluated text.
    const source = readFileSync(fileURLToPath(new URL('../../src/store/sqlite/migrations.ts', import.meta.url)), 'utf8');
    expect(source).not.toContain('${');
  });

  it('give the migrated schema the CHECK lists of model/statuses.ts', () => {
    // Read the schema SQLite holds after every migration, not the migration text: ALTERs count.
    const db = new Database(':memory:');
    for (const sql of MIGRATIONS) db.exec(sql);
    const schema = (table: string) => (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { sql: string }).sql;
    expect(checkList(schema('batches'), 'status')).toEqual([...BATCH_STATUSES]);
    expect(checkList(schema('batches'), 'webhook_status')).toEqual([...WEBHOOK_STATUSES]);
    expect(checkList(schema('workflows'), 'status')).toEqual([...WORKFLOW_STATUSES]);
    expect(checkList(schema('workflows'), 'stage')).toEqual([...STAGES]);
    // The partial indexes that name statuses name ones that exist.
    const indexes = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all() as Array<{ sql: string }>)
      .map((r) => r.sql).join('\n');
    for (const [, list] of indexes.matchAll(/status IN \(([^)]*)\)/g)) {
      for (const v of list!.split(',').map((x) => x.trim().replace(/^'|'$/g, ''))) expect(WORKFLOW_STATUSES).toContain(v);
    }
    db.close();
  });
});

describe('the batch_timings migration', () => {
  // Found by its text, not its number: it stays self-contained so it can be renumbered.
  const index = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE batch_timings'));
  const T0 = Date.parse('2026-01-01T00:00:00.000Z');

  /** p95s as the store computed them before the histograms: an ordered scan of the rows each. */
  function rowScanP95s(db: Database.Database, batchSeq: number): Record<string, number | null> {
    const at = (values: string, where: string) => {
      const { n } = db.prepare(`SELECT count(*) AS n FROM workflows WHERE batch_seq = ? AND ${where}`).get(batchSeq) as { n: number };
      if (n === 0) return null;
      return (db.prepare(`SELECT ${values} AS v FROM workflows WHERE batch_seq = ? AND ${where} ORDER BY v LIMIT 1 OFFSET ?`)
        .get(batchSeq, nearestRankIndex(n, 95)) as { v: number }).v;
    };
    return {
      wait: at('started_at - queued_at', 'started_at IS NOT NULL'),
      workflow: at('finished_at - started_at', 'finished_at IS NOT NULL AND started_at IS NOT NULL'),
      ...Object.fromEntries(STAGES.map((s) => [s, at(`${s}_ms`, `${s}_ms IS NOT NULL`)])),
    };
  }

  const viewP95s = (b: Awaited<ReturnType<SqliteStore['getBatch']>>) => ({
    wait: b!.timings.queueWaitMs?.p95 ?? null,
    workflow: b!.timings.workflowMs?.p95 ?? null,
    ...Object.fromEntries(STAGES.map((s) => [s, b!.stages[s].p95Ms])),
  });

  it('fills the histograms of a database made before it from its rows: the same p95s as the row scan', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientflow-migration-'));
    const path = join(dir, 'x.db');
    try {
      // Rows as the store writes them: a running batch (one workflow failed and retried, some
      // still queued or mid-way) and a finished one.
      let store = new SqliteStore({ path, sync: 'normal' });
      const input = (n: number) => ({
        clientIds: Array.from({ length: n }, (_, i) => i), priority: 0, label: null, maxConcurrency: null, retry: null,
        timeouts: null, simulation: null,
      });
      const running = (await store.createBatch(input(30), T0)).batch;
      const finished = (await store.createBatch(input(25), T0)).batch;
      const claimed = await store.claim('e', 52, T0, 60_000);
      let failed: ClaimedWorkflow | undefined;
      const midway: ClaimedWorkflow[] = [];
      for (const [i, wf] of claimed.entries()) {
        let at = T0 + (i % 7) * 5;
        await store.record({ kind: 'started', workflow: wf, stage: 'fetch', at });
        at += 1 + (i % 4);
        await store.record({ kind: 'succeeded', workflow: wf, stage: 'fetch', at, output: {}, next: 'process' });
        at += (i * 5) % 13;
        if (wf.batchId === running.id && !failed) {
          failed = wf;
          await store.record({ kind: 'failed', workflow: wf, stage: 'process', at, error: { code: 'X', message: 'x' } });
          continue;
        }
        if (wf.batchId === running.id && i % 3 === 0) {
          midway.push(wf); // its process stage still running
          continue;
        }
        await store.record({ kind: 'succeeded', workflow: wf, stage: 'process', at, output: {}, next: 'store' });
        await store.record({ kind: 'succeeded', workflow: wf, stage: 'store', at: at + (i % 2), output: {} });
      }
      await store.retryWorkflow(failed!.id, T0 + 500);
      expect(midway.length).toBeGreaterThanOrEqual(3);
      expect((await store.getBatch(running.id, T0 + 600))!.status).toBe('running');
      expect((await store.getBatch(finished.id, T0 + 600))!.status).toBe('succeeded');
      await store.close();

      // The same database as it was before this migration: no histograms, the version before.
      const histograms = (db: Database.Database) => db.prepare('SELECT * FROM batch_timings ORDER BY batch_seq, metric, ms').all();
      let db = new Database(path);
      const [runningSeq, finishedSeq] = db.prepare('SELECT seq FROM batches ORDER BY seq').pluck().all() as number[];
      const kept = histograms(db);
      const scanned = rowScanP95s(db, runningSeq!);
      const frozen = rowScanP95s(db, finishedSeq!);
      db.exec('DROP TABLE batch_timings; DROP TABLE batch_p95s');
      db.pragma(`user_version = ${index}`);
      db.close();

      store = new SqliteStore({ path, sync: 'normal' });
      expect(viewP95s(await store.getBatch(running.id, T0 + 600))).toEqual(scanned);
      // (The finished batch's p95s were frozen from the histograms at its finish, before.)
      expect(viewP95s(await store.getBatch(finished.id, T0 + 600))).toEqual(frozen);
      await store.close();
      db = new Database(path);
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      // Exactly the rows the store had kept up change by change (the finished batch's too: a retry
      // may reopen it). No p95 positions yet: the read above walked the histograms.
      expect(histograms(db)).toEqual(kept);
      expect(db.prepare('SELECT count(*) FROM batch_p95s').pluck().get()).toBe(0);
      db.close();

      // A retry after the migration takes back values the migration filled in: the wait of a
      // workflow that started before it (its lease still stands: nothing recovered it).
      store = new SqliteStore({ path, sync: 'normal' });
      for (const wf of midway.slice(0, 3)) {
        await store.record({ kind: 'failed', workflow: wf, stage: 'process', at: T0 + 800, error: { code: 'X', message: 'x' } });
        await store.retryWorkflow(wf.id, T0 + 801);
      }
      const afterRetry = viewP95s(await store.getBatch(running.id, T0 + 801));
      await store.close();
      db = new Database(path);
      expect(afterRetry).toEqual(rowScanP95s(db, runningSeq!));
      // The changes placed the p95s of the metrics they changed: later reads are one lookup.
      expect(db.prepare('SELECT metric FROM batch_p95s WHERE batch_seq = ? ORDER BY metric').pluck().all(runningSeq)).toEqual([0, 1]);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
