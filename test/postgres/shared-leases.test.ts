/**
 * Known failures of leases shared by replicas on PostgreSQL, found by `npm run chaos -- --postgres`
 * (README, "Chaos test"): each test states what should hold and is marked `it.fails` while it does
 * not. The fix of each turns its test red: then drop the `.fails`.
 */
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/engine/dispatcher.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { ClaimedWorkflow, DispatchStore } from '../../src/store/store.js';
import { initialStages } from '../../src/store/transitions.js';
import { createTestDatabase, type TestDatabase } from './database.js';

let db: TestDatabase;
let schemas = 0;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const LEASE_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store (one replica) and a plain session on its schema. */
async function open(): Promise<{ store: PostgresStore; sql: pg.Client; session: () => Promise<pg.Client>; close: () => Promise<void> }> {
  const schema = `shared_leases_${schemas++}`;
  const store = await PostgresStore.open({ url: db.url, schema });
  const session = async () => {
    const client = new pg.Client({ connectionString: db.url, options: `-c search_path=${schema}` });
    await client.connect();
    return client;
  };
  const sql = await session();
  return { store, sql, session, close: async () => { await sql.end(); await store.close(); } };
}

/** Resolves once `n` sessions wait for a lock. */
async function waiters(sql: pg.Client, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    if (rows[0]!.n >= n) return;
    await sleep(10);
  }
  throw new Error(`no ${n} session(s) waiting for a lock`);
}

async function batchOf(store: PostgresStore, n: number): Promise<{ batchId: string; claimed: ClaimedWorkflow[] }> {
  const { batch } = await store.createBatch({
    clientIds: Array.from({ length: n }, (_, i) => `c${i}`), priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
  }, Date.now());
  return { batchId: batch.id, claimed: await store.claim('a', n, Date.now(), LEASE_MS) };
}

describe('leases shared by replicas (PostgreSQL): known failures', () => {
  /**
   * Every transaction of the store locks workflow rows in key (seq) order, so they queue instead
   * of deadlocking (postgres/group-commit.ts) — except `renewLeases`, whose UPDATE locks them in
   * the order its plan reads them (index or heap order). A renewal and the same replica's group
   * commit then deadlock; PostgreSQL aborts one after deadlock_timeout (1 s). In a chaos run the
   * group commit is the usual victim: its runs fail ("workflow run failed; releasing it to run
   * again", 40P01) and their stages run again.
   */
  it.fails('a lease renewal and a group commit on the same rows do not deadlock', async () => {
    const { store, sql, session, close } = await open();
    try {
      const { claimed } = await batchOf(store, 40);
      // Three workflows m < l < h in key order whose ids (UUIDv7 of one millisecond: random
      // below it) run the other way.
      const bySeq = [...claimed].sort((x, y) => x.seq - y.seq);
      let triple: [ClaimedWorkflow, ClaimedWorkflow, ClaimedWorkflow] | undefined;
      for (let i = 0; i < bySeq.length && !triple; i++) {
        for (let j = i + 1; j < bySeq.length && !triple; j++) {
          for (let k = j + 1; k < bySeq.length && !triple; k++) {
            const [m, l, h] = [bySeq[i]!, bySeq[j]!, bySeq[k]!];
            if (h.id < l.id && l.id < m.id) triple = [m, l, h];
          }
        }
      }
      expect(triple, 'three workflows whose ids run against their keys').toBeDefined();
      const [m, l, h] = triple!;
      // Rows rewritten in id order: any plan of the renewal (an index or the heap) reads h, l, m.
      await sql.query('CLUSTER workflows USING workflows_id_key');
      const { rows } = await sql.query<{ seq: number; ctid: string }>('SELECT seq, ctid::text FROM workflows WHERE seq = ANY($1::bigint[])', [[m.seq, l.seq, h.seq]]);
      const ctid = (seq: number) => rows.find((r) => Number(r.seq) === seq)!.ctid.replace(/[()]/g, '').split(',').map(Number) as [number, number];
      const before = (x: [number, number], y: [number, number]) => x[0] < y[0] || (x[0] === y[0] && x[1] < y[1]);
      expect(before(ctid(h.seq), ctid(l.seq)) && before(ctid(l.seq), ctid(m.seq)), 'row versions in the order h, l, m').toBe(true);

      // Another session holds l for a moment; the renewal takes h and waits for l.
      const blocker = await session();
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM workflows WHERE seq = $1 FOR UPDATE', [l.seq]);
      const renewal = store.renewLeases('a', [h.id, l.id, m.id], Date.now(), LEASE_MS);
      await waiters(sql, 1);
      // The group commit of two stage starts takes m and waits for l.
      const writes = [m, l].map((w) => store.record({ kind: 'started', workflow: w, stage: 'fetch', at: Date.now() }).then(() => 'ok', (e: Error & { code?: string }) => e.code ?? e.message));
      await waiters(sql, 2);
      const released = Date.now();
      await blocker.query('COMMIT');
      await blocker.end();
      // l goes to the renewal, which then waits for m, held by the group, which waits for l.
      expect(await renewal).toEqual([]);
      expect(await Promise.all(writes)).toEqual(['ok', 'ok']);
      // No deadlock detection (deadlock_timeout is 1 s) in between.
      expect(Date.now() - released).toBeLessThan(800);
    } finally {
      await close();
    }
  });

  /**
   * A replica frozen (SIGSTOP, a long pause) inside a transaction that updated a batch's counters
   * keeps that batch row locked. Every other replica's group commit for the batch waits for it
   * while holding its own workflow rows, and their lease renewals wait for those rows: the live
   * replicas cannot renew, their leases expire and any sweep takes their work while they still
   * run it (`runs taken from a live process` in the chaos run). Their sweeps, which also update
   * the batch row, and the stopped replica's own leases wait as well, so nothing moves until it
   * continues.
   */
  it.fails('a live replica renews its leases while another replica is frozen inside a commit', async () => {
    const { store, sql, session, close } = await open();
    try {
      const { batchId, claimed } = await batchOf(store, 2);
      // The frozen replica: its group commit has updated the batch row, then it stopped.
      const frozen = await session();
      await frozen.query('BEGIN');
      await frozen.query('UPDATE batches SET running = running WHERE id = $1', [batchId]);
      try {
        // This replica starts a stage (its group commit waits for the batch row) and renews.
        const started = store.record({ kind: 'started', workflow: claimed[0]!, stage: 'fetch', at: Date.now() });
        started.catch(() => undefined);
        await waiters(sql, 1);
        const renewal = store.renewLeases('a', claimed.map((w) => w.id), Date.now(), LEASE_MS);
        renewal.catch(() => undefined);
        // A renewal is due every third of the lease; a lease of 1.5 s leaves it 1 s at most.
        expect(await Promise.race([renewal.then(() => 'renewed'), sleep(1_000).then(() => 'still waiting')])).toBe('renewed');
      } finally {
        await frozen.query('ROLLBACK');
        await frozen.end();
      }
    } finally {
      await close();
    }
  });
});

describe('lease renewal in the dispatcher: known failure', () => {
  /**
   * The dispatcher renews every third of the lease on a timer (and before a sweep when overdue)
   * without waiting for the renewal in flight. On PostgreSQL a renewal can wait for row locks
   * (above), so renewals stack up: a chaos run saw 9–10 of one replica's renewals at once, its
   * whole pool (DB_POOL_SIZE 10), after which every query of that replica waited for a connection
   * and failed after 10 s ("timeout exceeded when trying to connect": 503s, failed commits, lost
   * leases).
   */
  it.fails('runs one renewal at a time', async () => {
    const wf: ClaimedWorkflow = {
      id: 'w', seq: 1, batchSeq: 1, batchId: 'b', clientId: 'w', priority: 0, status: 'queued', stages: initialStages(), output: null,
      attempts: 0, queuedAt: 0, startedAt: null, finishedAt: null,
      options: { maxConcurrency: null, retry: null, timeouts: null, simulation: null }, leaseOwner: 'me', leaseEpoch: 1,
    };
    let inFlight = 0;
    let most = 0;
    let claimed = false;
    // A store whose renewals take two renewal periods (they wait for a lock).
    const store: DispatchStore = {
      claim: async () => (claimed ? [] : (claimed = true, [wf])),
      renewLeases: async () => {
        most = Math.max(most, ++inFlight);
        await sleep(200);
        inFlight -= 1;
        return [];
      },
      releaseExpiredLeases: async () => 0,
      releaseLeases: async () => 0,
      recover: async () => 0,
    };
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => { finish = resolve; });
    const dispatcher = new Dispatcher({
      store, owner: 'me', concurrency: 1, prefetch: 0, leaseMs: 300, pollMs: 50, now: Date.now,
      log: pino({ level: 'silent' }), onLeaseLost: () => undefined, run: () => gate,
    });
    dispatcher.start();
    await sleep(1_000);
    finish();
    await dispatcher.drain();
    expect(most).toBe(1);
  });
});
