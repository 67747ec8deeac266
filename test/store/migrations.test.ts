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
import { BATCH_STATUSES, STAGE_STATUSES, STAGES, WEBHOOK_STATUSES, WORKFLOW_STATUSES } from '../../src/model/statuses.js';
import { nearestRankIndex } from '../../src/model/stats.js';
import type { ClaimedWorkflow } from '../../src/store/store.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { NewEvent } from '../../src/model/events.js';
import { stagesOf, type StageColumns } from '../../src/store/rows.js';
import { initialStages } from '../../src/store/transitions.js';

/** sha256 (first 16 hex digits) of every released migration, in order. Append; never change. */
const RELEASED = ['f1f79a42d9244b82', 'e046099f922e7e8b', '7881ceb0d9e7f75a', 'c54718ec063d686f', '16960e5398dd562b', 'eab86c64d1798b96', 'c2c752f167fabc80', '4628f14b6e1815e6', '660975de195feb84'];

const hash = (sql: string) => createHash('sha256').update(sql).digest('hex').slice(0, 16);

/** The values a CHECK in a CREATE statement allows `column`: `CHECK (c IN ('a', 'b'))` or `CHECK (c = 'a' OR c = 'b')`. */
function checkList(sql: string, column: string): string[] {
  const inList = new RegExp(`CHECK \\(${column} IN \\(([^)]*)\\)\\)`).exec(sql);
  if (inList) return inList[1]!.split(',').map((v) => v.trim().replace(/^'|'$/g, ''));
  const ors = new RegExp(`CHECK \\((${column} = '[^']*'(?: OR ${column} = '[^']*')*)\\)`).exec(sql);
  if (!ors) throw new Error(`no CHECK list for ${column}`);
  return ors[1]!.split(' OR ').map((term) => term.slice(`${column} = '`.length, -1));
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
    for (const s of STAGES) expect(checkList(schema('workflows'), `${s}_status`)).toEqual([...STAGE_STATUSES]);
    // The partial indexes that name statuses name ones that exist.
    const indexes = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all() as Array<{ sql: string }>)
      .map((r) => r.sql).join('\n');
    for (const [, list] of indexes.matchAll(/status IN \(([^)]*)\)/g)) {
      for (const v of list!.split(',').map((x) => x.trim().replace(/^'|'$/g, ''))) expect(WORKFLOW_STATUSES).toContain(v);
    }
    db.close();
  });

  it('5 keeps every stored result, now keyed by its workflow', () => {
    const db = new Database(':memory:');
    for (const sql of MIGRATIONS.slice(0, 4)) db.exec(sql);
    db.exec(`INSERT INTO batches (seq, id, status, priority, options, created_at, total, queued) VALUES (1, 'b', 'running', 0, '{}', 0, 2, 0);
      INSERT INTO workflows (seq, id, batch_seq, client_id, priority, status, queued_at) VALUES
        (7, 'w7', 1, '1', 0, 'succeeded', 0), (9, 'w9', 1, '2', 0, 'running', 0);
      INSERT INTO results (workflow_id, data, stored_at) VALUES ('w9', '{"n":9}', 90), ('w7', '{"n":7}', 70);`);
    db.exec(MIGRATIONS[4]!);
    expect(db.prepare('SELECT workflow_seq, data, stored_at FROM results ORDER BY workflow_seq').all()).toEqual([
      { workflow_seq: 7, data: '{"n":7}', stored_at: 70 },
      { workflow_seq: 9, data: '{"n":9}', stored_at: 90 },
    ]);
    db.close();
  });

  it('6 moves every stage state out of the JSON document into its columns', () => {
    const db = new Database(':memory:');
    for (const sql of MIGRATIONS.slice(0, 5)) db.exec(sql);
    const stages = [
      { name: 'fetch', status: 'succeeded', attempts: 2, startedAt: 10, finishedAt: 15, durationMs: 5, error: { code: 'TIMEOUT', message: 'slow' } },
      { name: 'process', status: 'running', attempts: 1, startedAt: 16, finishedAt: null, durationMs: null, error: null },
      { name: 'store', status: 'pending', attempts: 0, startedAt: null, finishedAt: null, durationMs: null, error: null },
    ];
    db.exec(`INSERT INTO batches (seq, id, status, priority, options, created_at, total, queued) VALUES (1, 'b', 'running', 0, '{}', 0, 2, 1)`);
    db.prepare(`INSERT INTO workflows (seq, id, batch_seq, client_id, priority, status, queued_at, stages) VALUES (1, 'w1', 1, '1', 0, 'running', 0, ?),
      (2, 'w2', 1, '2', 0, 'queued', 0, NULL)`).run(JSON.stringify(stages));
    db.exec(MIGRATIONS[5]!);
    const rows = db.prepare('SELECT * FROM workflows ORDER BY seq').all() as Array<Record<string, unknown>>;
    expect(rows[0]).not.toHaveProperty('stages');
    expect(stagesOf(rows[0] as StageColumns)).toEqual(stages);
    expect(stagesOf(rows[1] as StageColumns)).toEqual(initialStages());
    db.close();
  });

  it('7 keeps every event: the compact rows read back as the events that were written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientflow-mig7-'));
    const path = join(dir, 'x.db');
    const db = new Database(path);
    for (const sql of MIGRATIONS.slice(0, 6)) db.exec(sql);
    db.exec(`INSERT INTO batches (seq, id, status, priority, options, created_at, total, queued) VALUES (1, 'b1', 'running', 0, '{}', 0, 1, 0);
      INSERT INTO workflows (seq, id, batch_seq, client_id, priority, status, queued_at) VALUES (4, 'w4', 1, '"c-1"', 0, 'running', 0)`);
    const written: NewEvent[] = [
      { type: 'batch.created', at: 1, batchId: 'b1', total: 1 },
      { type: 'stage.started', at: 2, stage: 'fetch', attempt: 1, batchId: 'b1', workflowId: 'w4', clientId: 'c-1' },
      {
        type: 'stage.retrying', at: 3, stage: 'fetch', attempt: 1, durationMs: 1, error: { code: 'X', message: 'y' },
        delayMs: 10, nextAttemptAt: 13, batchId: 'b1', workflowId: 'w4', clientId: 'c-1',
      },
      { type: 'workflow.finished', at: 20, status: 'failed', durationMs: 18, batchId: 'b1', workflowId: 'w4', clientId: 'c-1' },
    ];
    const insert = db.prepare('INSERT INTO events (id, batch_seq, data) VALUES (?, 1, ?)');
    written.forEach((e, i) => insert.run(10 + i, JSON.stringify(e)));
    db.exec(MIGRATIONS[6]!);
    db.pragma('user_version = 7'); // the store applies what came after 7 when it opens
    db.close();
    const store = new SqliteStore({ path, sync: 'normal' });
    return store.listEvents('b1', 0, 100).then(async (events) => {
      // Migration 13 numbers them per batch.
      expect(events).toEqual(written.map((e, i) => ({ ...e, id: 1 + i })));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
  });

  it('20 keeps every event, in order, in chunks of at most 256 a batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientflow-mig20-'));
    const path = join(dir, 'x.db');
    const db = new Database(path);
    for (const sql of MIGRATIONS.slice(0, 19)) db.exec(sql);
    db.exec(`INSERT INTO batches (seq, id, status, priority, options, created_at, total, queued, event_seq) VALUES
        (1, 'b1', 'running', 0, '{}', 0, 1, 0, 600), (2, 'b2', 'running', 0, '{}', 0, 1, 0, 300);
      INSERT INTO workflows (seq, id, batch_seq, client_id, priority, status, queued_at) VALUES
        (4, 'w4', 1, '"c-1"', 0, 'running', 0), (5, 'w5', 2, '7', 0, 'running', 0)`);
    // Two batches' events interleaved in commit order, as two batches running at once write them.
    const insert = db.prepare(`INSERT INTO events (id, batch_seq, n, type, at, workflow_seq, stage, attempt, duration_ms, extra)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const expected = new Map<string, unknown[]>([['b1', []], ['b2', []]]);
    let id = 100;
    for (let i = 1; i <= 600; i++) {
      for (const [batch, seq, workflow, client] of [['b1', 1, 'w4', 'c-1'], ['b2', 2, 'w5', 7]] as const) {
        if (batch === 'b2' && i > 300) continue;
        const ref = { batchId: batch, workflowId: workflow, clientId: client };
        if (i % 100 === 0) {
          insert.run(id++, seq, i, 'stage.failed', i, seq + 3, 'store', 2, 5, JSON.stringify({ error: { code: 'X', message: `n ${i}` } }));
          expected.get(batch)!.push({ type: 'stage.failed', at: i, stage: 'store', attempt: 2, durationMs: 5, error: { code: 'X', message: `n ${i}` }, ...ref, id: i });
        } else if (i === 1) {
          insert.run(id++, seq, i, 'batch.started', i, null, null, null, null, null);
          expected.get(batch)!.push({ type: 'batch.started', at: i, batchId: batch, id: i });
        } else {
          insert.run(id++, seq, i, 'stage.started', i, seq + 3, 'fetch', 1, null, null);
          expected.get(batch)!.push({ type: 'stage.started', at: i, stage: 'fetch', attempt: 1, ...ref, id: i });
        }
      }
    }
    db.pragma('user_version = 19');
    db.close();
    const store = new SqliteStore({ path, sync: 'normal' });
    try {
      expect(await store.listEvents('b1', 0, 1000)).toEqual(expected.get('b1'));
      expect(await store.listEvents('b2', 0, 1000)).toEqual(expected.get('b2'));
      expect(await store.listEvents('b1', 255, 3)).toEqual(expected.get('b1')!.slice(255, 258));
    } finally {
      await store.close();
    }
    const after = new Database(path, { readonly: true });
    expect(after.prepare('SELECT batch_seq, first_n, last_n FROM event_chunks ORDER BY id').all()).toEqual([
      { batch_seq: 1, first_n: 1, last_n: 256 }, { batch_seq: 2, first_n: 1, last_n: 256 },
      { batch_seq: 2, first_n: 257, last_n: 300 }, { batch_seq: 1, first_n: 257, last_n: 512 }, { batch_seq: 1, first_n: 513, last_n: 600 },
    ]);
    after.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('8 moves each stage output out of the workflow row, into outputs', () => {
    const db = new Database(':memory:');
    for (const sql of MIGRATIONS.slice(0, 7)) db.exec(sql);
    db.exec(`INSERT INTO batches (seq, id, status, priority, options, created_at, total, queued) VALUES (1, 'b', 'running', 0, '{}', 0, 2, 0);
      INSERT INTO workflows (seq, id, batch_seq, client_id, priority, status, queued_at, output) VALUES
        (3, 'w3', 1, '1', 0, 'running', 0, '{"n":3}'), (5, 'w5', 1, '2', 0, 'queued', 0, NULL)`);
    db.exec(MIGRATIONS[7]!);
    expect(db.prepare('SELECT * FROM outputs').all()).toEqual([{ workflow_seq: 3, data: '{"n":3}' }]);
    expect(db.prepare('SELECT * FROM workflows WHERE seq = 3').get()).not.toHaveProperty('output');
    db.close();
  });

  it('13 rebuilds workflows with every row, column and index (one of leased rows where there were two), and what refers to it still joins', () => {
    const db = new Database(':memory:');
    for (const sql of MIGRATIONS.slice(0, 12)) db.exec(sql);
    db.exec(`INSERT INTO batches (seq, id, status, priority, options, created_at, total, queued) VALUES (1, 'b', 'running', 0, '{}', 0, 2, 0);
      INSERT INTO workflows (seq, id, batch_seq, client_id, priority, status, stage, attempts, queued_at, started_at, lease_owner,
          lease_expires, lease_epoch, fetch_status, fetch_attempts, fetch_started_at, fetch_finished_at, fetch_ms, process_status, process_attempts, process_error)
        VALUES (3, 'w3', 1, '"a"', 2, 'running', 'process', 2, 10, 11, 'me', 99, 4, 'succeeded', 1, 11, 12, 1, 'failed', 1, '{"code":"X","message":"x"}'),
               (5, 'w5', 1, '7', 0, 'queued', NULL, 0, 10, NULL, NULL, NULL, 0, 'pending', 0, NULL, NULL, NULL, 'pending', 0, NULL);
      INSERT INTO outputs (workflow_seq, data) VALUES (3, '{"n":3}');
      INSERT INTO results (workflow_seq, data, stored_at) VALUES (3, '{"r":3}', 12);`);
    const rows = db.prepare('SELECT * FROM workflows ORDER BY seq').all();
    const indexes = () => db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'workflows' ORDER BY name").all();
    const before = indexes();
    // With foreign keys enforced, as the store opens SQLite: the runner turns them off around migrations.
    db.pragma('foreign_keys = OFF');
    db.exec(MIGRATIONS[12]!);
    db.pragma('foreign_keys = ON');
    expect(db.prepare('SELECT * FROM workflows ORDER BY seq').all()).toEqual(rows);
    // The same indexes, but the two over leased rows are one, by batch then expiry.
    const leased = 'CREATE INDEX workflows_leased ON workflows (batch_seq, lease_expires) WHERE lease_owner IS NOT NULL';
    expect(indexes()).toEqual(before.filter((i) => !/workflows_leased/.test((i as { name: string }).name))
      .concat({ name: 'workflows_leased', sql: leased }).sort((a, b) => ((a as { name: string }).name < (b as { name: string }).name ? -1 : 1)));
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare('SELECT w.id, o.data, r.data AS result FROM workflows w JOIN outputs o ON o.workflow_seq = w.seq JOIN results r ON r.workflow_seq = w.seq').all())
      .toEqual([{ id: 'w3', data: '{"n":3}', result: '{"r":3}' }]);
    // The CHECKs still refuse what model/statuses.ts does not name.
    expect(() => db.exec("UPDATE workflows SET process_status = 'lost' WHERE seq = 3")).toThrow(/CHECK/);
    db.close();
  });
});

/**
 * Takes back what the migrations after `version` added to `db` (tables, indexes, columns), found
 * by comparing its schema with a database migrated to `version` only: the schema as it was then.
 */
function rewind(db: Database.Database, version: number): void {
  const then = new Database(':memory:');
  for (const sql of MIGRATIONS.slice(0, version)) then.exec(sql);
  const objects = (d: Database.Database, type: string) =>
    new Set(d.prepare("SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%'").pluck().all(type) as string[]);
  const columns = (d: Database.Database, table: string) => new Set((d.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name));
  const thenTables = objects(then, 'table');
  // Before 20 the events were a table of rows, not chunks (sqlite/events.ts): back into rows, in order.
  if (objects(db, 'table').has('event_chunks') && !thenTables.has('event_chunks')) {
    db.exec(`CREATE TABLE events_rows (id INTEGER PRIMARY KEY, batch_seq INTEGER NOT NULL REFERENCES batches (seq), type TEXT NOT NULL,
        at INTEGER NOT NULL, workflow_seq INTEGER, stage TEXT, attempt INTEGER, duration_ms INTEGER, extra TEXT, n INTEGER);
      INSERT INTO events_rows (batch_seq, n, type, at, workflow_seq, stage, attempt, duration_ms, extra)
        SELECT batch_seq, n, type, at, workflow_seq, stage, attempt, duration_ms, extra FROM events ORDER BY batch_seq, n;
      DROP VIEW events;
      DROP TABLE event_chunks;
      ALTER TABLE events_rows RENAME TO events;
      CREATE UNIQUE INDEX events_by_batch_n ON events (batch_seq, n);`);
  }
  for (const index of objects(db, 'index')) if (!objects(then, 'index').has(index)) db.exec(`DROP INDEX ${index}`);
  for (const table of objects(db, 'table')) {
    if (!thenTables.has(table)) {
      db.exec(`DROP TABLE ${table}`);
      continue;
    }
    const kept = columns(then, table);
    for (const column of columns(db, table)) if (!kept.has(column)) db.exec(`ALTER TABLE ${table} DROP COLUMN ${column}`);
  }
  then.close();
}

describe('a file a newer release migrated', () => {
  it('is refused at open, in one line, and left as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientflow-newer-'));
    try {
      const path = join(dir, 'clientflow.db');
      const db = new Database(path);
      db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
      db.close();
      expect(() => new SqliteStore({ path })).toThrow(
        `it was migrated by a newer clientflow (schema version ${MIGRATIONS.length + 1}; this release knows ${MIGRATIONS.length})`,
      );
      const after = new Database(path, { readonly: true });
      expect(after.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
      expect(after.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
      after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
      rewind(db, index + 1);
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
