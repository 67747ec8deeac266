/**
 * GET /v1/workflows?status=failed on both stores: failed workflows across batches, newest failure
 * first, tenant-scoped, filtered by stage, errorCode and since, paged by an opaque cursor that a
 * forged or oversized value cannot turn into anything but a 400.
 */
import { afterEach, expect, it } from 'vitest';
import { mintKey } from '../src/model/api-keys.js';
import type { Store } from '../src/store/store.js';
import { expectProblem } from './contract-helpers.js';
import { runBatch, type TestService } from './helpers.js';
import { useStores } from './stores.js';

const stores = useStores();
const ZERO = { fetchMs: 0, processMs: 0, storeMs: 0 };

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function keyFor(store: Store, tenant: string, admin = false): Promise<Record<string, string>> {
  const { id, key, hash } = mintKey();
  await store.createKey({ id, hash, tenant, admin, label: null, createdAt: Date.now(), revokedAt: null });
  return { authorization: `Bearer ${key}` };
}

interface Page { items: Array<{ id: string; batchId: string; finishedAt: string; clientId: unknown; error: { stage: string; code: string } }>; nextCursor: string | null }

stores.describe('GET /v1/workflows?status=failed', () => {
  it('lists each tenant its own failures across batches, newest first, by stage, code and time, page by page', async () => {
    service = await stores.start({ config: { AUTH: 'required', ALLOW_SIMULATION: 'on' } });
    const s = service;
    const acme = await keyFor(s.store, 'acme');
    const globex = await keyFor(s.store, 'globex');
    const admin = await keyFor(s.store, 'ops', true);
    const first = await runBatch(s, { clientIds: ['a1', 'a2'], simulation: { ...ZERO, failStage: 'fetch' } }, { headers: acme });
    const second = await runBatch(s, { clientIds: ['a3', 'a4', 'a5'], simulation: { ...ZERO, failStage: 'store' } }, { headers: acme });
    await runBatch(s, { clientIds: ['a6'], simulation: ZERO }, { headers: acme });
    const theirs = await runBatch(s, { clientIds: ['g1'], simulation: { ...ZERO, failStage: 'fetch' } }, { headers: globex });

    const all = async (query: string, headers: Record<string, string>) => {
      const items: Page['items'] = [];
      let cursor: string | null = null;
      do {
        const res: { statusCode: number; body: string; json: <T>() => T } = await s.app.inject({ url: `/v1/workflows?status=failed&limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`, headers });
        expect(res.statusCode, res.body).toBe(200);
        const page: Page = res.json<Page>();
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    };
    const mine = await all('', acme);
    expect(mine).toHaveLength(5);
    expect(new Set(mine.map((w) => w.id)).size).toBe(5);
    // The later batch's failures first.
    expect(mine.slice(0, 3).map((w) => w.batchId)).toEqual([second, second, second]);
    expect(mine.slice(3).map((w) => w.batchId)).toEqual([first, first]);
    expect((await all('&stage=fetch', acme)).map((w) => w.clientId).sort()).toEqual(['a1', 'a2']);
    const code = mine[0]!.error.code;
    expect((await all(`&errorCode=${encodeURIComponent(code)}&stage=store`, acme)).map((w) => w.batchId)).toEqual([second, second, second]);
    // since: those that failed at or after it (the second batch's first failure; the first batch's may share its millisecond).
    const since = mine.slice(0, 3).map((w) => w.finishedAt).sort()[0]!;
    expect((await all(`&since=${encodeURIComponent(since)}`, acme)).map((w) => w.id)).toEqual(mine.filter((w) => w.finishedAt >= since).map((w) => w.id));
    const later = new Date(Date.parse(mine[0]!.finishedAt) + 1).toISOString();
    expect(await all(`&since=${encodeURIComponent(later)}`, acme)).toEqual([]);
    expect((await all('&errorCode=NO_SUCH_CODE', acme))).toEqual([]);
    // Another tenant sees only its own; an admin sees all, or one tenant's.
    expect((await all('', globex)).map((w) => w.batchId)).toEqual([theirs]);
    expect(await all('', admin)).toHaveLength(6);
    expect((await all('&tenant=globex', admin)).map((w) => w.batchId)).toEqual([theirs]);
    expectProblem(await s.app.inject({ url: '/v1/workflows?status=failed&tenant=globex', headers: acme }), 403);
    // Retried: no longer failed, no longer listed.
    await s.app.inject({ method: 'POST', url: `/v1/batches/${first}/retry`, headers: { ...acme, 'content-type': 'application/json' }, payload: '{}' });
    expect((await all('', acme)).map((w) => w.batchId)).not.toContain(first);
  });

  it('refuses forged, oversized and foreign cursors and bad filters with a 400 naming the parameter', async () => {
    service = await stores.start();
    const s = service;
    await runBatch(s, { clientIds: [1, 2, 3], simulation: { ...ZERO, failStage: 'process' } });
    const page = (await s.app.inject({ url: '/v1/workflows?status=failed&limit=1' })).json<Page>();
    expect(page.nextCursor).not.toBeNull();
    const batchCursor = (await s.app.inject({ url: '/v1/batches?limit=1' })).json<Page>().nextCursor ?? Buffer.from('s1').toString('base64url');
    const forged = [
      Buffer.from('t1.0').toString('base64url'), Buffer.from('t-1.5').toString('base64url'), Buffer.from('t99999999999999999.1').toString('base64url'),
      Buffer.from("t1.1' OR 1=1 --").toString('base64url'), batchCursor, 'not base64!', '%00', page.nextCursor!.slice(0, -2),
    ];
    for (const cursor of forged) {
      const res = await s.app.inject({ url: `/v1/workflows?status=failed&cursor=${encodeURIComponent(cursor)}` });
      expectProblem(res, 400);
      expect(res.body).toContain('cursor');
    }
    for (const [query, field] of [
      ['', 'status'], ['status=succeeded', 'status'], ['status=failed&cursor=' + 'A'.repeat(65), 'cursor'], ['status=failed&stage=deploy', 'stage'],
      ['status=failed&since=yesterday', 'since'], ['status=failed&since=2026-13-01T00:00:00Z', 'since'], ['status=failed&limit=1001', 'limit'],
      ['status=failed&errorCode=%00', 'errorCode'], ['status=failed&tenant=No', 'tenant'],
    ] as const) {
      const res = await s.app.inject({ url: `/v1/workflows?${query}` });
      expectProblem(res, 400);
      expect(res.body, query).toContain(field);
    }
  });
});
