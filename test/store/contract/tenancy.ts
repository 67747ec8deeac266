/**
 * Tenancy (Tenancy; a batch's tenant). The Store promises:
 * - createKey stores a key (its hash only), creating its tenant with no quotas of its own if
 *   there is none; findKey finds it (null if none); listKeys lists every key (of one tenant),
 *   oldest first, revoked ones included; revokeKey is true once, false after or for no such key;
 * - getTenant / listTenants / putTenant: putTenant replaces the tenant's own quotas, creating it;
 * - countRequests adds to a key's count in its window (from its first request, `windowMs` long):
 *   a request at or after the window's end starts the next, one from a clock behind adds to the
 *   current, keys count apart;
 * - each batch keeps its tenant (`default` when unset): listBatches lists by tenant, a workflow
 *   shows its batch's tenant, and admission refuses past the tenant's queued quota.
 * Tenants in claims (fair shares, running caps): claims.ts.
 */
import { describe, expect, it } from 'vitest';
import { QueueFullError } from '../../../src/store/store.js';
import { T0, type Contract } from './harness.js';

export function tenancyContract(c: Contract): void {
  describe('tenancy', () => {
    it('keeps API keys (hash only), revokes them once, and keeps tenants with their own quotas', async () => {
      const { store } = c;
      const key = { id: 'abc123def456', tenant: 'acme', admin: false, hash: 'f'.repeat(64), label: 'ci', createdAt: T0, revokedAt: null };
      await store.createKey(key);
      await store.createKey({ ...key, id: 'zzz999yyy888', tenant: 'ops', admin: true, label: null });
      await store.createKey({ ...key, id: 'old000old000', tenant: 'ops', revokedAt: T0 });
      expect((await store.findKey('old000old000'))!.revokedAt).toBe(T0);
      expect(await store.findKey('abc123def456')).toEqual(key);
      expect(await store.findKey('nope00000000')).toBeNull();
      expect((await store.listKeys()).map((k) => k.id)).toEqual(['abc123def456', 'old000old000', 'zzz999yyy888']);
      expect((await store.listKeys('ops')).map((k) => [k.id, k.admin])).toEqual([['old000old000', false], ['zzz999yyy888', true]]);
      expect(await store.revokeKey('abc123def456', T0 + 1)).toBe(true);
      expect(await store.revokeKey('abc123def456', T0 + 2)).toBe(false);
      expect((await store.findKey('abc123def456'))!.revokedAt).toBe(T0 + 1);
      // A key's tenant exists from then on, with no quotas of its own.
      expect(await store.getTenant('acme')).toEqual({ id: 'acme', quotas: {}, createdAt: new Date(T0).toISOString() });
      expect(await store.putTenant('acme', { maxQueued: 5, maxRunning: null }, T0 + 3)).toMatchObject({ id: 'acme', quotas: { maxQueued: 5, maxRunning: null } });
      await store.putTenant('new', { priorityMax: 1 }, T0 + 4);
      expect((await store.listTenants()).map((t) => [t.id, t.quotas])).toEqual([
        ['acme', { maxQueued: 5, maxRunning: null }], ['new', { priorityMax: 1 }], ['ops', {}],
      ]);
      expect(await store.getTenant('none')).toBeNull();
    });

    it("keeps each batch's tenant: lists by tenant, and refuses a batch past its tenant's queued quota", async () => {
      const { store } = c;
      const input = (tenant: string | undefined, n: number) => ({
        tenant, clientIds: Array.from({ length: n }, (_, i) => i), priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
      });
      const a1 = (await store.createBatch(input('acme', 2), T0, { tenantMaxQueued: 3 })).batch;
      const g1 = (await store.createBatch(input('globex', 3), T0, { tenantMaxQueued: 3 })).batch;
      const d1 = (await store.createBatch(input(undefined, 1), T0)).batch;
      expect([a1.tenant, g1.tenant, d1.tenant]).toEqual(['acme', 'globex', 'default']);
      await expect(store.createBatch(input('acme', 2), T0, { tenantMaxQueued: 3 })).rejects.toThrow(QueueFullError);
      const ids = async (tenant?: string, status?: 'queued') => (await store.listBatches({ tenant, status, limit: 10 }, T0)).items.map((b) => b.id);
      expect(await ids('acme')).toEqual([a1.id]);
      expect(await ids('globex', 'queued')).toEqual([g1.id]);
      expect(await ids()).toEqual([d1.id, g1.id, a1.id]);
      const wf = (await store.listWorkflows(g1.id, { limit: 1 }))!.items[0]!;
      expect((await store.getWorkflow(wf.id))!.tenant).toBe('globex');
    });

    it('keeps a tenant\'s quotas when another key is made for it, and replaces them whole on put', async () => {
      const { store } = c;
      await store.putTenant('acme', { maxQueued: 5, maxRunning: 2 }, T0);
      await store.createKey({ id: 'key000key000', tenant: 'acme', admin: false, hash: 'a'.repeat(64), label: null, createdAt: T0 + 1, revokedAt: null });
      expect(await store.getTenant('acme')).toMatchObject({ quotas: { maxQueued: 5, maxRunning: 2 }, createdAt: new Date(T0).toISOString() });
      expect((await store.putTenant('acme', { priorityMax: 3 }, T0 + 2)).quotas).toEqual({ priorityMax: 3 });
      expect((await store.getTenant('acme'))!.quotas).toEqual({ priorityMax: 3 });
      expect(await store.revokeKey('nope00000000', T0 + 3)).toBe(false);
    });

    it('counts requests per key from its first request for a window: the next starts at its end, a late clock adds to the current', async () => {
      const { store } = c;
      const W = 60_000;
      expect(await store.countRequests('key-a', T0, 1, W)).toEqual({ count: 1, startedAt: T0 });
      expect(await store.countRequests('key-a', T0 + 59_999, 3, W)).toEqual({ count: 4, startedAt: T0 });
      expect(await store.countRequests('key-b', T0 + 10, 2, W)).toEqual({ count: 2, startedAt: T0 + 10 });
      expect(await store.countRequests('key-a', T0 + W, 1, W)).toEqual({ count: 1, startedAt: T0 + W });
      // A replica whose clock is behind still counts, in the current window.
      expect(await store.countRequests('key-a', T0 + W - 5, 2, W)).toEqual({ count: 3, startedAt: T0 + W });
      expect(await store.countRequests('key-b', T0 + 20, 1, W)).toEqual({ count: 3, startedAt: T0 + 10 });
    });
  });
}
