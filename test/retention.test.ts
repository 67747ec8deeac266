/** Retention: the loop (engine/retention.ts) on a scripted store, and a service that purges what finished long ago. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { DAY_MS, RetentionLoop } from '../src/engine/retention.js';
import { STAGES } from '../src/model/statuses.js';
import { createService, type Service } from '../src/service.js';
import type { Purged, Retention } from '../src/store/store.js';
import { openStore } from '../src/store/index.js';
import { deferred } from './helpers.js';
import { useStores } from './stores.js';

const stores = useStores();

const NOTHING: Purged = { batches: 0, workflows: 0, events: 0 };
const silent = pino({ level: 'silent' });

/** A store whose purges the test answers one by one: `calls` lists each purge's arguments as it comes. */
function scriptedStore() {
  const calls: Array<{ before: number; limit: number; answer: (p: Purged | Error) => void }> = [];
  let arrived = deferred();
  const store: Retention = {
    purgeFinished: (before, limit) => new Promise<Purged>((resolve, reject) => {
      calls.push({ before, limit, answer: (p) => (p instanceof Error ? reject(p) : resolve(p)) });
      arrived.resolve();
    }),
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

  it('keeps everything with 0 days: no pass runs, and a pass asked for deletes nothing', async () => {
    const { store, calls } = scriptedStore();
    const loop = new RetentionLoop({ store, logger: silent, days: 0, now: () => Date.now(), intervalMs: 1 });
    loop.start();
    expect(loop.active).toBe(false);
    expect(await loop.pass()).toEqual(NOTHING);
    expect(calls).toHaveLength(0);
    await loop.stop();
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
