/**
 * Failed webhook deliveries on both stores: GET /v1/webhooks?status=failed lists a tenant's own,
 * and POST /v1/batches/{id}/webhook/redeliver sends one again through the deliverer — signed as
 * every attempt, to an address the policy allows only — once, with a fresh round of attempts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { WebhookOutcome } from '../src/engine/webhooks.js';
import { mintKey } from '../src/model/api-keys.js';
import type { Store } from '../src/store/store.js';
import { expectProblem } from './contract-helpers.js';
import { deferred, runBatch, type TestService } from './helpers.js';
import { useStores } from './stores.js';
import { FAST, SECRET, startReceiver, verify, type Receiver } from './webhook-receiver.js';

const stores = useStores();

const open: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function keyFor(store: Store, tenant: string, admin = false): Promise<Record<string, string>> {
  const { id, key, hash } = mintKey();
  await store.createKey({ id, hash, tenant, admin, label: null, createdAt: Date.now(), revokedAt: null });
  return { authorization: `Bearer ${key}` };
}

/** Resolves with the outcome of the next attempt on `batchId`. */
function nextOutcome(s: TestService, batchId: string): Promise<WebhookOutcome> {
  const done = deferred<WebhookOutcome>();
  const off = s.webhooks.onOutcome((id, outcome) => {
    if (id !== batchId) return;
    off();
    done.resolve(outcome);
  });
  return done.promise;
}

async function receiver(statuses: number[]): Promise<Receiver> {
  const r = await startReceiver(statuses);
  open.push(r);
  return r;
}

const json = { 'content-type': 'application/json' };

stores.describe('failed webhook deliveries', () => {
  it('lists a tenant\'s failed deliveries and redelivers one, signed, once', async () => {
    // The first attempt fails (one attempt allowed); the redelivery is answered 200.
    const hook = await receiver([500, 200]);
    const s = await stores.start({
      config: { AUTH: 'required', ALLOW_SIMULATION: 'on', WEBHOOK_SECRET: SECRET, WEBHOOK_MAX_ATTEMPTS: 1, WEBHOOK_ALLOW_HOSTS: '127.0.0.1' },
    });
    open.push(s);
    const acme = await keyFor(s.store, 'acme');
    const globex = await keyFor(s.store, 'globex');
    const admin = await keyFor(s.store, 'ops', true);
    const batchId = await runBatch(s, { clientIds: [1], simulation: FAST, callbackUrl: `${hook.url}?token=abc` }, { headers: acme, wait: false });
    expect(await nextOutcome(s, batchId)).toBe('failed');

    const list = await s.app.inject({ url: '/v1/webhooks?status=failed', headers: acme });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({
      items: [{
        batchId, tenant: 'acme', label: null, finishedAt: expect.any(String),
        // No path, no token: as every reader of the batch sees it.
        webhook: { url: `${new URL(hook.url).origin}/…`, status: 'failed', attempts: 1, lastError: 'delivery failed', deliveredAt: null },
        links: { batch: `/v1/batches/${batchId}`, redeliver: `/v1/batches/${batchId}/webhook/redeliver` },
      }],
      nextCursor: null,
    });
    expect(list.body).not.toContain('token=abc');
    expect((await s.app.inject({ url: '/v1/webhooks?status=failed', headers: globex })).json()).toEqual({ items: [], nextCursor: null });
    expect((await s.app.inject({ url: '/v1/webhooks?status=failed', headers: admin })).json<{ items: unknown[] }>().items).toHaveLength(1);
    expectProblem(await s.app.inject({ url: '/v1/webhooks?status=failed&tenant=acme', headers: globex }), 403);
    expectProblem(await s.app.inject({ url: '/v1/webhooks', headers: acme }), 400);

    // Another tenant's batch is a 404 and nothing is sent; a POST without the JSON type is a 415.
    const url = `/v1/batches/${batchId}/webhook/redeliver`;
    expectProblem(await s.app.inject({ method: 'POST', url, headers: { ...globex, ...json }, payload: '{}' }), 404);
    expectProblem(await s.app.inject({ method: 'POST', url, headers: acme }), 415);
    expect(hook.requests).toHaveLength(1);

    const delivered = nextOutcome(s, batchId);
    const res = await s.app.inject({ method: 'POST', url, headers: { ...acme, ...json }, payload: '{}' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ id: batchId, webhook: { status: 'pending', attempts: 0, lastError: null } });
    expect(await delivered).toBe('delivered');
    const again = await hook.nth(2);
    // The same signed notification as the first attempt: same webhook-id, verified as a receiver does.
    expect(again.url).toBe('/hooks/clientflow?token=abc');
    expect(verify(again)).toMatchObject({ id: batchId, status: 'succeeded' });
    expect(again.headers['webhook-id']).toBe(hook.requests[0]!.headers['webhook-id']);

    // Delivered now: not failed, so no redelivery (409) and off the list.
    const twice = await s.app.inject({ method: 'POST', url, headers: { ...acme, ...json }, payload: '{}' });
    expectProblem(twice, 409);
    expect(twice.json<{ detail: string }>().detail).toContain('was delivered');
    expect((await s.app.inject({ url: '/v1/webhooks?status=failed', headers: acme })).json()).toEqual({ items: [], nextCursor: null });
    expect(hook.requests).toHaveLength(2);
  });

  it('refuses a batch without a callbackUrl, and redelivers to an address the policy allows only', async () => {
    const hook = await receiver([500]);
    // 127.0.0.1 allowed while the batch runs, so the first attempt reaches the receiver and fails.
    const dir = mkdtempSync(join(tmpdir(), 'cf-redeliver-'));
    open.push({ close: async () => rmSync(dir, { recursive: true, force: true }) });
    const config = { DB_PATH: join(dir, 'cf.db'), WEBHOOK_SECRET: SECRET, WEBHOOK_MAX_ATTEMPTS: 1 };
    const s = await stores.start({ config: { ...config, WEBHOOK_ALLOW_HOSTS: '127.0.0.1' } });
    open.push(s);
    const plain = await runBatch(s, { clientIds: [1], simulation: FAST });
    const none = await s.app.inject({ method: 'POST', url: `/v1/batches/${plain}/webhook/redeliver`, headers: json, payload: '{}' });
    expectProblem(none, 409);
    expect(none.json<{ detail: string }>().detail).toContain('has no callbackUrl');
    const batchId = await runBatch(s, { clientIds: [1], simulation: FAST, callbackUrl: hook.url }, { wait: false });
    expect(await nextOutcome(s, batchId)).toBe('failed');
    await s.close();
    open.pop();

    // The same store, reopened without the allowance: the redelivery's POST is refused at connect time.
    const strict = await stores.start({ config });
    open.push(strict);
    const failedAgain = nextOutcome(strict, batchId);
    const res = await strict.app.inject({ method: 'POST', url: `/v1/batches/${batchId}/webhook/redeliver`, headers: json, payload: '{}' });
    expect(res.statusCode).toBe(202);
    expect(await failedAgain).toBe('failed');
    expect(hook.requests).toHaveLength(1);
    expect((await strict.store.getBatch(batchId, Date.now()))!.webhook).toMatchObject({ status: 'failed', attempts: 1, lastError: 'delivery failed' });
  });
});
