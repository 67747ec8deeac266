/** Flow limits over HTTP: PUT/GET /v1/limits/{key} (admin only), a batch's flowKey, FLOW_LIMITS at start, the metrics. */
import { afterEach, expect, it } from 'vitest';
import { mintKey } from '../src/model/api-keys.js';
import type { TestService } from './helpers.js';
import { useStores } from './stores.js';

const stores = useStores();

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

/** AUTH=required, stages that take an hour: what the engine claims stays leased while a test looks. */
async function open(flowLimits = ''): Promise<TestService> {
  service = await stores.start({ config: { AUTH: 'required', FLOW_LIMITS: flowLimits, FETCH_MS: 3_600_000, SHUTDOWN_GRACE_MS: 0 } });
  return service;
}

async function keyFor(s: TestService, tenant: string, admin = false): Promise<Record<string, string>> {
  const { id, key, hash } = mintKey();
  await s.store.createKey({ id, hash, tenant, admin, label: null, createdAt: Date.now(), revokedAt: null });
  return { authorization: `Bearer ${key}` };
}

stores.describe('flow limits over HTTP', () => {
  it('sets and reads a limit with an admin key; a tenant key gets 403, an unknown key 404, all problem+json', async () => {
    const s = await open();
    const admin = await keyFor(s, 'ops', true);
    const acme = await keyFor(s, 'acme');
    const put = (headers: Record<string, string>, payload: unknown, key = 'crm:acme') =>
      s.app.inject({ method: 'PUT', url: `/v1/limits/${key}`, headers, payload: payload as object });
    const denied = await put(acme, { concurrency: 5 });
    expect(denied.statusCode).toBe(403);
    expect(denied.headers['content-type']).toMatch(/^application\/problem\+json/);
    const missing = await s.app.inject({ url: '/v1/limits/crm:acme', headers: admin });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);

    const res = await put(admin, { concurrency: 5, rate: 500, periodMs: 1000 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      key: 'crm:acme', concurrency: 5, rate: 500, periodMs: 1000, burst: null, inUse: 0, waiting: 0, throttled: 0, tokens: 500,
      pausedUntil: null, pauses: 0,
    });
    expect((await s.app.inject({ url: '/v1/limits/crm:acme', headers: acme })).statusCode).toBe(403);
    expect((await s.app.inject({ url: '/v1/limits/crm:acme', headers: admin })).json()).toMatchObject({ key: 'crm:acme', concurrency: 5 });
  });

  it('answers 400 naming what is wrong: a bad key, a rate without its period, a burst without a rate, an unknown field', async () => {
    const s = await open();
    const admin = await keyFor(s, 'ops', true);
    const cases: Array<[string, unknown, RegExp]> = [
      ['CRM:Acme', { concurrency: 1 }, /key/],
      ['crm:acme', { rate: 5 }, /periodMs/],
      ['crm:acme', { burst: 5 }, /burst/],
      ['crm:acme', { concurrency: -1 }, /concurrency/],
      ['crm:acme', { rates: 5 }, /rates/],
    ];
    for (const [key, payload, names] of cases) {
      const res = await s.app.inject({ method: 'PUT', url: `/v1/limits/${encodeURIComponent(key)}`, headers: admin, payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatch(names);
      expect(res.body).not.toMatch(/SELECT|at .*\.ts/);
    }
  });

  it('a tenant names only its own flow and CRM keys or those granted to it: another tenant\'s is a 403 naming the field', async () => {
    const s = await open();
    const admin = await keyFor(s, 'ops', true);
    const acme = await keyFor(s, 'acme');
    const post = (headers: Record<string, string>, extra: object) =>
      s.app.inject({ method: 'POST', url: '/v1/batches', headers, payload: { clientIds: [1], ...extra } });
    for (const [extra, path] of [[{ flowKey: 'crm:globex' }, '/body/flowKey'], [{ crmKey: 'crm:globex' }, '/body/crmKey'], [{ flowKey: 'acmex:1' }, '/body/flowKey']] as const) {
      const res = await post(acme, extra);
      expect(res.statusCode, JSON.stringify(extra)).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path)).toEqual([path]);
    }
    expect((await s.app.inject({ url: '/v1/batches', headers: admin })).json<{ items: unknown[] }>().items).toEqual([]);
    // Its own namespace needs no grant; an admin's batch may name any key.
    expect((await post(acme, { flowKey: 'acme', crmKey: 'acme:eu' })).statusCode).toBe(202);
    expect((await post(admin, { flowKey: 'crm:globex' })).statusCode).toBe(202);
    // Granted, a shared key may be named.
    const granted = await s.app.inject({ method: 'PUT', url: '/v1/tenants/acme', headers: admin, payload: { flowKeys: ['crm:globex'] } });
    expect(granted.json()).toMatchObject({ effective: { flowKeys: ['crm:globex'] } });
    expect((await post(acme, { flowKey: 'crm:globex', crmKey: 'crm:globex' })).statusCode).toBe(202);
  });

  it('a batch names its flowKey (shown back, checked); FLOW_LIMITS sets the limit at start; the engine runs only what the key allows; use shows in GET and /metrics', async () => {
    const s = await open('crm:acme=10/s,conc=2;crm:globex=5/m');
    const admin = await keyFor(s, 'ops', true);
    const acme = await keyFor(s, 'acme');
    // crm:acme is a shared key: an admin grants it to acme.
    await s.app.inject({ method: 'PUT', url: '/v1/tenants/acme', headers: admin, payload: { flowKeys: ['crm:acme'] } });
    const bad = await s.app.inject({ method: 'POST', url: '/v1/batches', headers: acme, payload: { clientIds: [1], flowKey: 'Not A Key' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/flowKey/);
    let started = 0;
    const twoStarted = s.waitFor((e) => e.type === 'stage.started' && ++started === 2);
    const created = await s.app.inject({ method: 'POST', url: '/v1/batches', headers: acme, payload: { clientIds: [1, 2, 3, 4], flowKey: 'crm:acme' } });
    expect(created.statusCode).toBe(202);
    expect(created.json<{ options: { flowKey: string } }>().options.flowKey).toBe('crm:acme');
    expect((await s.app.inject({ url: '/v1/limits/crm:globex', headers: admin })).json()).toMatchObject({ rate: 5, periodMs: 60_000, concurrency: null });

    // The engine (CONCURRENCY 50) runs two: the other two wait for the key, holding no lease and no slot.
    await twoStarted;
    expect(await s.store.claim('other', 100, Date.now(), 60_000)).toEqual([]);
    expect(s.engine.stats.running).toBe(2);
    expect((await s.app.inject({ url: '/v1/limits/crm:acme', headers: admin })).json()).toMatchObject({
      key: 'crm:acme', concurrency: 2, rate: 10, periodMs: 1000, inUse: 2, waiting: 2,
    });
    const metrics = (await s.app.inject({ url: '/metrics', headers: admin })).body;
    expect(metrics).toMatch(/^clientflow_flow_in_use\{key="crm:acme"\} 2$/m);
    expect(metrics).toMatch(/^clientflow_flow_waiting\{key="crm:acme"\} 2$/m);
    expect(metrics).toMatch(/^clientflow_flow_throttled_total\{key="crm:globex"\} 0$/m);
  });
});
