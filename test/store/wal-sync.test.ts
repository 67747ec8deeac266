/**
 * DB_SYNC=full: nothing is reported committed before the fsync of the WAL that follows the commit
 * has returned (src/store/sqlite/wal-sync.ts). The fsync is held here, so the test sees what the
 * store does while the disk has not answered yet.
 */
import type { fdatasync as FdatasyncFn } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../../src/model/events.js';
import type { NewBatch } from '../../src/model/types.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

type Callback = (error: NodeJS.ErrnoException | null) => void;
/** fdatasync calls not answered yet: the test answers them. */
const held: Array<{ fd: number; done: Callback }> = [];
let onCall: (() => void) | null = null;
/** Answer at once (while closing). */
let autoAnswer = false;

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fdatasync = ((fd: number, done: Callback) => {
    if (autoAnswer) return setImmediate(() => done(null));
    held.push({ fd, done });
    onCall?.();
  }) as unknown as typeof FdatasyncFn;
  return { ...fs, fdatasync, default: { ...fs, fdatasync } };
});

const batch: NewBatch = {
  clientIds: [1, 2], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
};

/** The next fdatasync call, once it is made. */
function nextSync(): Promise<{ fd: number; done: Callback }> {
  if (held.length > 0) return Promise.resolve(held.shift()!);
  return new Promise((resolve) => {
    onCall = () => {
      onCall = null;
      resolve(held.shift()!);
    };
  });
}

async function close(store: SqliteStore): Promise<void> {
  autoAnswer = true;
  for (const h of held.splice(0)) h.done(null);
  await store.close();
}

/** Lets every pending callback and promise of this turn run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('WAL fsync off the event loop (DB_SYNC=full)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clientflow-walsync-'));
    held.length = 0;
    autoAnswer = false;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers a write and publishes its events only after the fsync that follows its commit', async () => {
    const store = new SqliteStore({ path: join(dir, 'x.db'), sync: 'full' });
    const heard: EngineEvent[] = [];
    store.onEvents((e) => heard.push(e));
    let answered = false;
    const created = store.createBatch(batch, 1_000).then((r) => {
      answered = true;
      return r;
    });
    const sync = await nextSync();
    await turn();
    // Committed, but neither answered nor published while the disk has not answered; the event
    // log does not replay it either (a stream must not tell of what a power loss could undo).
    expect(answered).toBe(false);
    expect(heard).toEqual([]);
    const { items } = await store.listBatches({ limit: 10 }, 1_000);
    expect(items).toHaveLength(1);
    expect(await store.listEvents(items[0]!.id, 0, 10)).toEqual([]);
    sync.done(null);
    const { batch: b } = await created;
    expect(heard.map((e) => e.type)).toEqual(['batch.created']);
    expect((await store.listEvents(b.id, 0, 10))!.map((e) => e.type)).toEqual(['batch.created']);
    expect(b.progress.total).toBe(2);
    await close(store);
  });

  it('shares one fsync among the commits made while another is in flight, and keeps their order', async () => {
    const store = new SqliteStore({ path: join(dir, 'x.db'), sync: 'full' });
    const heard: string[] = [];
    store.onEvents((e) => heard.push(e.type === 'batch.created' ? `created:${e.total}` : e.type));
    const first = store.createBatch({ ...batch, clientIds: [1] }, 1_000);
    const firstSync = await nextSync();
    // Two more batches commit while the first fsync is out: they wait for it, then share one.
    const second = store.createBatch({ ...batch, clientIds: [1, 2] }, 1_001);
    const third = store.createBatch({ ...batch, clientIds: [1, 2, 3] }, 1_002);
    await turn();
    expect(held).toHaveLength(0);
    firstSync.done(null);
    await first;
    const shared = await nextSync();
    await turn();
    expect(heard).toEqual(['created:1']);
    shared.done(null);
    await Promise.all([second, third]);
    expect(held).toHaveLength(0);
    expect(heard).toEqual(['created:1', 'created:2', 'created:3']);
    await close(store);
  });

  it('answers a claim once it commits, and a stage start only after its fsync', async () => {
    const store = new SqliteStore({ path: join(dir, 'x.db'), sync: 'full' });
    const created = store.createBatch(batch, 1_000);
    (await nextSync()).done(null);
    await created;
    // The claim commits and is answered while its fsync is still out: its loss in a power cut
    // would undo nothing durable, and the workflow starts a disk round-trip sooner.
    const [wf] = await store.claim('e', 1, 1_001, 60_000);
    expect(wf).toBeDefined();
    const sync = await nextSync();
    let started = false;
    const start = store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: 1_002 }).then(() => {
      started = true;
    });
    sync.done(null);
    // The start commits after the claim's fsync, and waits for its own.
    const own = await nextSync();
    await turn();
    expect(started).toBe(false);
    own.done(null);
    await start;
    expect(started).toBe(true);
    await close(store);
  });

  it('lets a batch\'s work be claimed once it commits, while its fsync is out; the batch is answered only after it', async () => {
    const store = new SqliteStore({ path: join(dir, 'x.db'), sync: 'full' });
    let answered = false;
    let claimed: Promise<unknown[]> | undefined;
    const created = store.createBatch(batch, 1_000, { onCommitted: () => { claimed = store.claim('e', 2, 1_001, 60_000, { soon: true }); } }).then(() => {
      answered = true;
    });
    const sync = await nextSync();
    // The claim (of an idle engine) needs no fsync of its own before it answers, and does not wait for the batch's.
    expect(claimed).toBeDefined();
    expect(await claimed).toHaveLength(2);
    expect(answered).toBe(false);
    sync.done(null);
    await created;
    expect(answered).toBe(true);
    await close(store);
  });

  it('refuses a write whose fsync failed, publishes nothing of it, and reports the store failing until the WAL syncs again', async () => {
    const store = new SqliteStore({ path: join(dir, 'x.db'), sync: 'full' });
    const heard: EngineEvent[] = [];
    store.onEvents((e) => heard.push(e));
    const created = store.createBatch(batch, 1_000);
    const sync = await nextSync();
    sync.done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(created).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(heard).toEqual([]);
    // The probe commits, then syncs the WAL as real work would: still failing, not ready.
    let probe = store.probeWrite(2_000);
    (await nextSync()).done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    expect(await probe).toBe(false);
    // The disk answers again: ready, with no real write needed to show it.
    probe = store.probeWrite(3_000);
    (await nextSync()).done(null);
    expect(await probe).toBe(true);
    expect(await store.probeWrite(4_000)).toBe(true);
    await close(store);
  });

  it('does not fsync with DB_SYNC=normal', async () => {
    const store = new SqliteStore({ path: join(dir, 'x.db'), sync: 'normal' });
    await store.createBatch(batch, 1_000);
    expect(held).toHaveLength(0);
    await store.close();
  });
});
