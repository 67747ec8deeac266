/**
 * Flow limits (FlowLimits; taken in DispatchStore.claim). The Store promises:
 * - putFlowLimit sets a key's limit: a new one starts with a full bucket, a changed one keeps
 *   its tokens up to its burst, a rate added to a limit that had none starts full;
 * - getFlowLimit: the key's limit and use now (in use, waiting, tokens); null when none;
 *   listFlowLimits: every limit with its use, by key;
 * - every workflow of every batch naming a key shares its concurrency and its token bucket, across
 *   batches, tenants and priorities; a waiting workflow holds no lease; each claimed workflow
 *   takes a token; at most rate + burst in one period; a claim never lets the clock run back;
 * - a claim is counted throttled only when the key has work waiting and no token;
 * - a workflow claimed under a key's limit says so (`tenantCapped`);
 * - pauseFlowKey pauses a key (with or without a limit) until a time: no claim takes its work
 *   before then, a shorter pause changes nothing; flowPausedUntil and getFlowLimit show it;
 * - a `retrying` transition with `refund` gives its attempt back.
 */
import { describe, expect, it } from 'vitest';
import { T0, type Contract } from './harness.js';

export function flowLimitsContract(c: Contract): void {
  describe('flow limits per key', () => {
    const keyed = async (flowKey: string | null, n: number, tenant = 'default', priority = 0) => (await c.store.createBatch({
      clientIds: Array.from({ length: n }, (_, i) => i), priority, label: null, maxConcurrency: null, retry: null, timeouts: null,
      simulation: null, tenant, flowKey,
    }, T0)).batch;
    const none = { concurrency: null, rate: null, periodMs: null, burst: null };

    it('stores a limit, starts its bucket full, keeps tokens up to a new burst, and shows use', async () => {
      const { store } = c;
      expect(await store.getFlowLimit('crm:acme', T0)).toBeNull();
      await store.putFlowLimit('crm:acme', { ...none, concurrency: 2, rate: 10, periodMs: 1000 }, T0);
      const batch = await keyed('crm:acme', 5);
      expect(batch.options.flowKey).toBe('crm:acme');
      expect(await store.getFlowLimit('crm:acme', T0)).toMatchObject({
        limit: { key: 'crm:acme', concurrency: 2, rate: 10, periodMs: 1000, burst: null, throttled: 0 }, inUse: 0, waiting: 5, tokens: 10,
      });
      expect(await store.claim('e', 100, T0, 60_000)).toHaveLength(2);
      expect(await store.getFlowLimit('crm:acme', T0)).toMatchObject({ inUse: 2, waiting: 3, tokens: 8 });
      await store.putFlowLimit('crm:acme', { ...none, rate: 5, periodMs: 1000 }, T0);
      expect(await store.getFlowLimit('crm:acme', T0)).toMatchObject({ limit: { concurrency: null }, tokens: 5 });
      expect((await store.listFlowLimits(T0)).map((u) => u.limit.key)).toEqual(['crm:acme']);
    });

    it('pauses a key until a time for every claim, keeps the longer pause, and a refunded retry spends no attempt', async () => {
      const { store } = c;
      await keyed('crm:acme', 3, 'a');
      const [wf] = await store.claim('e', 1, T0, 60_000);
      expect(await store.flowPausedUntil('crm:acme')).toBe(0);
      await store.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: T0 });
      await store.pauseFlowKey('crm:acme', T0 + 5_000, T0 + 1);
      await store.pauseFlowKey('crm:acme', T0 + 2_000, T0 + 1);
      await store.record({
        kind: 'retrying', workflow: wf!, stage: 'fetch', at: T0 + 1, error: { code: 'CRM_THROTTLED', message: 'x' }, retryAt: T0 + 5_000, refund: true,
      });
      expect(await store.flowPausedUntil('crm:acme')).toBe(T0 + 5_000);
      expect(await store.getFlowLimit('crm:acme', T0 + 1)).toMatchObject({ limit: { concurrency: null, rate: null, pausedUntil: T0 + 5_000, pauses: 1 } });
      // Paused: only other work is claimed, whatever is asked.
      await keyed(null, 1, 'b');
      expect((await store.claim('f', 100, T0 + 10, 60_000)).map((w) => w.options.flowKey ?? null)).toEqual([null]);
      expect(await store.claim('f', 100, T0 + 4_999, 60_000)).toEqual([]);
      const after = await store.claim('f', 100, T0 + 5_000, 60_000);
      expect(after.map((w) => w.options.flowKey)).toEqual(['crm:acme', 'crm:acme', 'crm:acme']);
      const again = after.find((w) => w.id === wf!.id)!;
      expect(again.stages[0]).toMatchObject({ status: 'pending', attempts: 0, error: { code: 'CRM_THROTTLED' } });
      expect(again.attempts).toBe(0);
    });

    it("caps a key's leases across its batches and tenants; a waiting workflow holds no lease, a freed one lets another in", async () => {
      const { store } = c;
      await store.putFlowLimit('crm:acme', { ...none, concurrency: 3 }, T0);
      await keyed('crm:acme', 5, 'a');
      await keyed('crm:acme', 5, 'b', 5);
      await keyed('crm:other', 4, 'c');
      await keyed(null, 2, 'd');
      const first = await store.claim('e', 100, T0, 60_000);
      expect(first).toHaveLength(3 + 4 + 2);
      const acme = first.filter((w) => w.options.flowKey === 'crm:acme');
      expect(acme).toHaveLength(3);
      for (const w of first) expect(w.tenantCapped === true).toBe(w.options.flowKey === 'crm:acme');
      expect(await store.claim('e', 100, T0, 60_000)).toEqual([]);
      expect(await store.getFlowLimit('crm:acme', T0)).toMatchObject({ inUse: 3, waiting: 7 });
      await c.succeedAll(acme[0]!, T0 + 1);
      await store.releaseLeases('e', T0 + 100, [acme[1]!.id]);
      const next = await store.claim('f', 100, T0 + 100, 60_000);
      expect(next.map((w) => w.options.flowKey)).toEqual(['crm:acme', 'crm:acme']);
      // A rate added to a limit that had none starts with a full bucket.
      await store.putFlowLimit('crm:acme', { ...none, concurrency: 3, rate: 2, periodMs: 60_000 }, T0 + 100);
      expect(await store.getFlowLimit('crm:acme', T0 + 100)).toMatchObject({ tokens: 2 });
    });

    it('lets at most rate + burst claims of a key through in one period, a token per claimed workflow, and counts throttled claims', async () => {
      const { store } = c;
      // 4 per second, burst 2: full at T0 (2), then one token every 250 ms.
      await store.putFlowLimit('crm:acme', { ...none, rate: 4, periodMs: 1000, burst: 2 }, T0);
      await keyed('crm:acme', 50);
      let claimed = 0;
      for (let t = T0; t <= T0 + 1000; t += 50) {
        const got = await store.claim('e', 100, t, 60_000);
        claimed += got.length;
        // Its end is worth a claim: the bucket refilled meanwhile.
        for (const w of got) expect(w.tenantCapped).toBe(true);
        await store.releaseLeases('e', t, got.map((w) => w.id)); // released: a new claim costs again
      }
      expect(claimed).toBe(2 + 4);
      const usage = (await store.getFlowLimit('crm:acme', T0 + 1000))!;
      expect(usage.limit.throttled).toBeGreaterThan(0);
      expect(usage.tokens).toBeLessThan(1);
      // A claim never lets the clock run back: an earlier `now` refills nothing.
      expect(await store.claim('e', 100, T0, 60_000)).toEqual([]);
    });

    it('counts a claim throttled only when the key has work waiting to start and no token', async () => {
      const { store } = c;
      await store.putFlowLimit('crm:acme', { ...none, rate: 1, periodMs: 3_600_000 }, T0);
      await keyed('crm:acme', 1);
      expect(await store.claim('e', 100, T0, 60_000)).toHaveLength(1);
      // No token left, but nothing of the key waits (its one workflow is leased): not throttled.
      expect(await store.claim('e', 100, T0 + 1, 60_000)).toEqual([]);
      expect((await store.getFlowLimit('crm:acme', T0 + 1))!.limit.throttled).toBe(0);
      await keyed('crm:acme', 1);
      expect(await store.claim('e', 100, T0 + 2, 60_000)).toEqual([]);
      expect(await store.getFlowLimit('crm:acme', T0 + 2)).toMatchObject({ limit: { throttled: 1 }, inUse: 1, waiting: 1 });
    });
  });
}
