/**
 * Who owns the work, and what a failure leaves behind: a process stalled past its leases keeps
 * its own running stages; a second process on the same database file refuses to start and takes
 * nothing; a failed write leaves every counter true; /readyz follows the store's ability to
 * commit; a database that cannot be opened stops the start with one line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/model/events.js';
import type { StageHandlers } from '../src/engine/stages/stage.js';
import { spawnServer, startServer, type ChildServer } from './child-server.js';
import { deferred, type TestService } from './helpers.js';
import { useStores } from './stores.js';

// Both stores for the lease sweep; the rest is SQLite's own (its file lock, its group commit, a
// trigger on its file): replicas.test.ts covers what several PostgreSQL processes do.
const stores = useStores();

let dir: string;
let service: TestService | undefined;
const servers: ChildServer[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clientflow-ownership-'));
});
afterEach(async () => {
  await service?.close();
  service = undefined;
  for (const s of servers.splice(0)) {
    s.child.kill('SIGKILL');
    await s.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A fetch that waits for `gate` (or its abort); process and store return at once. */
function gatedStages(gate: Promise<void>, started: () => void): StageHandlers {
  return {
    fetch: {
      name: 'fetch',
      run: (_input, ctx) => new Promise((resolve, reject) => {
        started();
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true });
        void gate.then(() => resolve({ fetched: true }));
      }),
    },
    process: { name: 'process', run: async () => ({ processed: true }) },
    store: { name: 'store', run: async () => ({ stored: true }) },
  };
}

async function allEvents(s: TestService, batchId: string): Promise<EngineEvent[]> {
  return (await s.store.listEvents(batchId, 0, 10_000)) ?? [];
}

stores.describe('a process stalled past its lease', () => {
  /**
   * One workflow whose fetch waits on a gate, a clock the test moves, a poll every 5 ms. Ten
   * leases' worth of time passes at once (a SIGSTOP, a VM pause), the lease sweep runs twice at
   * the new time, then the fetch ends. `beforeStall` may break the store for the new time.
   */
  async function stall(beforeStall: (s: TestService, stalledUntil: number) => void = () => undefined) {
    let clock = Date.parse('2026-01-01T00:00:00.000Z');
    const gate = deferred();
    const fetchStarted = deferred();
    service = await stores.start({
      config: { LEASE_MS: 60_000, POLL_MS: 5 },
      engine: { now: () => clock, handlers: gatedStages(gate.promise, () => fetchStarted.resolve()) },
    });
    const s = service;
    const res = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: ['a'] } });
    const batchId = (res.json() as { id: string }).id;
    await fetchStarted.promise;
    const stalledUntil = clock + 600_000;
    beforeStall(s, stalledUntil);
    let sweeps = 0;
    const swept = deferred();
    const sweep = s.store.releaseExpiredLeases.bind(s.store);
    s.store.releaseExpiredLeases = async (now: number) => {
      const n = await sweep(now);
      if (now >= stalledUntil && ++sweeps === 2) swept.resolve();
      return n;
    };
    clock = stalledUntil;
    await swept.promise;
    const finished = s.waitFor((e) => e.type === 'batch.finished');
    gate.resolve();
    await finished;
    return { s, batchId, events: await allEvents(s, batchId) };
  }

  it('keeps running its own stage: one attempt, no interruption, no second start', async () => {
    const { s, batchId, events } = await stall();
    expect(events.filter((e) => e.type === 'stage.started' && e.stage === 'fetch')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'stage.interrupted')).toEqual([]);
    const batch = (await s.app.inject({ url: `/v1/batches/${batchId}` })).json() as { status: string };
    expect(batch.status).toBe('succeeded');
    const wf = (await s.store.listWorkflows(batchId, { limit: 1 }))!.items[0]!;
    expect(wf.stages.map((st) => st.attempts)).toEqual([1, 1, 1]);
  });

  it('does not sweep after a failed renewal: its running stage is not taken from it', async () => {
    let failed = false;
    const { events } = await stall((s, stalledUntil) => {
      // The first renewal after the stall fails (a busy database, a failing group commit).
      const renew = s.store.renewLeases.bind(s.store);
      s.store.renewLeases = async (owner, ids, now, leaseMs) => {
        if (!failed && now >= stalledUntil) {
          failed = true;
          throw new Error('simulated renewal failure');
        }
        return renew(owner, ids, now, leaseMs);
      };
    });
    expect(failed).toBe(true);
    expect(events.filter((e) => e.type === 'stage.started' && e.stage === 'fetch')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'stage.interrupted')).toEqual([]);
  });
});

describe('a process whose lease was taken', () => {
  it('stops the attempt in flight and writes nothing more for it', async () => {
    let clock = Date.parse('2026-01-01T00:00:00.000Z');
    const fetchStarted = deferred();
    const aborted = deferred<unknown>();
    service = await stores.start({
      config: { LEASE_MS: 60_000, POLL_MS: 5 },
      engine: {
        now: () => clock,
        handlers: {
          ...gatedStages(new Promise(() => undefined), () => undefined),
          fetch: {
            name: 'fetch',
            run: (_input, ctx) => new Promise((_resolve, reject) => {
              fetchStarted.resolve();
              ctx.signal.addEventListener('abort', () => {
                aborted.resolve(ctx.signal.reason);
                reject(ctx.signal.reason as Error);
              }, { once: true });
            }),
          },
        },
      },
    });
    const s = service;
    const res = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: ['a'] } });
    const batchId = (res.json() as { id: string }).id;
    await fetchStarted.promise;
    // Another owner sweeps the lease the moment it expires and claims the workflow: what a second
    // replica would do to a process it believes dead.
    clock += 120_000;
    // (Both in one group commit, so this engine's own dispatcher cannot claim it in between.)
    const [, [taken]] = await Promise.all([s.store.releaseExpiredLeases(clock), s.store.claim('another-process', 1, clock, 60_000)]);
    expect(taken?.batchId).toBe(batchId);
    expect(await aborted.promise).toMatchObject({ why: 'lease-lost' });
    // Stopping drains this engine: once it has, whatever the aborted run would write is written.
    await s.engine.stop();
    const types = (await allEvents(s, batchId)).map((e) => e.type);
    expect(types).toEqual(['batch.created', 'batch.started', 'stage.started', 'stage.interrupted']);
    const wf = (await s.store.getWorkflow(taken!.id))!;
    expect(wf.stages[0]).toMatchObject({ status: 'pending', attempts: 1 });
  });
});

describe('a failed write', () => {
  it('leaves the queued total true: MAX_QUEUED still counts the workflows a failed cancel left queued', async () => {
    const path = join(dir, 'clientflow.db');
    const gate = deferred();
    service = await stores.start({
      config: { DB_PATH: path, MAX_QUEUED: 30, CONCURRENCY: 1 },
      engine: { handlers: gatedStages(gate.promise, () => undefined) },
    });
    const s = service;
    const first = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: Array.from({ length: 21 }, (_, i) => i) } });
    expect(first.statusCode).toBe(202);
    const batchId = (first.json() as { id: string }).id;
    await s.waitFor((e) => e.type === 'stage.started');

    // Another connection makes the cancel's batch-counter update fail, as a full disk would.
    const other = new Database(path);
    other.exec(`CREATE TRIGGER fail_cancel BEFORE UPDATE ON batches WHEN NEW.canceled > OLD.canceled
      BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END`);
    const cancel = await s.app.inject({ method: 'POST', url: `/v1/batches/${batchId}/cancel`, headers: { 'content-type': 'application/json' } });
    expect(cancel.statusCode).toBeGreaterThanOrEqual(500);
    expect(cancel.body).not.toContain('simulated write failure');
    other.exec('DROP TRIGGER fail_cancel');
    other.close();

    // Nothing was canceled: 20 workflows are still queued, so 11 more would pass 30.
    const batch = (await s.app.inject({ url: `/v1/batches/${batchId}` })).json() as { progress: { queued: number } };
    expect(batch.progress.queued).toBe(20);
    const second = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: Array.from({ length: 11 }, (_, i) => i) } });
    expect(second.statusCode).toBe(429);
    const fits = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: Array.from({ length: 10 }, (_, i) => i) } });
    expect(fits.statusCode).toBe(202);
    gate.resolve();
  });

  it('answers 503 store-unavailable with Retry-After when the store cannot commit, naming nothing internal; ready again once it can, with no real work', async () => {
    const path = join(dir, 'clientflow.db');
    service = await stores.start({ config: { DB_PATH: path } });
    const s = service;
    // Another connection holds the write lock past the store's busy timeout (5 s).
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const refused = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1] } });
    other.exec('ROLLBACK');
    other.close();
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json()).toMatchObject({ type: expect.stringMatching(/store-unavailable$/), status: 503 });
    expect(refused.body).not.toMatch(/SQLITE|database|\.db/i);
    expect((await s.app.inject({ url: '/v1/batches' })).json()).toMatchObject({ items: [] });
    // The lock is gone: the probe commits, the disk has room and the WAL syncs, so the store is
    // ready again though nothing else wrote (a balancer sends no work to an unready service).
    expect((await s.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const accepted = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1] } });
    expect(accepted.statusCode).toBe(202);
    expect((await s.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('makes /readyz answer 503 while the store cannot commit, and 200 once it can again', async () => {
    const path = join(dir, 'clientflow.db');
    service = await stores.start({ config: { DB_PATH: path } });
    const s = service;
    expect((await s.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const other = new Database(path);
    for (const op of ['INSERT', 'UPDATE']) {
      other.exec(`CREATE TRIGGER fail_probe_${op} BEFORE ${op} ON store_probe BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    }
    const down = await s.app.inject({ url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'unavailable', checks: { store: false, engine: true } });
    for (const op of ['INSERT', 'UPDATE']) other.exec(`DROP TRIGGER fail_probe_${op}`);
    other.close();
    expect((await s.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
});

describe('one process per database file', () => {
  it('a second process on the same DB_PATH exits 1 with one line and takes nothing over', async () => {
    const env = { DB_PATH: join(dir, 'clientflow.db'), CONCURRENCY: '8' };
    const first = await startServer(env);
    servers.push(first);
    const res = await fetch(`${first.url}/v1/batches`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientIds: [1, 2, 3, 4], simulation: { fetchMs: 300, processMs: 10, storeMs: 10 } }),
    });
    const { id } = (await res.json()) as { id: string };
    await first.waitForLog((l) => l.msg === 'fetch started' && l.batchId === id);

    const second = spawnServer(env);
    const outcome = await Promise.race([
      second.exited.then((code) => ({ code })),
      second.waitForLog((l) => String(l.msg).startsWith('Server listening')).then(() => ({ code: 'listening' as const })),
    ]);
    if (outcome.code === 'listening') servers.push({ ...second, url: '' });
    expect(outcome.code).toBe(1);
    const lines = second.stderr().trim().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^clientflow: the database at .* is in use by another process$/)]);

    // The first process finishes its batch untouched: nothing interrupted, nothing run twice.
    await first.waitForLog((l) => l.batchId === id && l.msg === 'batch succeeded');
    const events = await (await fetch(`${first.url}/v1/batches/${id}/events`)).text();
    expect(events).not.toContain('stage.interrupted');
    expect(events.match(/event: stage\.started/g)).toHaveLength(12);
  });

  it('a DB_PATH that cannot be opened stops the start with one line, no stack', async () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    for (const path of [join(file, 'clientflow.db'), join(dir, 'garbage.db')]) {
      if (path.endsWith('garbage.db')) writeFileSync(path, 'this is not a database, just text long enough to be read as one'.repeat(100));
      const server = spawnServer({ DB_PATH: path });
      expect(await server.exited).toBe(1);
      const lines = server.stderr().trim().split('\n');
      expect(lines).toEqual([expect.stringMatching(/^clientflow: cannot open the database at .+: .+$/)]);
    }
  });
});
