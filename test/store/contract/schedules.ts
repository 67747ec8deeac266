/**
 * Schedules (Schedules). The Store promises:
 * - createSchedule writes a schedule with its first tick after `now` (none while paused); past
 *   `maxSchedules` of its tenant it throws ScheduleLimitError and writes nothing;
 *   getSchedule, listSchedules (newest first, paged, per tenant) read them back;
 * - dueSchedules lists the schedules whose next tick (plus its jitter) is due, nextScheduleAt
 *   when the next one is;
 * - fireSchedule takes the due ticks once: a batch per fired tick through admission (label with
 *   the tick, its tenant, its options), a unique record per tick, the next tick after; asked
 *   again, or by two callers at once, for the same time, it takes nothing (null); a second
 *   record of a tick rolls the whole pass back, its batch included;
 * - after downtime, catch-up `none` skips every missed tick, `latest` fires the latest only,
 *   `all` fires those within its window, oldest first; a skipped tick says why;
 * - overlap: `skip` skips a tick while the previous batch runs, `allow` fires anyway, `cancel`
 *   cancels the previous batch (its running workflows to abort) and fires;
 * - a tick past the tenant's batch size or queue quota is skipped, naming the quota, in the
 *   tick record and the schedule's lastError; nothing is admitted;
 * - updateSchedule: a pause stops the ticks at once, a resume starts again after now (missed
 *   ticks are not caught up), a new spec counts from now; deleteSchedule removes the schedule
 *   and its ticks (its batches stay); both answer null/false for an unknown id;
 * - scheduleTicks lists a schedule's tick records newest first.
 */
import { describe, expect, it } from 'vitest';
import type { ScheduleInput } from '../../../src/model/schedules.js';
import { ScheduleLimitError, type NewSchedule, type TickLimits } from '../../../src/store/store.js';
import { T0, UNKNOWN_ID, type Contract } from './harness.js';

const LIMITS: TickLimits = { misfireMs: 1_000, idempotencyTtlMs: 86_400_000 };

export function scheduleInput(extra: Partial<ScheduleInput> & { tenant?: string } = {}): NewSchedule {
  return {
    tenant: 'default', name: 'nightly', spec: { everyMs: 2_000 },
    template: {
      clientIds: [1, 2], priority: 3, label: 'sync {tick}', callbackUrl: null, maxConcurrency: null, retry: null, timeouts: null,
      simulation: null, flowKey: 'crm:acme',
    },
    overlap: 'allow', catchUp: 'latest', catchUpWindowMs: 60_000, jitterMs: 0, paused: false,
    ...extra,
  };
}

export function schedulesContract(c: Contract): void {
  describe('schedules', () => {
    const iso = (at: number) => new Date(at).toISOString();
    const labels = async () => (await c.store.listBatches({ limit: 100 }, T0)).items.map((b) => b.label).reverse();

    it('creates, reads, lists by tenant and page, and counts a tenant\'s schedules against its quota', async () => {
      const { store } = c;
      const a = await store.createSchedule(scheduleInput({ tenant: 'a' }), T0, { maxSchedules: 2 });
      expect(a).toMatchObject({ tenant: 'a', anchorAt: T0, nextTickAt: T0 + 2_000, lastBatchId: null, paused: false });
      expect(await store.getSchedule(a.id)).toEqual(a);
      const b = await store.createSchedule(scheduleInput({ tenant: 'a', spec: { cron: '0 0 3 * * *', timezone: 'Europe/Madrid' } }), T0, { maxSchedules: 2 });
      // 03:00 in Madrid on 1 January is 02:00 UTC.
      expect(b.nextTickAt).toBe(Date.parse('2026-01-01T02:00:00.000Z'));
      await expect(store.createSchedule(scheduleInput({ tenant: 'a' }), T0, { maxSchedules: 2 })).rejects.toBeInstanceOf(ScheduleLimitError);
      const other = await store.createSchedule(scheduleInput({ tenant: 'b', paused: true }), T0, { maxSchedules: 2 });
      expect(other.nextTickAt).toBeNull();
      expect((await store.listSchedules({ tenant: 'a', limit: 10 })).items.map((s) => s.id)).toEqual([b.id, a.id]);
      const first = await store.listSchedules({ limit: 2 });
      expect(first.items.map((s) => s.id)).toEqual([other.id, b.id]);
      const second = await store.listSchedules({ limit: 2, cursor: first.nextCursor! });
      expect(second).toEqual({ items: [a], nextCursor: null });
      expect(await store.getSchedule(UNKNOWN_ID)).toBeNull();
    });

    it('fires a due tick once: its batch, its record, the next tick; again or twice at once, nothing', async () => {
      const { store } = c;
      const s = await store.createSchedule(scheduleInput({ tenant: 'a' }), T0);
      expect(await store.nextScheduleAt()).toBe(T0 + 2_000);
      expect(await store.dueSchedules(T0 + 1_999, 10)).toEqual([]);
      expect(await store.fireSchedule(s.id, T0 + 1_999, LIMITS)).toBeNull();
      expect(await store.dueSchedules(T0 + 2_000, 10)).toEqual([{ id: s.id, tenant: 'a' }]);
      const [one, two] = await Promise.all([store.fireSchedule(s.id, T0 + 2_100, LIMITS), store.fireSchedule(s.id, T0 + 2_100, LIMITS)]);
      const fired = [one, two].filter((f) => f !== null);
      expect(fired).toHaveLength(1);
      const [tick] = fired[0]!.ticks;
      expect(tick).toMatchObject({ type: 'schedule.fired', scheduleId: s.id, tenant: 'a', tickAt: T0 + 2_000, at: T0 + 2_100 });
      const batchId = tick?.type === 'schedule.fired' ? tick.batchId : '';
      expect(await store.getBatch(batchId, T0 + 2_100)).toMatchObject({
        tenant: 'a', label: `sync ${iso(T0 + 2_000)}`, priority: 3, progress: { total: 2, queued: 2 }, options: { flowKey: 'crm:acme' },
      });
      expect(await store.getSchedule(s.id)).toMatchObject({ nextTickAt: T0 + 4_000, lastTickAt: T0 + 2_000, lastBatchId: batchId, lastError: null });
      expect(await store.fireSchedule(s.id, T0 + 2_100, LIMITS)).toBeNull();
      expect(await store.scheduleTicks(s.id, 10)).toEqual([
        { scheduleId: s.id, tickAt: T0 + 2_000, outcome: 'fired', batchId, reason: null, at: T0 + 2_100 },
      ]);
      expect(await labels()).toEqual([`sync ${iso(T0 + 2_000)}`]);
    });

    it('rolls a whole pass back, its batch included, when its tick has a record already', async () => {
      const { store } = c;
      const s = await store.createSchedule(scheduleInput(), T0);
      await store.fireSchedule(s.id, T0 + 2_000, LIMITS);
      // A new spec set with a clock behind lands its next tick on the one taken.
      const changed = await store.updateSchedule(s.id, { spec: { everyMs: 1_000 } }, T0 + 1_000);
      expect(changed?.nextTickAt).toBe(T0 + 2_000);
      expect(await store.fireSchedule(s.id, T0 + 2_000, LIMITS)).toBeNull();
      expect(await labels()).toHaveLength(1);
      expect((await store.getSchedule(s.id))?.nextTickAt).toBe(T0 + 2_000);
      // Once the clock passes the next tick, the pass fires it; the taken one's skip adds nothing.
      const later = await store.fireSchedule(s.id, T0 + 3_000, LIMITS);
      expect(later?.ticks.map((t) => [t.type, t.tickAt])).toEqual([['schedule.fired', T0 + 3_000]]);
      expect(await labels()).toHaveLength(2);
    });

    describe('after 20 s of downtime (ticks every 2 s; the pass at +21.5 s, 1.5 s after the latest, misfire 1 s)', () => {
      const pass = async (catchUp: ScheduleInput['catchUp'], catchUpWindowMs = 60_000) => {
        const s = await c.store.createSchedule(scheduleInput({ catchUp, catchUpWindowMs }), T0);
        const fired = await c.store.fireSchedule(s.id, T0 + 21_500, LIMITS);
        return { s, fired: fired!, after: (await c.store.getSchedule(s.id))! };
      };

      it('none: skips every missed tick, fires none, and goes on from the next', async () => {
        const { fired, after } = await pass('none');
        expect(fired.ticks).toEqual([expect.objectContaining({ type: 'schedule.skipped', tickAt: T0 + 20_000 })]);
        expect(fired.ticks[0]).toMatchObject({ reason: expect.stringMatching(/^missed: 10 ticks from .* to .*catch-up none/) });
        expect(await labels()).toEqual([]);
        expect(after).toMatchObject({ nextTickAt: T0 + 22_000, lastError: expect.stringMatching(/^missed/) });
      });

      it('latest: fires the latest missed tick only', async () => {
        const { fired, after } = await pass('latest');
        expect(fired.ticks.map((t) => [t.type, t.tickAt])).toEqual([['schedule.skipped', T0 + 18_000], ['schedule.fired', T0 + 20_000]]);
        expect(fired.ticks[0]).toMatchObject({ reason: expect.stringMatching(/^missed: 9 ticks/) });
        expect(await labels()).toEqual([`sync ${iso(T0 + 20_000)}`]);
        expect(after).toMatchObject({ nextTickAt: T0 + 22_000, lastError: null });
      });

      it('all: fires every missed tick within its window, oldest first, and skips older ones', async () => {
        const { fired } = await pass('all', 10_000);
        // The window reaches back to +11.5 s: ticks at +12 … +20 s fire, +2 … +10 s are skipped.
        const due = [12, 14, 16, 18, 20].map((s) => T0 + s * 1000);
        expect(fired.ticks.map((t) => [t.type, t.tickAt])).toEqual([['schedule.skipped', T0 + 10_000], ...due.map((t) => ['schedule.fired', t])]);
        expect(await labels()).toEqual(due.map((t) => `sync ${iso(t)}`));
        const { fired: again } = await pass('all', 60_000);
        expect(again.ticks.map((t) => t.tickAt)).toEqual(Array.from({ length: 10 }, (_, i) => T0 + (i + 1) * 2_000));
      });

      it('a tick taken within SCHEDULE_MISFIRE_MS is on time: none fires it', async () => {
        const s = await c.store.createSchedule(scheduleInput({ catchUp: 'none' }), T0);
        const fired = await c.store.fireSchedule(s.id, T0 + 2_900, LIMITS);
        expect(fired?.ticks.map((t) => t.type)).toEqual(['schedule.fired']);
      });
    });

    describe('overlap, while the previous batch is unfinished', () => {
      const twice = async (overlap: ScheduleInput['overlap']) => {
        const s = await c.store.createSchedule(scheduleInput({ overlap }), T0);
        const first = await c.store.fireSchedule(s.id, T0 + 2_000, LIMITS);
        const previous = first!.ticks[0]!.type === 'schedule.fired' ? first!.ticks[0]!.batchId : '';
        return { s, previous, second: (await c.store.fireSchedule(s.id, T0 + 4_000, LIMITS))! };
      };

      it('skip: skips the tick and says why', async () => {
        const { s, previous, second } = await twice('skip');
        expect(second.ticks).toEqual([expect.objectContaining({ type: 'schedule.skipped', reason: `overlap: the previous batch ${previous} is still queued` })]);
        expect(await labels()).toHaveLength(1);
        expect(await c.store.getSchedule(s.id)).toMatchObject({ lastBatchId: previous, lastError: expect.stringMatching(/^overlap/), nextTickAt: T0 + 6_000 });
      });

      it('allow: fires anyway', async () => {
        const { second } = await twice('allow');
        expect(second.ticks.map((t) => t.type)).toEqual(['schedule.fired']);
        expect(await labels()).toHaveLength(2);
      });

      it('cancel: cancels the previous batch (its running workflows to abort) and fires', async () => {
        const s = await c.store.createSchedule(scheduleInput({ overlap: 'cancel' }), T0);
        const first = await c.store.fireSchedule(s.id, T0 + 2_000, LIMITS);
        const previous = first!.ticks[0]!.type === 'schedule.fired' ? first!.ticks[0]!.batchId : '';
        const [running] = await c.store.claim('e', 1, T0 + 2_000, 60_000);
        await c.store.record({ kind: 'started', workflow: running!, stage: 'fetch', at: T0 + 2_001 });
        const second = await c.store.fireSchedule(s.id, T0 + 4_000, LIMITS);
        expect(second?.ticks.map((t) => t.type)).toEqual(['schedule.fired']);
        expect(second?.abort).toEqual([running!.id]);
        expect(await c.store.getBatch(previous, T0 + 4_000)).toMatchObject({ progress: { canceled: 1, running: 1 } });
      });

      it('a finished previous batch never blocks', async () => {
        const s = await c.store.createSchedule(scheduleInput({ overlap: 'skip', template: { ...scheduleInput().template, clientIds: [1] } }), T0);
        await c.store.fireSchedule(s.id, T0 + 2_000, LIMITS);
        const [wf] = await c.store.claim('e', 1, T0 + 2_000, 60_000);
        await c.succeedAll(wf!, T0 + 2_000);
        expect((await c.store.fireSchedule(s.id, T0 + 4_000, LIMITS))?.ticks.map((t) => t.type)).toEqual(['schedule.fired']);
      });
    });

    it('skips a tick past the tenant\'s batch size or queue quota, naming it, and admits nothing', async () => {
      const { store } = c;
      const s = await store.createSchedule(scheduleInput({ tenant: 'a' }), T0);
      const big = await store.fireSchedule(s.id, T0 + 2_000, { ...LIMITS, maxBatch: 1 });
      expect(big?.ticks).toEqual([expect.objectContaining({ type: 'schedule.skipped', reason: expect.stringContaining("maxScheduleBatch is 1") })]);
      const full = await store.fireSchedule(s.id, T0 + 4_000, { ...LIMITS, tenantMaxQueued: 1 });
      expect(full?.ticks).toEqual([expect.objectContaining({ type: 'schedule.skipped', reason: expect.stringMatching(/^quota: tenant a has 0 workflows queued/) })]);
      expect(await labels()).toEqual([]);
      expect(await store.getSchedule(s.id)).toMatchObject({ lastError: expect.stringMatching(/^quota/), lastBatchId: null, nextTickAt: T0 + 6_000 });
      expect((await store.scheduleTicks(s.id, 10)).map((t) => [t.tickAt, t.outcome])).toEqual([[T0 + 4_000, 'skipped'], [T0 + 2_000, 'skipped']]);
    });

    it('skips a tick whose batch would take the tenant past its storage quota (maxStored), as a POST gets 507', async () => {
      const { store } = c;
      const s = await store.createSchedule(scheduleInput({ tenant: 'a' }), T0);
      const first = await store.fireSchedule(s.id, T0 + 2_000, { ...LIMITS, tenantMaxStored: 3 });
      expect(first?.ticks.map((t) => t.type)).toEqual(['schedule.fired']);
      const full = await store.fireSchedule(s.id, T0 + 4_000, { ...LIMITS, tenantMaxStored: 3 });
      expect(full?.ticks).toEqual([expect.objectContaining({ type: 'schedule.skipped', reason: expect.stringMatching(/^quota: tenant a stores 2 workflows/) })]);
      expect(await labels()).toHaveLength(1);
    });

    it('pauses at once, resumes after now without catching up, counts a new spec from now, deletes', async () => {
      const { store } = c;
      const s = await store.createSchedule(scheduleInput(), T0);
      expect(await store.updateSchedule(s.id, { paused: true }, T0 + 1_000)).toMatchObject({ paused: true, nextTickAt: null });
      expect(await store.dueSchedules(T0 + 60_000, 10)).toEqual([]);
      expect(await store.fireSchedule(s.id, T0 + 60_000, LIMITS)).toBeNull();
      expect(await store.updateSchedule(s.id, { paused: false }, T0 + 9_000)).toMatchObject({ paused: false, nextTickAt: T0 + 10_000 });
      const respec = await store.updateSchedule(s.id, { spec: { everyMs: 5_000 }, name: 'renamed' }, T0 + 9_500);
      expect(respec).toMatchObject({ anchorAt: T0 + 9_500, nextTickAt: T0 + 14_500, name: 'renamed' });
      await store.fireSchedule(s.id, T0 + 14_500, LIMITS);
      expect(await store.deleteSchedule(s.id)).toBe(true);
      expect(await store.getSchedule(s.id)).toBeNull();
      expect(await store.scheduleTicks(s.id, 10)).toEqual([]);
      expect(await store.fireSchedule(s.id, T0 + 20_000, LIMITS)).toBeNull();
      expect(await labels()).toHaveLength(1);
      expect(await store.deleteSchedule(s.id)).toBe(false);
      expect(await store.updateSchedule(UNKNOWN_ID, { paused: true }, T0)).toBeNull();
      expect(await store.nextScheduleAt()).toBeNull();
    });
  });
}
