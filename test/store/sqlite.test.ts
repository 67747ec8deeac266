/** The SQLite store: the shared contract on a fresh in-memory database per test, and what only a file has. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/model/events.js';
import type { BatchEvents } from '../../src/store/driver.js';
import { StoreInUseError } from '../../src/store/store.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { EventLog } from '../../src/store/sqlite/events.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { describeStoreContract } from './contract/index.js';

describeStoreContract('sqlite', (options) => new SqliteStore({ path: ':memory:', ...options }));

describe('SQLite store on a file', () => {
  it('is owned by one store at a time: a second open fails until the first closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientflow-sqlite-'));
    try {
      const path = join(dir, 'x.db');
      const first = new SqliteStore({ path });
      expect(() => new SqliteStore({ path })).toThrow(StoreInUseError);
      await first.close();
      const second = new SqliteStore({ path });
      expect(second.capabilities.owner).toBe('exclusive');
      // Another name for the same file, through a symlinked file or directory, is the same owner.
      symlinkSync(path, join(dir, 'link.db'));
      mkdirSync(join(dir, 'real'));
      symlinkSync(dir, join(dir, 'real', 'up'));
      expect(() => new SqliteStore({ path: join(dir, 'link.db') })).toThrow(StoreInUseError);
      expect(() => new SqliteStore({ path: join(dir, 'real', 'up', 'x.db') })).toThrow(StoreInUseError);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite store: event log', () => {
  it('numbers each batch\'s events on from its own count, also in a statement of sixteen rows that holds several batches', () => {
    const { db, lock } = openDatabase(':memory:', 'normal');
    try {
      const add = db.prepare(`INSERT INTO batches (id, status, priority, options, created_at, total, queued) VALUES (?, 'queued', 0, '{}', 0, 0, 0) RETURNING seq`).pluck();
      const [a, b, c] = ['a', 'b', 'c'].map((id) => add.get(id) as number);
      const log = new EventLog(db);
      const commit = (counts: Array<[number, string, number]>) => log.insert(new Map(counts.map(([seq, batchId, n]): [number, BatchEvents] => [seq, {
        batchId, list: Array.from({ length: n }, (_, i) => ({ event: { type: 'batch.created', at: i, batchId, total: n } as NewEvent, workflowSeq: null })),
      }])));
      // 3 + 10 + 5 rows: the first statement of sixteen holds a's, b's and part of c's.
      const first = commit([[c!, 'c', 5], [a!, 'a', 3], [b!, 'b', 10]]);
      const second = commit([[b!, 'b', 20]]);
      const ids = (events: typeof first, batchId: string) => events.filter((e) => e.batchId === batchId).map((e) => e.id);
      expect(ids(first, 'a')).toEqual([1, 2, 3]);
      expect(ids(first, 'b')).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      expect(ids(first, 'c')).toEqual([1, 2, 3, 4, 5]);
      expect(ids(second, 'b')).toEqual(Array.from({ length: 20 }, (_, i) => i + 11));
      // Read back with the ids the insert gave, in order, to the last row written.
      expect(log.after('b', b!, 0, log.lastId(), 100)).toEqual([...first, ...second].filter((e) => e.batchId === 'b'));
      expect(log.after('c', c!, 2, log.lastId(), 100).map((e) => e.id)).toEqual([3, 4, 5]);
    } finally {
      db.close();
      lock?.close();
    }
  });
});

describe('SQLite store: retention', () => {
  const T0 = Date.parse('2026-01-01T00:00:00.000Z');
  const DAY = 86_400_000;
  const input = (clientIds: number[]) => ({
    clientIds, priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
  });

  /** Runs every claimable workflow to success at `at`, each with a result. */
  async function runAll(store: SqliteStore, at: number): Promise<void> {
    for (const wf of await store.claim('e', 1_000, at, 60_000)) {
      await store.saveResult(wf, { n: wf.seq }, at);
      for (const stage of ['fetch', 'process', 'store'] as const) {
        await store.record({ kind: 'started', workflow: wf, stage, at });
        await store.record({ kind: 'succeeded', workflow: wf, stage, at: at + 1, output: { stage } });
      }
    }
  }

  it('deletes a large batch a chunk at a time: gone after the first, every row of it gone after the last, across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientflow-retention-'));
    const path = join(dir, 'x.db');
    try {
      let store = new SqliteStore({ path, sync: 'normal' });
      const { batch: big } = await store.createBatch(input(Array.from({ length: 25 }, (_, i) => i)), T0, {
        idempotency: { key: 'k', fingerprint: 'f', ttlMs: 100 * DAY },
      });
      await runAll(store, T0);
      const { batch: newest } = await store.createBatch(input([1]), T0);
      await runAll(store, T0);
      const first = await store.purgeFinished(T0 + DAY, 10);
      expect(first).toMatchObject({ batches: 1, workflows: 10 });
      expect(await store.getBatch(big.id, T0)).toBeNull();
      expect((await store.listBatches({ limit: 10 }, T0)).items.map((b) => b.id)).toEqual([newest.id]);
      // Stopped between two chunks: what is left is noted, and the next purge goes on from it.
      await store.close();
      const rowsOf = (seq: number) => {
        const db = new Database(path, { readonly: true });
        try {
          const count = (sql: string) => (db.prepare(sql).pluck().get(seq) as number);
          return {
            batches: count('SELECT count(*) FROM batches WHERE seq = ?'),
            workflows: count('SELECT count(*) FROM workflows WHERE batch_seq = ?'),
            results: count('SELECT count(*) FROM results WHERE workflow_seq IN (SELECT seq FROM workflows WHERE batch_seq = ?)'),
            events: count('SELECT count(*) FROM events WHERE batch_seq = ?'),
            timings: count('SELECT count(*) FROM batch_timings WHERE batch_seq = ?'),
            p95s: count('SELECT count(*) FROM batch_p95s WHERE batch_seq = ?'),
            noted: count('SELECT count(*) FROM purged_batches WHERE batch_seq = ?'),
            keys: (db.prepare('SELECT count(*) FROM idempotency_keys').pluck().get() as number),
            orphans: (db.pragma('foreign_key_check') as unknown[]).length,
          };
        } finally {
          db.close();
        }
      };
      expect(rowsOf(1)).toMatchObject({ batches: 0, workflows: 15, results: 15, timings: 0, p95s: 0, noted: 1, keys: 0 });
      store = new SqliteStore({ path, sync: 'normal' });
      let calls = 1;
      for (;;) {
        const r = await store.purgeFinished(T0 + DAY, 10);
        if (r.batches + r.workflows + r.events === 0) break;
        expect(r.workflows).toBeLessThanOrEqual(10);
        calls++;
      }
      expect(calls).toBeGreaterThanOrEqual(3);
      await store.close();
      expect(rowsOf(1)).toEqual({ batches: 0, workflows: 0, results: 0, events: 0, timings: 0, p95s: 0, noted: 0, keys: 0, orphans: 0 });
      expect(rowsOf(2)).toMatchObject({ batches: 1, workflows: 1, results: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the newest batch and the batch of the newest event, so SQLite never hands out a key twice', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    try {
      const { batch: reopened } = await store.createBatch(input([1]), T0);
      const [wf] = await store.claim('e', 1, T0, 60_000);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await store.record({ kind: 'failed', workflow: wf!, stage: 'fetch', at: T0 + 1, error: { code: 'X', message: 'x' } });
      const { batch: last } = await store.createBatch(input([2]), T0);
      await runAll(store, T0);
      // Retried and finished again: the older batch now holds the newest event.
      await store.retryBatch(reopened.id, false, T0 + 2);
      await runAll(store, T0 + 2);
      expect(await store.purgeFinished(T0 + DAY, 100)).toMatchObject({ batches: 0 });
      // A newer batch with newer events: both are due now.
      const { batch: next } = await store.createBatch(input([3]), T0 + 3);
      await runAll(store, T0 + 3);
      expect(await store.purgeFinished(T0 + DAY, 100)).toMatchObject({ batches: 2 });
      expect(await store.getBatch(reopened.id, T0)).toBeNull();
      expect(await store.getBatch(last.id, T0)).toBeNull();
      expect(await store.getBatch(next.id, T0)).not.toBeNull();
      // The next batch takes a new key: its workflows and events are its own alone.
      const { batch: after } = await store.createBatch(input([4]), T0 + 4);
      expect((await store.listEvents(after.id, 0, 10))!.map((e) => e.type)).toEqual(['batch.created']);
    } finally {
      await store.close();
    }
  });
});
