/**
 * Counters and events against a recount, after random operations (a seeded fast-check model).
 * The Store promises that a batch's counters are derived from its workflows' transitions (so a
 * recount from the workflows always agrees), that workflowTotals sums them by tenant, that events
 * are published after commit in id order and listed exactly as published, and that the batch's
 * own events come once per change: `batch.created` first, one `batch.started` iff a stage ever
 * started, one `batch.finished` per finish, and one `workflow.finished` per finish of a workflow.
 * Random admission, claims, stage outcomes (with and without `next`), cancels, retries, lease
 * releases, renewals and expiries are run from here; stale claims write too, and must be refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/model/events.js';
import { STAGES, isFinished, type WorkflowStatus } from '../../../src/model/statuses.js';
import type { Workflow } from '../../../src/model/types.js';
import { LeaseLostError, NotRetryableError, type ClaimedWorkflow, type Store } from '../../../src/store/store.js';
import { batchInput, T0, type Contract } from './harness.js';

const OWNERS = ['a', 'b'] as const;
const LEASE_MS = 1_000;

type Op =
  | { kind: 'create'; size: number; tenant: string }
  | { kind: 'claim'; owner: number; limit: number }
  | { kind: 'step'; pick: number; outcome: 'succeed' | 'next' | 'fail' | 'retry' | 'cancel' | 'interrupt' }
  | { kind: 'cancelBatch' | 'cancelWorkflow' | 'retryWorkflow'; pick: number }
  | { kind: 'retryBatch'; pick: number; includeCanceled: boolean }
  | { kind: 'release' | 'renew'; owner: number }
  | { kind: 'tick'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('create' as const), size: fc.integer({ min: 1, max: 3 }), tenant: fc.constantFrom('t1', 't2') }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('claim' as const), owner: fc.nat(1), limit: fc.integer({ min: 1, max: 3 }) }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant('step' as const), pick: fc.nat(99),
      outcome: fc.constantFrom(...(['succeed', 'next', 'succeed', 'next', 'fail', 'retry', 'cancel', 'interrupt'] as const)),
    }),
    weight: 8,
  },
  { arbitrary: fc.record({ kind: fc.constantFrom('cancelBatch' as const, 'cancelWorkflow' as const, 'retryWorkflow' as const), pick: fc.nat(99) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('retryBatch' as const), pick: fc.nat(99), includeCanceled: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constantFrom('release' as const, 'renew' as const), owner: fc.nat(1) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 1_200 }) }), weight: 1 },
);

/** What the driver knows: the batches it made, the claims it holds (stale ones too), the clock. */
interface World {
  store: Store;
  now: number;
  batches: string[];
  held: ClaimedWorkflow[];
  /** How often each workflow was requeued: each requeue follows one finish. */
  requeues: Map<string, number>;
}

const pick = <T>(items: T[], n: number): T | undefined => (items.length === 0 ? undefined : items[n % items.length]);

/** Runs `write`; a refused stale write (LeaseLostError) drops the claim, as a runner stops. */
async function fenced(world: World, wf: ClaimedWorkflow, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!(error instanceof LeaseLostError)) throw error;
    world.held = world.held.filter((h) => h !== wf);
  }
}

async function step(world: World, op: Extract<Op, { kind: 'step' }>): Promise<void> {
  const wf = pick(world.held, op.pick);
  // Nothing held: a dispatcher claims, as an idle engine would.
  if (!wf) return apply(world, { kind: 'claim', owner: op.pick % 2, limit: 2 });
  const stage = wf.stages.find((s) => s.status !== 'succeeded');
  if (!stage || stage.status === 'skipped' || stage.status === 'failed') {
    world.held = world.held.filter((h) => h !== wf);
    return;
  }
  const { store, now: at } = world;
  const error = { code: 'X', message: 'x' };
  if (stage.status === 'pending') return fenced(world, wf, () => store.record({ kind: 'started', workflow: wf, stage: stage.name, at }));
  const next = STAGES[STAGES.indexOf(stage.name) + 1];
  const ends = op.outcome !== 'succeed' && op.outcome !== 'next' || next === undefined;
  await fenced(world, wf, () => {
    switch (op.outcome) {
      case 'succeed': return store.record({ kind: 'succeeded', workflow: wf, stage: stage.name, at, output: { at } });
      case 'next': return store.record({ kind: 'succeeded', workflow: wf, stage: stage.name, at, output: { at }, ...(next && { next }) });
      case 'fail': return store.record({ kind: 'failed', workflow: wf, stage: stage.name, at, error });
      case 'retry': return store.record({ kind: 'retrying', workflow: wf, stage: stage.name, at, error, retryAt: at + 200 });
      case 'cancel': return store.record({ kind: 'canceled', workflow: wf, stage: stage.name, at });
      case 'interrupt': return store.record({ kind: 'interrupted', workflow: wf, stage: stage.name, at });
    }
  });
  // The lease ended with the attempt (finished, waiting out a retry, interrupted): the runner lets go.
  if (ends) world.held = world.held.filter((h) => h !== wf);
}

async function workflowsOf(store: Store, batchId: string): Promise<Workflow[]> {
  return (await store.listWorkflows(batchId, { limit: 1_000 }))!.items;
}

async function apply(world: World, op: Op): Promise<void> {
  const { store, now } = world;
  const batchId = 'pick' in op ? pick(world.batches, op.pick) : undefined;
  switch (op.kind) {
    case 'create': {
      const ids = Array.from({ length: op.size }, (_, i) => `${world.batches.length}-${i}`);
      world.batches.push((await store.createBatch(batchInput(ids, { tenant: op.tenant }), now)).batch.id);
      return;
    }
    case 'claim':
      world.held.push(...await store.claim(OWNERS[op.owner]!, op.limit, now, LEASE_MS));
      return;
    case 'step':
      return step(world, op);
    case 'cancelBatch':
      if (batchId) await store.cancelBatch(batchId, now);
      return;
    case 'cancelWorkflow': case 'retryWorkflow': {
      if (!batchId) return;
      const wf = pick(await workflowsOf(store, batchId), op.pick >> 2)!;
      if (op.kind === 'cancelWorkflow') {
        await store.cancelWorkflow(wf.id, now);
        return;
      }
      try {
        await store.retryWorkflow(wf.id, now);
        world.requeues.set(wf.id, (world.requeues.get(wf.id) ?? 0) + 1);
      } catch (error) {
        if (!(error instanceof NotRetryableError)) throw error;
        expect(['failed', 'canceled']).not.toContain(wf.status);
      }
      return;
    }
    case 'retryBatch': {
      if (!batchId) return;
      const retryable = (await workflowsOf(store, batchId)).filter((w) => w.status === 'failed' || (op.includeCanceled && w.status === 'canceled'));
      expect((await store.retryBatch(batchId, op.includeCanceled, now))!.retried).toBe(retryable.length);
      for (const w of retryable) world.requeues.set(w.id, (world.requeues.get(w.id) ?? 0) + 1);
      return;
    }
    case 'release':
      await store.releaseLeases(OWNERS[op.owner]!, now);
      return;
    case 'renew': {
      const owner = OWNERS[op.owner]!;
      await store.renewLeases(owner, world.held.filter((w) => w.leaseOwner === owner).map((w) => w.id), now, LEASE_MS);
      return;
    }
    case 'tick':
      world.now += op.ms;
      await store.releaseExpiredLeases(world.now);
      return;
  }
}

/** Every promise of the file's header, checked against a recount from the workflows and the log. */
async function expectAgreement(world: World, published: EngineEvent[]): Promise<void> {
  const { store, now } = world;
  const totals: Record<string, Record<WorkflowStatus, number>> = {};
  for (const batchId of world.batches) {
    const batch = (await store.getBatch(batchId, now))!;
    const workflows = await workflowsOf(store, batchId);
    const events = (await store.listEvents(batchId, 0, 100_000))!;
    // Published after commit exactly as listed, in id order (per batch at least).
    expect(published.filter((e) => e.batchId === batchId)).toEqual(events);
    const count = (status: WorkflowStatus) => workflows.filter((w) => w.status === status).length;
    const recount = { total: workflows.length, queued: count('queued'), running: count('running'), succeeded: count('succeeded'), failed: count('failed'), canceled: count('canceled') };
    expect(batch.progress, batchId).toMatchObject(recount);
    const sum = (totals[batch.tenant] ??= { queued: 0, running: 0, succeeded: 0, failed: 0, canceled: 0 });
    for (const status of ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const) sum[status] += recount[status];
    for (const stage of STAGES) {
      const of = (status: string) => workflows.filter((w) => w.stages.find((s) => s.name === stage)!.status === status).length;
      expect(batch.stages[stage], `${batchId} ${stage}`).toMatchObject({ running: of('running'), succeeded: of('succeeded'), failed: of('failed') });
    }
    // The log: ids in order; the batch's own events once per change, in the order they happened.
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...new Set(ids)].sort((x, y) => x - y));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('batch.created');
    expect(types.filter((t) => t === 'batch.created')).toHaveLength(1);
    const started = types.indexOf('stage.started');
    expect(types.filter((t) => t === 'batch.started')).toHaveLength(started === -1 ? 0 : 1);
    if (started !== -1) expect(types.indexOf('batch.started')).toBeLessThan(started);
    const finishes = types.flatMap((t, i) => (t === 'batch.finished' ? [i] : []));
    const reopenings = types.flatMap((t, i) => (t === 'batch.retried' ? [i] : []));
    // Between two finishes the batch was reopened; the last finish is the status now, if finished.
    for (let i = 1; i < finishes.length; i++) expect(reopenings.some((r) => r > finishes[i - 1]! && r < finishes[i]!)).toBe(true);
    const finished = isFinished(batch.status);
    expect(finished).toBe(recount.queued + recount.running === 0);
    if (finished) expect(events[finishes.at(-1)!]).toMatchObject({ type: 'batch.finished', status: batch.status });
    if (finished) expect(finishes.at(-1)).toBeGreaterThan(reopenings.at(-1) ?? -1);
    else expect(finishes.every((f) => f < (reopenings.at(-1) ?? -1))).toBe(true);
    if (!finished) expect(batch.status).toBe(started === -1 ? 'queued' : 'running');
    for (const w of workflows) {
      const ends = events.filter((e) => e.type === 'workflow.finished' && e.workflowId === w.id);
      expect(ends, w.id).toHaveLength((world.requeues.get(w.id) ?? 0) + (isFinished(w.status) ? 1 : 0));
      if (isFinished(w.status)) expect(ends.at(-1)).toMatchObject({ status: w.status });
    }
  }
  expect(await store.workflowTotals()).toEqual(totals);
  if (store.capabilities.eventIds === 'commit') expect(published.map((e) => e.id)).toEqual(published.map((e) => e.id).sort((x, y) => x - y));
  expect(published.every((e) => world.batches.includes(e.batchId))).toBe(true);
}

export function modelContract(c: Contract): void {
  describe('model', () => {
    it('keeps counters, totals and the log equal to a recount after random operations, and nothing running unowned', async () => {
      // A failure reports its operations, seed and path at once (endOnFailure): shrinking them on
      // PostgreSQL would outlast the test's time. CONTRACT_MODEL_SEED explores other sequences by hand.
      await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 20, maxLength: 60 }), async (ops) => {
        const store = await c.open();
        try {
          const world: World = { store, now: T0, batches: [], held: [], requeues: new Map() };
          const published: EngineEvent[] = [];
          store.onEvents((e) => published.push(e));
          for (const op of ops) await apply(world, op);
          await expectAgreement(world, published);
          // Every owner stops: nothing is left running, and the counters still agree.
          for (const owner of OWNERS) await store.releaseLeases(owner, world.now);
          for (const batchId of world.batches) {
            for (const stage of STAGES) expect((await store.getBatch(batchId, world.now))!.stages[stage].running).toBe(0);
          }
          await expectAgreement(world, published);
        } finally {
          await store.close();
        }
      }), { seed: Number(process.env.CONTRACT_MODEL_SEED) || 18, numRuns: c.modelRuns, endOnFailure: true });
    }, 120_000);
  });
}
