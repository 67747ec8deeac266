/**
 * SQLite keeps a commit's events of one batch in chunk rows (src/store/sqlite/events.ts): reads
 * must give back exactly the events written, one by one, whichever chunk boundary a page starts
 * or stops at, only up to the published fence, and the view `events` must show one row per event.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/model/events.js';
import type { BatchEvents } from '../../src/store/driver.js';
import { CHUNK, EventLog } from '../../src/store/sqlite/events.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('gives back every event written, across chunk boundaries, up to the fence', async () => {
  dir = mkdtempSync(join(tmpdir(), 'clientflow-chunks-'));
  const path = join(dir, 'x.db');
  const store = new SqliteStore({ path, sync: 'normal' });
  const big = await store.createBatch({ clientIds: Array.from({ length: 300 }, (_, i) => `c${i}`), priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null }, 1);
  const small = await store.createBatch({ clientIds: [7, 8], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null }, 1);
  const before = (await store.listEvents(big.batch.id, 0, 10))!;
  const beforeSmall = (await store.listEvents(small.batch.id, 0, 10))!;
  await store.close();

  const db = new Database(path);
  try {
    const log = new EventLog(db);
    const seqOf = (batchId: string) => db.prepare('SELECT seq FROM batches WHERE id = ?').pluck().get(batchId) as number;
    const workflowsOf = (batchSeq: number) => db.prepare('SELECT seq, id, client_id FROM workflows WHERE batch_seq = ? ORDER BY seq')
      .all(batchSeq) as Array<{ seq: number; id: string; client_id: string }>;
    const [bigSeq, smallSeq] = [seqOf(big.batch.id), seqOf(small.batch.id)];

    /** Two events for each workflow of a batch (one with an error, kept as `extra`), and one of the batch's own. */
    const eventsOf = (batchId: string, batchSeq: number, at: number): BatchEvents => {
      const list: BatchEvents['list'] = [];
      for (const w of workflowsOf(batchSeq)) {
        const ref = { batchId, workflowId: w.id, clientId: JSON.parse(w.client_id) as string };
        list.push({ workflowSeq: w.seq, event: { type: 'stage.started', at, stage: 'fetch', attempt: 1, ...ref } });
        list.push({ workflowSeq: w.seq, event: { type: 'stage.retrying', at: at + 1, stage: 'fetch', attempt: 1, durationMs: 1, error: { code: 'CRM_TIMEOUT', message: 'slow' }, delayMs: 50, nextAttemptAt: at + 51, ...ref } });
      }
      list.push({ workflowSeq: null, event: { type: 'batch.started', at, batchId } });
      return { batchId, list };
    };
    const commit = (at: number) => db.transaction(() => log.insert(new Map([
      [bigSeq, eventsOf(big.batch.id, bigSeq, at)], [smallSeq, eventsOf(small.batch.id, smallSeq, at)],
    ])))();

    const first = commit(10);
    const fence = log.lastId();
    const bigFirst = first.filter((e) => e.batchId === big.batch.id);
    expect(bigFirst.map((e) => e.id)).toEqual(Array.from({ length: 601 }, (_, i) => i + 2)); // after its batch.created
    const all: EngineEvent[] = [...before, ...bigFirst];
    // Chunks, not a row an event: the batch.created, then 601 events of one commit, CHUNK a row at most.
    expect(db.prepare('SELECT count(*) FROM event_chunks WHERE batch_seq = ?').pluck().get(bigSeq)).toBe(1 + Math.ceil(601 / CHUNK));

    // A page may start and end anywhere: before, on and after a chunk's first and last event.
    for (const afterId of [0, 1, 2, CHUNK, CHUNK + 1, CHUNK + 2, 2 * CHUNK + 1, 600, 602]) {
      for (const limit of [1, 3, CHUNK, 1000]) {
        expect(log.after(big.batch.id, bigSeq, afterId, fence, limit)).toEqual(all.slice(afterId, afterId + limit));
      }
    }
    expect(log.after(small.batch.id, smallSeq, 0, fence, 100)).toEqual([
      ...beforeSmall, ...first.filter((e) => e.batchId === small.batch.id),
    ]);

    // A later commit's events stay unread until the fence moves past them.
    const second = commit(20).filter((e) => e.batchId === big.batch.id);
    expect(log.after(big.batch.id, bigSeq, 0, fence, 10_000)).toEqual(all);
    expect(log.after(big.batch.id, bigSeq, 0, log.lastId(), 10_000)).toEqual([...all, ...second]);

    // The timeline's question: the events of a few workflows, in order.
    const picked = [0, 150, 299].map((i) => workflowsOf(bigSeq)[i]!.id);
    const mine = (e: EngineEvent) => 'workflowId' in e && picked.includes(e.workflowId);
    expect(log.ofWorkflows(big.batch.id, bigSeq, picked, log.lastId())).toEqual([...all, ...second].filter(mine));

    // The view: one row per event, with its number and columns.
    expect(db.prepare('SELECT count(*) AS n, sum(n) AS ids FROM events WHERE batch_seq = ?').get(bigSeq)).toEqual({ n: 1203, ids: (1203 * 1204) / 2 });
    expect(db.prepare("SELECT type, stage, attempt, duration_ms, extra FROM events WHERE batch_seq = ? AND n = 3").get(bigSeq)).toEqual({
      type: 'stage.retrying', stage: 'fetch', attempt: 1, duration_ms: 1, extra: JSON.stringify({ error: { code: 'CRM_TIMEOUT', message: 'slow' }, delayMs: 50, nextAttemptAt: 61 }),
    });
  } finally {
    db.close();
  }
});
