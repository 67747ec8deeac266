/**
 * Retention: the loop (engine/retention.ts) on a scripted store, each tenant's retention on both
 * stores, and a service that purges what finished long ago.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { DAY_MS, RetentionLoop } from '../src/engine/retention.js';
import { STAGES } from '../src/model/statuses.js';
import { createService, type Service } from '../src/service.js';
import type { Tenant } from '../src/model/tenants.js';
import type { Purged, PurgeScope, Retention, Store, Tenancy } from '../src/store/store.js';
import { openStore } from '../src/store/index.js';
import { deferred } from './helpers.js';
import { batchInput } from './store/contract/harness.js';
import { useStores } from './stores.js';

const stores = useStores();

const NOTHING: Purged = { batches: 0, workflows: 0, events: 0 };
const silent = pino({ level: 'silent' });

/**
 * A store whose purges the test answers one by one: `calls` lists each purge's arguments as it
 * comes. Its tenants are `tenants` (none with days of their own unless given).
 */
function scriptedStore(tenants: Tenant[] = []) {
  const calls: Array<{ before: number; limit: number; scope: PurgeScope | undefined; answer: (p: Purged | Error) => void }> = [];
  let arrived = deferred();
  const store: Retention & Pick<Tenancy, 'listTenants'> = {
    purgeFinished: (before, limit, scope) => new Promise<Purged>((resolve, reject) => {
      calls.push({ before, limit, scope, answer: (p) => (p instanceof Error ? reject(p) : resolve(p)) });
      arrived.resolve();
    }),
    listTenants: () => Promise.resolve(tenants),
  };
  /** The nth call (from 0), once it has come. */
  const call = async (n: number) => {
    while (calls.length <= n) {
      await arrived.promise;
      arrived = deferred();
    }
    return calls[n]!;
  };
  return { store, calls, call };
}

describe('RetentionLoop', () => {
  it('runs a pass at start, a chunk at a time until nothing is due, again after the interval, and never after stop', async () => {
    const { store, calls, call } = scriptedStore();
    const now = Date.parse('2026-03-01T00:00:00.000Z');
    const loop = new RetentionLoop({ store, logger: silent, days: 30, now: () => now, intervalMs: 1, chunk: 7 });
    const heard: Purged[] = [];
    loop.onPurge((p) => heard.push(p));
    loop.start();
    const first = await call(0);
    expect(first).toMatchObject({ before: now - 30 * DAY_MS, limit: 7 });
    first.answer({ batches: 2, workflows: 7, events: 60 });
    // More was due: the same pass asks again, with the same cutoff.
    (await call(1)).answer({ batches: 0, workflows: 3, events: 20 });
    (await call(2)).answer(NOTHING);
    expect(heard).toEqual([{ batches: 2, workflows: 7, events: 60 }, { batches: 0, workflows: 3, events: 20 }]);
    // The next pass, after the interval.
    const second = await call(3);
    expect(second.before).toBe(now - 30 * DAY_MS);
    const stopped = loop.stop();
    second.answer({ batches: 1, workflows: 1, events: 9 });
    await stopped;
    // It ended with the chunk it was in: no further chunk, no pass scheduled.
    expect(calls).toHaveLength(4);
    expect(loop.active).toBe(false);
  });

  it('logs a failed purge as a warning and tries again at the next pass', async () => {
    const { store, call } = scriptedStore();
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: 'info' }, new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    }));
    const loop = new RetentionLoop({ store, logger, days: 1, now: () => 0, intervalMs: 1 });
    loop.start();
    (await call(0)).answer(new Error('disk I/O error'));
    (await call(1)).answer({ batches: 1, workflows: 1, events: 1 });
    (await call(2)).answer(NOTHING);
    await call(3);
    await Promise.all([loop.stop(), call(3).then((c) => c.answer(NOTHING))]);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'retention: purge failed; the next pass tries again'],
      [30, 'retention: deleted finished batches'],
    ]);
  });

  it('keeps everything with 0 days and no tenant with days of its own: a pass purges nothing', async () => {
    const { store, calls } = scriptedStore([{ id: 'acme', quotas: { maxQueued: 5 }, createdAt: '2026-01-01T00:00:00.000Z' }]);
    const loop = new RetentionLoop({ store, logger: silent, days: 0, now: () => Date.now(), intervalMs: 1 });
    expect(await loop.pass()).toEqual(NOTHING);
    expect(calls).toHaveLength(0);
    await loop.stop();
  });

  it('purges each tenant with days of its own to its cutoff, shortest first, then every other to the server\'s; 0 keeps', async () => {
    const tenant = (id: string, retentionDays?: number): Tenant => ({ id, quotas: { retentionDays }, createdAt: '2026-01-01T00:00:00.000Z' });
    const { store, call } = scriptedStore([tenant('week', 7), tenant('plain'), tenant('day', 1), tenant('forever', 0), tenant('week2', 7)]);
    const now = Date.parse('2026-03-01T00:00:00.000Z');
    const loop = new RetentionLoop({ store, logger: silent, days: 30, now: () => now, chunk: 7 });
    const pass = loop.pass();
    const first = await call(0);
    expect(first).toMatchObject({ before: now - DAY_MS, limit: 7, scope: { tenants: ['day'] } });
    first.answer({ batches: 1, workflows: 1, events: 5 });
    (await call(1)).answer(NOTHING);
    const week = await call(2);
    expect(week).toMatchObject({ before: now - 7 * DAY_MS, scope: { tenants: ['week', 'week2'] } });
    week.answer(NOTHING);
    const rest = await call(3);
    expect(rest).toMatchObject({ before: now - 30 * DAY_MS, scope: { exceptTenants: ['week', 'week2', 'day', 'forever'] } });
    rest.answer({ batches: 2, workflows: 2, events: 10 });
    (await call(4)).answer(NOTHING);
    expect(await pass).toEqual({ batches: 3, workflows: 3, events: 15 });
    await loop.stop();
  });

  it('runs with RETENTION_DAYS=0 when a tenant has days of its own, and purges only that tenant', async () => {
    const { store, calls, call } = scriptedStore([{ id: 'brief', quotas: { retentionDays: 2 }, createdAt: '2026-01-01T00:00:00.000Z' }]);
    const now = Date.parse('2026-03-01T00:00:00.000Z');
    const loop = new RetentionLoop({ store, logger: silent, days: 0, now: () => now, intervalMs: 1 });
    loop.start();
    expect(loop.active).toBe(true);
    const first = await call(0);
    expect(first).toMatchObject({ before: now - 2 * DAY_MS, scope: { tenants: ['brief'] } });
    first.answer(NOTHING);
    // The next pass, after the interval: the server's days purge no other tenant.
    const next = await call(1);
    expect(next.scope).toEqual({ tenants: ['brief'] });
    await Promise.all([loop.stop(), next.answer(NOTHING)]);
    expect(calls).toHaveLength(2);
    expect(loop.active).toBe(false);
  });
});

stores.describe('retention in the service', () => {
  const open: Service[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.stop();
  });

  it('deletes the batches that finished more than RETENTION_DAYS ago when it starts: 404 after, counted in /metrics, one log line', async () => {
    const config = loadConfig({}, { DB_PATH: ':memory:', FETCH_MS: 1, PROCESS_MS: 1, STORE_MS: 1, RETENTION_DAYS: 30, ...stores.config() });
    const store = await openStore(config);
    const longAgo = Date.now() - 40 * DAY_MS;
    const input = (clientIds: number[]) => ({
      clientIds, priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
    });
    // Two batches that ran 40 days ago (written as an engine then would have), then one to run now.
    const old = [(await store.createBatch(input([1, 2]), longAgo)).batch.id, (await store.createBatch(input([3]), longAgo)).batch.id];
    for (const wf of await store.claim('then', 10, longAgo, 60_000)) {
      for (const stage of STAGES) {
        await store.record({ kind: 'started', workflow: wf, stage, at: longAgo });
        await store.record({ kind: 'succeeded', workflow: wf, stage, at: longAgo + 1, output: {} });
      }
    }
    const fresh = (await store.createBatch(input([4]), Date.now())).batch.id;

    const logged = deferred<Record<string, unknown>>();
    const logger = pino({ level: 'info' }, new Writable({
      write(chunk: Buffer, _encoding, done) {
        const line = JSON.parse(chunk.toString()) as Record<string, unknown>;
        if (line.msg === 'retention: deleted finished batches') logged.resolve(line);
        done();
      },
    }));
    const service = await createService(config, { store, logger });
    open.push(service);
    await service.app.ready();
    await service.start();
    expect(await logged.promise).toMatchObject({ batches: 2, workflows: 3, retentionDays: 30 });

    for (const id of old) expect((await service.app.inject({ method: 'GET', url: `/v1/batches/${id}` })).statusCode).toBe(404);
    expect((await service.app.inject({ method: 'GET', url: `/v1/batches/${fresh}` })).statusCode).toBe(200);
    const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('clientflow_retention_deleted_total{kind="batches"} 2');
    expect(metrics).toContain('clientflow_retention_deleted_total{kind="workflows"} 3');
    expect(service.engine.retention.active).toBe(true);
    await service.stop();
    // Stopped with the service: nothing left scheduled.
    expect(service.engine.retention.active).toBe(false);
  });
});

stores.describe('retention per tenant', () => {
  const now = Date.parse('2026-03-01T00:00:00.000Z');
  const open: Store[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  /**
   * A store holding one batch per tenant, each finished `ageDays` before `now`, then one still
   * queued (SQLite never purges the newest batch); `own` sets tenants' retentionDays.
   */
  async function storeWith(tenants: string[], ageDays: number, own: Record<string, number>) {
    const store = await openStore(loadConfig({}, { DB_PATH: ':memory:', ...stores.config() }));
    open.push(store);
    for (const [tenant, retentionDays] of Object.entries(own)) await store.putTenant(tenant, { retentionDays }, now);
    const at = now - ageDays * DAY_MS;
    const ids = new Map<string, string>();
    for (const tenant of tenants) {
      ids.set(tenant, (await store.createBatch(batchInput([1, 2], { tenant }), at)).batch.id);
      for (const wf of await store.claim('then', 10, at, 60_000)) {
        for (const stage of STAGES) {
          await store.record({ kind: 'started', workflow: wf, stage, at });
          await store.record({ kind: 'succeeded', workflow: wf, stage, at: at + 1, output: {} });
        }
      }
    }
    await store.createBatch(batchInput([3]), now);
    /** The tenants whose batch is still there. */
    const kept = async () => {
      const left: string[] = [];
      for (const [tenant, id] of ids) if (await store.getBatch(id, now)) left.push(tenant);
      return left;
    };
    return { store, kept };
  }

  const pass = (store: Store, days: number) => new RetentionLoop({ store, logger: silent, days, now: () => now, chunk: 1 }).pass();

  it('purges a tenant with 1 day of retention while another\'s batch of the same age stays under the server\'s 30', async () => {
    const { store, kept } = await storeWith(['brief', 'plain'], 2, { brief: 1 });
    expect(await pass(store, 30)).toMatchObject({ batches: 1, workflows: 2 });
    expect(await kept()).toEqual(['plain']);
    // Its finished workflows left its totals (maxStored counts them), and only its.
    const totals = await store.workflowTotals();
    expect([totals.brief?.succeeded, totals.plain?.succeeded]).toEqual([0, 2]);
  });

  it('keeps a tenant with retentionDays 0 where the server\'s days purge the others', async () => {
    const { store, kept } = await storeWith(['forever', 'plain', 'default'], 40, { forever: 0 });
    expect(await pass(store, 30)).toMatchObject({ batches: 2, workflows: 4 });
    expect(await kept()).toEqual(['forever']);
  });

  it('with RETENTION_DAYS=0 purges only the tenant that has days of its own', async () => {
    const { store, kept } = await storeWith(['brief', 'plain', 'default'], 400, { brief: 3 });
    expect(await pass(store, 0)).toMatchObject({ batches: 1, workflows: 2 });
    expect(await kept()).toEqual(['plain', 'default']);
  });
});
