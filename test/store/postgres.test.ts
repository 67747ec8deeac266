/** The PostgreSQL store: the shared contract, each test on a schema of its own in this file's database. */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { STAGES } from '../../src/model/statuses.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { QueueFullError, type ClaimedWorkflow, type RemoteNotice } from '../../src/store/store.js';
import { useTestDatabase } from '../postgres/database.js';
import { describeStoreContract } from './contract/index.js';

const db = useTestDatabase();

// A fresh schema per test and a round trip per write: fewer random sequences than SQLite runs.
describeStoreContract('postgres', (options) => PostgresStore.open({ url: db.url(), schema: db.schema('contract'), ...options }), { modelRuns: 12 });

describe('PostgreSQL store: replicas on one schema', () => {
  it('tells the other replicas what it committed: work, the batches with new events, cancels', async () => {
    const schema = db.schema('notices');
    const a = await PostgresStore.open({ url: db.url(), schema });
    const b = await PostgresStore.open({ url: db.url(), schema });
    try {
      const heard: RemoteNotice[] = [];
      let wake = (): void => {};
      b.onRemote((n) => {
        heard.push(n);
        wake();
      });
      /** The next notice that `match` accepts (a transaction may send a few). */
      const next = (match: (n: RemoteNotice) => boolean) => new Promise<RemoteNotice>((resolve) => {
        wake = () => {
          if (match(heard.at(-1)!)) resolve(heard.at(-1)!);
        };
      });
      let notice = next(() => true);
      const { batch } = await a.createBatch({
        clientIds: [1], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
      }, Date.now());
      expect(await notice).toEqual({ work: true, batches: [batch.id], cancel: { batches: [], workflows: [] } });
      const [wf] = await b.claim('b', 1, Date.now(), 60_000);
      await b.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: Date.now() });
      notice = next((n) => n.cancel.batches.length > 0);
      await a.cancelBatch(batch.id, Date.now());
      expect(await notice).toMatchObject({ cancel: { batches: [batch.id], workflows: [] } });
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('PostgreSQL store: lock order', () => {
  it('a lease renewal locks rows in key order, so it cannot deadlock with a transaction locking them in that order', async () => {
    const schema = db.schema('locks');
    const store = await PostgresStore.open({ url: db.url(), schema });
    const raw = new pg.Client({ connectionString: db.url(), options: `-c search_path=${schema}` });
    await raw.connect();
    try {
      await store.createBatch({ clientIds: [1, 2], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null }, Date.now());
      const [low, high] = (await store.claim('a', 2, Date.now(), 60_000)) as [ClaimedWorkflow, ClaimedWorkflow];
      // Updates move row versions around a table, so the order a scan meets rows in is not their
      // key order; here the table is rewritten backwards to make that certain.
      await raw.query('CREATE INDEX backwards ON workflows (seq DESC)');
      await raw.query('CLUSTER workflows USING backwards');
      const deadlocks = async () => (await raw.query<{ n: string }>(
        'SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0]!.n;
      const before = await deadlocks();
      // A group commit's order: the lower key first…
      await raw.query('BEGIN');
      await raw.query("SET LOCAL lock_timeout = '10s'");
      await raw.query('SELECT 1 FROM workflows WHERE seq = $1 FOR UPDATE', [low.seq]);
      const renewal = store.renewLeases('a', [low.id, high.id], Date.now(), 60_000);
      // …until the renewal waits for it (read from the server, not guessed with a sleep)…
      const waiting = async (): Promise<boolean> => (await raw.query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
      )).rowCount! > 0;
      while (!(await waiting())) await new Promise((resolve) => setImmediate(resolve));
      // …then the higher key: free, since the waiting renewal holds nothing yet.
      await raw.query('SELECT 1 FROM workflows WHERE seq = $1 FOR UPDATE', [high.seq]);
      await raw.query('COMMIT');
      expect((await renewal).lost).toEqual([]);
      // (A deadlock would be broken by aborting one side; the renewal would even run again. None happened.)
      expect(await deadlocks()).toBe(before);
    } finally {
      await raw.end();
      await store.close();
    }
  });
});

describe('PostgreSQL store: admission across replicas', () => {
  const input = (n: number) => ({
    clientIds: Array.from({ length: n }, (_, i) => i), priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
  });

  it('keeps MAX_QUEUED and idempotency keys exact when replicas admit at once', async () => {
    const schema = db.schema('admission');
    const a = await PostgresStore.open({ url: db.url(), schema });
    const b = await PostgresStore.open({ url: db.url(), schema });
    try {
      // Six batches of 4 against a limit of 10, three through each replica, all at once: exactly two fit.
      const tries = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b).createBatch(input(4), Date.now(), { maxQueued: 10 }));
      const outcomes = await Promise.allSettled(tries);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(QueueFullError);
      expect((await a.workflowTotals()).default!.queued).toBe(8);
      // The same key through both replicas at once: one batch, the other answer a replay of it.
      const key = { key: 'k-1', fingerprint: 'f', ttlMs: 60_000 };
      const [x, y] = await Promise.all([a.createBatch(input(1), Date.now(), { idempotency: key }), b.createBatch(input(1), Date.now(), { idempotency: key })]);
      expect(x.batch.id).toBe(y.batch.id);
      expect([x.replayed, y.replayed].sort()).toEqual([false, true]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("PostgreSQL store: a tenant's running cap across replicas", () => {
  it('two replicas claiming at once never lease more of a capped tenant than its maxRunning together', async () => {
    const schema = db.schema('tenantcap');
    const a = await PostgresStore.open({ url: db.url(), schema });
    const b = await PostgresStore.open({ url: db.url(), schema });
    const raw = new pg.Client({ connectionString: db.url(), options: `-c search_path=${schema}` });
    await raw.connect();
    try {
      const now = Date.now();
      await a.putTenant('capped', { maxRunning: 4 }, now);
      for (let i = 0; i < 3; i++) {
        await a.createBatch({
          tenant: 'capped', clientIds: Array.from({ length: 10 }, (_, n) => n), priority: 0, label: null, maxConcurrency: null,
          retry: null, timeouts: null, simulation: null,
        }, now);
      }
      const waiting = async (): Promise<number> => (await raw.query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
      )).rowCount!;
      for (let round = 0; round < 3; round++) {
        // Both claims are held at the same step (a claim reads the tenants table while it plans)
        // and let go together, so each plans while the other does: only the tenant's lock keeps
        // the second from counting before the first has committed its leases.
        await raw.query('BEGIN');
        await raw.query('LOCK TABLE tenants IN ACCESS EXCLUSIVE MODE');
        const claims = Promise.all([a.claim('a', 100, now, 60_000), b.claim('b', 100, now, 60_000)]);
        while ((await waiting()) < 2) await new Promise((resolve) => setImmediate(resolve));
        await raw.query('COMMIT');
        const [x, y] = await claims;
        expect(x.length + y.length).toBe(4);
        expect(Number((await raw.query('SELECT count(*) AS n FROM workflows WHERE lease_owner IS NOT NULL')).rows[0].n)).toBe(4);
        // Freed, the places go to the next claims.
        await a.releaseLeases('a', now);
        await b.releaseLeases('b', now);
      }
    } finally {
      await raw.end();
      await a.close();
      await b.close();
    }
  });
});

describe('PostgreSQL store: flow limits across replicas', () => {
  it("two replicas claiming at once never lease more of a key than its concurrency, nor spend a token twice", async () => {
    const schema = db.schema('flowkey');
    const a = await PostgresStore.open({ url: db.url(), schema });
    const b = await PostgresStore.open({ url: db.url(), schema });
    const raw = new pg.Client({ connectionString: db.url(), options: `-c search_path=${schema}` });
    await raw.connect();
    const none = { concurrency: null, rate: null, periodMs: null, burst: null };
    try {
      const now = Date.now();
      await a.putFlowLimit('crm:acme', { ...none, concurrency: 4 }, now);
      for (const tenant of ['t1', 't2', 't3']) {
        await a.createBatch({
          tenant, clientIds: Array.from({ length: 10 }, (_, n) => n), priority: 0, label: null, maxConcurrency: null,
          retry: null, timeouts: null, simulation: null, flowKey: 'crm:acme',
        }, now);
      }
      const waiting = async (): Promise<number> => (await raw.query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
      )).rowCount!;
      /** Both claims held where they first read flow_limits and let go together: each plans while the other does. */
      const together = async (): Promise<number> => {
        await raw.query('BEGIN');
        await raw.query('LOCK TABLE flow_limits IN ACCESS EXCLUSIVE MODE');
        const claims = Promise.all([a.claim('a', 100, now, 60_000), b.claim('b', 100, now, 60_000)]);
        while ((await waiting()) < 2) await new Promise((resolve) => setImmediate(resolve));
        await raw.query('COMMIT');
        const [x, y] = await claims;
        return x.length + y.length;
      };
      for (let round = 0; round < 2; round++) {
        expect(await together()).toBe(4);
        expect(Number((await raw.query('SELECT count(*) AS n FROM workflows WHERE lease_owner IS NOT NULL')).rows[0].n)).toBe(4);
        await a.releaseLeases('a', now);
        await b.releaseLeases('b', now);
      }
      // A bucket of 3 (per hour: no refill meanwhile): two claims at once take 3 together, not 3 each.
      await a.putFlowLimit('crm:acme', { ...none, rate: 3, periodMs: 3_600_000 }, now);
      expect(await together()).toBe(3);
      expect(await b.getFlowLimit('crm:acme', now)).toMatchObject({ inUse: 3, tokens: 0 });
    } finally {
      await raw.end();
      await a.close();
      await b.close();
    }
  });
});

describe('PostgreSQL store: a frozen replica', () => {
  it('holding a batch row mid-commit stalls the other replicas only until the server ends its idle session', async () => {
    const schema = db.schema('frozen');
    const frozenUrl = new URL(db.url());
    frozenUrl.searchParams.set('application_name', 'frozen');
    // The frozen replica's connection sends nothing more once its counter update holds the batch
    // row: what a SIGSTOP in the middle of a group commit looks like to the server.
    const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
    const patched = function (this: pg.Client, ...args: unknown[]): unknown {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
      const name = (this as unknown as { connectionParameters?: { application_name?: string } }).connectionParameters?.application_name;
      if (name === 'frozen' && text?.startsWith('UPDATE batches SET\n    queued')) {
        // Never sent; fails when the connection ends, as the statement of a resumed process would.
        return new Promise((_, reject) => this.once('end', () => reject(new Error('connection ended'))));
      }
      return query.apply(this, args);
    };
    (pg.Client.prototype as unknown as { query: unknown }).query = patched;
    const alive = await PostgresStore.open({ url: db.url(), schema, idleInTransactionMs: 500 });
    const frozen = await PostgresStore.open({ url: frozenUrl.toString(), schema, idleInTransactionMs: 500 });
    try {
      await alive.createBatch({ clientIds: [1, 2], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null }, Date.now());
      const [mine] = await alive.claim('alive', 1, Date.now(), 60_000);
      const [theirs] = await frozen.claim('frozen', 1, Date.now(), 60_000);
      // The frozen replica starts its stage and freezes holding the batch row.
      void frozen.record({ kind: 'started', workflow: theirs!, stage: 'fetch', at: Date.now() }).catch(() => {});
      const raw = new pg.Client({ connectionString: db.url() });
      await raw.connect();
      while ((await raw.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'frozen' AND state = 'idle in transaction'")).rowCount === 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      await raw.end();
      // The live replica's commit needs that row: it goes through once the server ends the frozen session.
      await alive.record({ kind: 'started', workflow: mine!, stage: 'fetch', at: Date.now() });
      expect((await alive.getWorkflow(mine!.id))!.stages[0]!.status).toBe('running');
    } finally {
      (pg.Client.prototype as unknown as { query: unknown }).query = query;
      await alive.close();
      await frozen.close().catch(() => {});
    }
  }, 20_000);
});

describe('PostgreSQL store: event ids under concurrent writers', () => {
  it('a reader resuming after the last id it saw never skips an event, while two replicas write one batch at once', async () => {
    const schema = db.schema('events');
    const a = await PostgresStore.open({ url: db.url(), schema });
    const b = await PostgresStore.open({ url: db.url(), schema });
    try {
      const n = 60;
      const { batch } = await a.createBatch({
        clientIds: Array.from({ length: n }, (_, i) => i), priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
      }, Date.now());
      const mine = await a.claim('a', n / 2, Date.now(), 60_000);
      const theirs = await b.claim('b', n / 2, Date.now(), 60_000);
      // Both replicas run their halves through every stage at once, each commit racing the other's…
      const run = (store: PostgresStore, wfs: ClaimedWorkflow[]) => Promise.all(wfs.map(async (wf) => {
        for (const stage of STAGES) {
          await store.record({ kind: 'started', workflow: wf, stage, at: Date.now() });
          await store.record({ kind: 'succeeded', workflow: wf, stage, at: Date.now(), output: { stage } });
        }
      }));
      const writing = Promise.all([run(a, mine), run(b, theirs)]);
      // …while a reader pages through the batch's events, resuming after the last id it saw.
      const seen: number[] = [];
      let done = false;
      void writing.then(() => {
        done = true;
      });
      for (;;) {
        const finished = done;
        const page = (await b.listEvents(batch.id, seen.at(-1) ?? 0, 50))!;
        seen.push(...page.map((e) => e.id));
        if (finished && page.length === 0) break;
      }
      await writing;
      const all = (await a.listEvents(batch.id, 0, 100_000))!.map((e) => e.id);
      expect(seen).toEqual(all);
      expect(all).toEqual(all.map((_, i) => i + 1));
      // created, started, 6 stage events and a finish per workflow, and the batch's finish.
      expect(all).toHaveLength(2 + n * 7 + 1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('PostgreSQL store: retention across replicas', () => {
  const T0 = Date.parse('2026-01-01T00:00:00.000Z');
  const DAY = 86_400_000;

  /** `n` batches of one workflow each, finished at T0; returns their ids in creation order. */
  async function finishedBatches(store: PostgresStore, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { batch } = await store.createBatch({ clientIds: [i], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null }, T0);
      ids.push(batch.id);
    }
    for (const wf of await store.claim('e', n, T0, 60_000)) {
      for (const stage of STAGES) {
        await store.record({ kind: 'started', workflow: wf, stage, at: T0 });
        await store.record({ kind: 'succeeded', workflow: wf, stage, at: T0 + 1, output: {} });
      }
    }
    return ids;
  }

  it('never waits for a lock: a batch another transaction holds, or one of whose workflows it holds, is left for later', async () => {
    const schema = db.schema('purge_locks');
    const store = await PostgresStore.open({ url: db.url(), schema });
    const raw = new pg.Client({ connectionString: db.url(), options: `-c search_path=${schema}` });
    await raw.connect();
    try {
      const [purging, retrying, free] = await finishedBatches(store, 3);
      // Another replica purging the first; a retry that locked the second's workflows (it locks
      // them before their batch row, and would wait for that row next).
      await raw.query('BEGIN');
      await raw.query('SELECT 1 FROM batches WHERE id = $1 FOR UPDATE', [purging]);
      await raw.query('SELECT 1 FROM workflows WHERE batch_seq = (SELECT seq FROM batches WHERE id = $1) FOR UPDATE', [retrying]);
      // Were it to wait, this would not resolve before the ROLLBACK below.
      expect(await store.purgeFinished(T0 + DAY, 100)).toMatchObject({ batches: 1, workflows: 1 });
      expect(await store.getBatch(free!, T0)).toBeNull();
      expect(await store.getBatch(retrying!, T0)).not.toBeNull();
      await raw.query('ROLLBACK');
      expect(await store.purgeFinished(T0 + DAY, 100)).toMatchObject({ batches: 2, workflows: 2 });
      expect(await store.getBatch(purging!, T0)).toBeNull();
    } finally {
      await raw.end();
      await store.close();
    }
  });

  it('replicas purging at once delete every batch once, without deadlocks', async () => {
    const schema = db.schema('purge_replicas');
    const a = await PostgresStore.open({ url: db.url(), schema });
    const b = await PostgresStore.open({ url: db.url(), schema });
    const raw = new pg.Client({ connectionString: db.url() });
    await raw.connect();
    try {
      const ids = await finishedBatches(a, 30);
      const deadlocks = async () => (await raw.query<{ n: string }>(
        'SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0]!.n;
      const before = await deadlocks();
      const drain = async (store: PostgresStore) => {
        let batches = 0;
        for (;;) {
          const r = await store.purgeFinished(T0 + DAY, 2);
          // Nothing left to take: what the other replica holds is gone once it commits.
          if (r.batches === 0 && (await store.listBatches({ limit: 1 }, T0)).items.length === 0) return batches;
          batches += r.batches;
        }
      };
      const [x, y] = await Promise.all([drain(a), drain(b)]);
      expect(x + y).toBe(ids.length);
      expect(await a.workflowTotals()).toEqual({ default: { queued: 0, running: 0, succeeded: 0, failed: 0, canceled: 0 } });
      expect(await deadlocks()).toBe(before);
    } finally {
      await raw.end();
      await a.close();
      await b.close();
    }
  });
});

describe('PostgreSQL store: versions', () => {
  it('refuses, in one line and writing nothing, a schema a newer release migrated further', async () => {
    const schema = db.schema('newer');
    await (await PostgresStore.open({ url: db.url(), schema })).close();
    const client = new pg.Client({ connectionString: db.url() });
    await client.connect();
    try {
      const known = Number((await client.query(`SELECT max(version) AS v FROM ${schema}.clientflow_migrations`)).rows[0].v);
      await client.query(`INSERT INTO ${schema}.clientflow_migrations (version) VALUES ($1)`, [known + 1]);
      const opening = PostgresStore.open({ url: db.url(), schema });
      await expect(opening).rejects.toThrow(`it was migrated by a newer clientflow (schema version ${known + 1}; this release knows ${known})`);
      await opening.catch((error: Error) => expect(error.message).not.toContain('\n'));
      const { rows } = await client.query(`SELECT count(*)::int AS n, max(version) AS v FROM ${schema}.clientflow_migrations`);
      expect(rows[0]).toEqual({ n: known + 1, v: known + 1 });
    } finally {
      await client.end();
    }
  });
});
