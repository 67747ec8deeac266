/**
 * API keys, tenants and quotas over HTTP: every finding of the attack pass that had no
 * authentication (anyone listed, read, cancelled or replayed anyone's batches) has a test here.
 */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../src/config.js';
import type { EngineEvent } from '../src/model/events.js';
import { KEY_CACHE_MS, KeyCache } from '../src/http/auth.js';
import { mintKey } from '../src/model/api-keys.js';
import type { ApiKeyRecord } from '../src/model/tenants.js';
import { createService } from '../src/service.js';
import type { Store } from '../src/store/store.js';
import { startService } from './helpers.js';
import { useTestDatabase } from './postgres/database.js';

const pg = useTestDatabase();

interface Secured {
  app: FastifyInstance;
  store: Store;
  waitFor: (match: (e: EngineEvent) => boolean) => Promise<EngineEvent>;
  close: () => Promise<void>;
}

let service: Secured | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

type Backend = 'sqlite' | 'postgres';
/** Which store `secured()` opens; each describe below runs once per backend. */
let backend: Backend = 'sqlite';

/** A service with AUTH=required whose stages take an hour, so batches stay unfinished while tests act on them. */
async function secured(config: Partial<Config> = {}): Promise<Secured> {
  const settings: Partial<Config> = { AUTH: 'required', CONCURRENCY: 1, FETCH_MS: 3_600_000, SHUTDOWN_GRACE_MS: 0, ...config };
  if (backend === 'sqlite') {
    service = await startService({ config: settings });
    return service;
  }
  const s = await createService(loadConfig({}, {
    DATABASE_URL: pg.url(), DB_SCHEMA: pg.schema('tenancy'), LOG_LEVEL: 'silent', PROCESS_MS: 3, STORE_MS: 1, ...settings,
  }), { logger: pino({ level: 'silent' }) });
  await s.app.ready();
  await s.start();
  service = {
    app: s.app, store: s.store, close: () => s.stop(),
    waitFor: (match) => new Promise((resolve) => {
      const off = s.engine.events.on((e) => {
        if (match(e)) {
          off();
          resolve(e);
        }
      });
    }),
  };
  return service;
}

/** Stores a key the way `clientflow keys create` does; returns the Authorization header. */
async function keyFor(s: Secured, tenant: string, admin = false): Promise<Record<string, string>> {
  const { id, key, hash } = mintKey();
  await s.store.createKey({ id, hash, tenant, admin, label: null, createdAt: Date.now(), revokedAt: null });
  return { authorization: `Bearer ${key}` };
}

async function post(s: Secured, headers: Record<string, string>, body: Record<string, unknown>) {
  return s.app.inject({ method: 'POST', url: '/v1/batches', headers, payload: body });
}

describe.each(['sqlite', 'postgres'] as const)('on %s', (store) => {
  beforeEach(() => {
    backend = store;
  });

  describe('authentication', () => {
    it('refuses every /v1 route without a valid key: 401 problem+json with WWW-Authenticate; health and docs stay public', async () => {
      const s = await secured();
      const acme = await keyFor(s, 'acme');
      const id = (await post(s, acme, { clientIds: [1] })).json<{ id: string }>().id;
      const attempts: Array<[string, string, Record<string, string>]> = [
        ['GET', '/v1/batches', {}],
        ['GET', `/v1/batches/${id}`, {}],
        ['GET', `/v1/batches/${id}/workflows`, {}],
        ['GET', `/v1/batches/${id}/events`, {}],
        ['GET', `/v1/batches/${id}/timeline.svg`, {}],
        // The cross-origin "no-cors" cancel: no body, no content type, no key.
        ['POST', `/v1/batches/${id}/cancel`, {}],
        ['POST', '/v1/batches', { 'content-type': 'application/json' }],
        ['GET', '/v1/keys', {}],
        ['GET', `/v1/batches/${id}`, { authorization: 'Bearer cf_aaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
        ['GET', `/v1/batches/${id}`, { authorization: acme.authorization!.slice(0, -1) + (acme.authorization!.endsWith('A') ? 'B' : 'A') }],
        ['GET', `/v1/batches/${id}`, { authorization: 'Basic YWRtaW46YWRtaW4=' }],
        ['GET', `/v1/batches/${id}`, { authorization: 'Bearer' }],
      ];
      for (const [method, url, headers] of attempts) {
        const res = await s.app.inject({ method: method as 'GET', url, headers, payload: method === 'POST' && headers['content-type'] ? '{}' : undefined });
        expect(res.statusCode, `${method} ${url} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="clientflow"');
        expect(res.json<{ status: number }>().status).toBe(401);
      }
      expect((await s.store.getBatch(id, Date.now()))!.finishedAt).toBeNull();
      for (const url of ['/healthz', '/docs/json']) {
        expect((await s.app.inject({ url })).statusCode, url).toBe(200);
      }
    });

    it('a revoked key stops at once; /v1/me says who a key is', async () => {
      const s = await secured();
      const admin = await keyFor(s, 'ops', true);
      const created = await s.app.inject({ method: 'POST', url: '/v1/keys', headers: admin, payload: { tenant: 'acme', label: 'ci' } });
      expect(created.statusCode).toBe(201);
      const { id, key } = created.json<{ id: string; key: string }>();
      const headers = { authorization: `Bearer ${key}` };
      expect((await s.app.inject({ url: '/v1/me', headers })).json()).toEqual({ tenant: 'acme', admin: false, keyId: id });
      // The key itself is never stored, only its hash.
      expect(JSON.stringify(await s.store.findKey(id))).not.toContain(key.slice('cf_'.length + 13));
      const revoked = await s.app.inject({ method: 'DELETE', url: `/v1/keys/${id}`, headers: admin });
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json<{ revokedAt: string | null }>().revokedAt).not.toBeNull();
      expect((await s.app.inject({ url: '/v1/me', headers })).statusCode).toBe(401);
    });

    it('only admin keys manage keys and quotas', async () => {
      const s = await secured();
      const acme = await keyFor(s, 'acme');
      for (const [method, url, payload] of [
        ['POST', '/v1/keys', { tenant: 'acme', admin: true }], ['GET', '/v1/keys', undefined], ['GET', '/v1/tenants', undefined],
        ['PUT', '/v1/tenants/acme', { maxQueued: 1_000_000 }],
      ] as const) {
        const res = await s.app.inject({ method, url, headers: acme, payload });
        expect(res.statusCode, `${method} ${url}`).toBe(403);
      }
    });
  });

  describe('tenant isolation', () => {
    it("another tenant's batch and workflows are a 404 on every route, and its actions change nothing", async () => {
      const s = await secured();
      const acme = await keyFor(s, 'acme');
      const globex = await keyFor(s, 'globex');
      const batch = (await post(s, acme, { clientIds: [1, 2] })).json<{ id: string }>();
      const workflowId = (await s.app.inject({ url: `/v1/batches/${batch.id}/workflows`, headers: acme })).json<{ items: Array<{ id: string }> }>().items[0]!.id;
      for (const [method, url] of [
        ['GET', `/v1/batches/${batch.id}`], ['GET', `/v1/batches/${batch.id}?wait=1`], ['GET', `/v1/batches/${batch.id}/workflows`],
        ['GET', `/v1/batches/${batch.id}/events`], ['GET', `/v1/batches/${batch.id}/timeline.svg`],
        ['POST', `/v1/batches/${batch.id}/cancel`], ['POST', `/v1/batches/${batch.id}/retry`],
        ['GET', `/v1/workflows/${workflowId}`], ['POST', `/v1/workflows/${workflowId}/cancel`], ['POST', `/v1/workflows/${workflowId}/retry`],
        ['GET', '/v1/tenants/acme'],
      ] as const) {
        const res = await s.app.inject({ method, url, headers: { ...globex, 'content-type': 'application/json' }, payload: method === 'POST' ? '{}' : undefined });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
        if (!url.includes('acme')) expect(res.body).not.toContain('acme');
      }
      expect((await s.store.getBatch(batch.id, Date.now()))!.progress.canceled).toBe(0);
      // The owner still sees it all.
      expect((await s.app.inject({ url: `/v1/workflows/${workflowId}`, headers: acme })).statusCode).toBe(200);
      expect((await s.app.inject({ url: `/v1/batches/${batch.id}`, headers: acme })).json()).toMatchObject({ tenant: 'acme' });
    });

    it('lists only the own tenant; another tenant by name is 403; an admin lists all or one', async () => {
      const s = await secured();
      const acme = await keyFor(s, 'acme');
      const globex = await keyFor(s, 'globex');
      const admin = await keyFor(s, 'ops', true);
      await post(s, acme, { clientIds: [1] });
      await post(s, acme, { clientIds: [2] });
      await post(s, globex, { clientIds: [3] });
      const tenants = async (headers: Record<string, string>, query = '') =>
        (await s.app.inject({ url: `/v1/batches${query}`, headers })).json<{ items: Array<{ tenant: string }> }>().items.map((b) => b.tenant);
      expect(await tenants(acme)).toEqual(['acme', 'acme']);
      expect(await tenants(globex)).toEqual(['globex']);
      expect(await tenants(admin)).toEqual(['globex', 'acme', 'acme']);
      expect(await tenants(admin, '?tenant=globex')).toEqual(['globex']);
      expect((await s.app.inject({ url: '/v1/batches?tenant=acme', headers: globex })).statusCode).toBe(403);
      // A cursor from another tenant's listing pages only the caller's own batches.
      const page = (await s.app.inject({ url: '/v1/batches?limit=1', headers: admin })).json<{ nextCursor: string }>();
      expect(await tenants(globex, `?cursor=${page.nextCursor}`)).toEqual([]);
    });

    it("an Idempotency-Key is per tenant: the same key from another tenant never replays the first tenant's batch", async () => {
      const s = await secured();
      const acme = await keyFor(s, 'acme');
      const globex = await keyFor(s, 'globex');
      const first = await post(s, { ...acme, 'idempotency-key': 'order-1' }, { clientIds: [1] });
      const again = await post(s, { ...acme, 'idempotency-key': 'order-1' }, { clientIds: [1] });
      expect(again.statusCode).toBe(200);
      expect(again.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
      const other = await post(s, { ...globex, 'idempotency-key': 'order-1' }, { clientIds: [1] });
      expect(other.statusCode).toBe(202);
      expect(other.json()).toMatchObject({ tenant: 'globex' });
      expect(other.json<{ id: string }>().id).not.toBe(first.json<{ id: string }>().id);
    });
  });

  describe('quotas', () => {
    it("one tenant filling its queued quota gets 429; the others still submit", async () => {
      const s = await secured({ TENANT_MAX_QUEUED: 3 });
      const acme = await keyFor(s, 'acme');
      const globex = await keyFor(s, 'globex');
      // Three in: one runs (CONCURRENCY 1), two wait; two more would make four waiting.
      const started = s.waitFor((e) => e.type === 'stage.started');
      const first = await post(s, acme, { clientIds: [1, 2, 3] });
      expect(first.statusCode).toBe(202);
      await started;
      const full = await post(s, acme, { clientIds: [4, 5] });
      expect(full.statusCode).toBe(429);
      expect(full.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(full.json<{ detail: string }>().detail).toContain('tenant acme has 2 workflows queued');
      expect((await post(s, globex, { clientIds: [1, 2, 3] })).statusCode).toBe(202);
    });

    it('bounds priority, retries, timeouts and simulated delays per tenant (403 naming each field); an admin sets them', async () => {
      const s = await secured({ ALLOW_SIMULATION: 'on' });
      const acme = await keyFor(s, 'acme');
      const admin = await keyFor(s, 'ops', true);
      const greedy = {
        clientIds: [1], priority: 1000, retry: { maxAttempts: 20, maxMs: 3_600_000 }, timeouts: { fetchMs: 86_400_000 },
        simulation: { processMs: 600_000 },
      };
      const refused = await post(s, acme, greedy);
      expect(refused.statusCode).toBe(403);
      expect(refused.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path)).toEqual([
        '/body/priority', '/body/retry/maxAttempts', '/body/retry/maxMs', '/body/timeouts/fetchMs', '/body/simulation/processMs',
      ]);
      expect((await s.app.inject({ url: '/v1/batches', headers: admin })).json<{ items: unknown[] }>().items).toEqual([]);
      const set = await s.app.inject({
        method: 'PUT', url: '/v1/tenants/acme', headers: admin,
        payload: { priorityMax: 1000, maxAttempts: 20, maxTimeoutMs: 86_400_000, maxDelayMs: 600_000 },
      });
      expect(set.statusCode).toBe(200);
      expect(set.json()).toMatchObject({ id: 'acme', effective: { priorityMax: 1000, priorityMin: -10 } });
      expect((await post(s, acme, greedy)).statusCode).toBe(202);
    });

    it('refuses `simulation` where ALLOW_SIMULATION is off, even for an admin', async () => {
      const s = await secured({ ALLOW_SIMULATION: 'off' });
      const admin = await keyFor(s, 'ops', true);
      const res = await post(s, admin, { clientIds: [1], simulation: { fetchMs: 1 } });
      expect(res.statusCode).toBe(403);
      expect(res.json<{ errors: Array<{ path: string }> }>().errors).toEqual([{ path: '/body/simulation', message: expect.stringContaining('ALLOW_SIMULATION') }]);
    });

    it('refuses a batch past the tenant\'s maxStored with 507 storage-quota, canceled workflows counted; an admin is not bound', async () => {
      const s = await secured({ TENANT_MAX_STORED: 3 });
      const acme = await keyFor(s, 'acme');
      const admin = await keyFor(s, 'ops', true);
      const first = await post(s, acme, { clientIds: [1, 2] });
      expect(first.statusCode).toBe(202);
      const canceled = await s.app.inject({
        method: 'POST', url: `/v1/batches/${first.json<{ id: string }>().id}/cancel`, headers: { ...acme, 'content-type': 'application/json' },
      });
      expect(canceled.statusCode).toBe(202);
      const full = await post(s, acme, { clientIds: [3, 4] });
      expect(full.statusCode).toBe(507);
      expect(full.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(full.json()).toMatchObject({ type: 'https://clientflow.dev/problems/storage-quota', detail: expect.stringContaining('tenant acme stores 2 workflows') });
      expect((await post(s, acme, { clientIds: [3] })).statusCode).toBe(202);
      expect((await post(s, admin, { clientIds: [1, 2, 3, 4] })).statusCode).toBe(202);
    });

    it('keeps `simulation` off with AUTH=required on a loopback HOST (a same-host proxy serves tenants)', async () => {
      const s = await secured({ HOST: '127.0.0.1' });
      const admin = await keyFor(s, 'ops', true);
      const res = await post(s, admin, { clientIds: [1], simulation: { fetchMs: 1 } });
      expect(res.statusCode).toBe(403);
      expect(res.json<{ errors: Array<{ path: string }> }>().errors).toEqual([{ path: '/body/simulation', message: expect.stringContaining('ALLOW_SIMULATION') }]);
    });

    it('grants simulated CPU work per tenant: none by default (403 naming processCpuMs), up to maxCpuMs once an admin sets it', async () => {
      const s = await secured({ ALLOW_SIMULATION: 'on' });
      const acme = await keyFor(s, 'acme');
      const admin = await keyFor(s, 'ops', true);
      const busy = { clientIds: [1], simulation: { processCpuMs: 5 } };
      const refused = await post(s, acme, busy);
      expect(refused.statusCode).toBe(403);
      expect(refused.json<{ errors: Array<{ path: string; message: string }> }>().errors).toEqual([
        { path: '/body/simulation/processCpuMs', message: expect.stringContaining('must be at most 0') },
      ]);
      expect((await post(s, admin, busy)).statusCode).toBe(202);
      const set = await s.app.inject({ method: 'PUT', url: '/v1/tenants/acme', headers: admin, payload: { maxCpuMs: 5 } });
      expect(set.json()).toMatchObject({ effective: { maxCpuMs: 5 } });
      expect((await post(s, acme, busy)).statusCode).toBe(202);
      expect((await post(s, acme, { clientIds: [2], simulation: { processCpuMs: 6 } })).statusCode).toBe(403);
    });

    it('keeps a tenant\'s retentionDays over RETENTION_DAYS (0 keeps forever); a negative or fractional one is a 400 naming it', async () => {
      const s = await secured({ RETENTION_DAYS: 30 });
      const admin = await keyFor(s, 'ops', true);
      const put = (payload: Record<string, unknown>) => s.app.inject({ method: 'PUT', url: '/v1/tenants/acme', headers: admin, payload });
      const set = await put({ retentionDays: 7 });
      expect(set.statusCode).toBe(200);
      expect(set.json()).toMatchObject({ quotas: { retentionDays: 7 }, effective: { retentionDays: 7 } });
      expect((await s.app.inject({ url: '/v1/tenants/globex', headers: admin })).json()).toMatchObject({ quotas: {}, effective: { retentionDays: 30 } });
      expect((await put({ retentionDays: 0 })).json()).toMatchObject({ effective: { retentionDays: 0 } });
      expect((await s.app.inject({ url: '/v1/tenants', headers: admin })).json<{ items: Array<{ id: string; quotas: unknown }> }>().items)
        .toContainEqual(expect.objectContaining({ id: 'acme', quotas: { retentionDays: 0 } }));
      expect((await s.store.getTenant('acme'))!.quotas).toEqual({ retentionDays: 0 });
      for (const retentionDays of [-1, 1.5, '7']) {
        const refused = await put({ retentionDays });
        expect(refused.statusCode).toBe(400);
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(refused.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path)).toEqual(['/body/retentionDays']);
      }
      expect((await s.store.getTenant('acme'))!.quotas).toEqual({ retentionDays: 0 });
    });

    it('rate-limits each key: RateLimit-* headers, then 429 problem+json with Retry-After; another key is not affected', async () => {
      const s = await secured({ RATE_LIMIT_PER_MINUTE: 3 });
      const acme = await keyFor(s, 'acme');
      const acme2 = await keyFor(s, 'acme');
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await s.app.inject({ url: '/v1/batches', headers: acme }));
      expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 429]);
      expect(answers[0]!.headers['ratelimit-limit']).toBe('3');
      expect(answers[2]!.headers['ratelimit-remaining']).toBe('0');
      const limited = answers[3]!;
      expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.json<{ status: number }>().status).toBe(429);
      expect((await s.app.inject({ url: '/v1/batches', headers: acme2 })).statusCode).toBe(200);
    });
  });
});

describe('key cache', () => {
  it('a key that matched once is known without hashing, yet another secret with its id is refused, and a revocation read later stops it', async () => {
    const { id, key, hash } = mintKey();
    let record: ApiKeyRecord = { id, hash, tenant: 'acme', admin: false, label: null, createdAt: 0, revokedAt: null };
    let reads = 0;
    let now = 0;
    const keys = new KeyCache({
      findKey: async () => {
        reads++;
        return record;
      },
    }, () => now);
    const acme = { tenant: 'acme', admin: false, keyId: id };
    expect(await keys.principal(key)).toEqual(acme);
    expect(await keys.principal(key)).toEqual(acme);
    // Same id, same length, one character of the secret changed: what a guess looks like.
    // (Each position gets a character other than its own: the same one for both would leave the
    // key unchanged whenever the two positions held it, about one run in sixty.)
    const other = (c: string | undefined) => (c === 'A' ? 'B' : 'A');
    expect(await keys.principal(`${key.slice(0, -1)}${other(key.at(-1))}`)).toBeNull();
    expect(await keys.principal(`${key.slice(0, 20)}${other(key[20])}${key.slice(21)}`)).toBeNull();
    expect(await keys.principal(key)).toEqual(acme);
    expect(reads).toBe(1);
    // Revoked elsewhere (the CLI, another replica): refused once the record is read again.
    record = { ...record, revokedAt: 1 };
    now = KEY_CACHE_MS;
    expect(await keys.principal(key)).toBeNull();
    expect(reads).toBe(2);
  });
});

describe('configuration', () => {
  beforeEach(() => {
    backend = 'sqlite';
  });

  it('requires keys by default on a public address and refuses AUTH=off there unless forced', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).AUTH).toBe('required');
    expect(loadConfig({ HOST: '127.0.0.1' }).AUTH).toBe('off');
    expect(() => loadConfig({ HOST: '0.0.0.0', AUTH: 'off' })).toThrow(/AUTH=off.*AUTH_OFF_PUBLIC/);
    expect(loadConfig({ HOST: '0.0.0.0', AUTH: 'off', AUTH_OFF_PUBLIC: 'true' }).AUTH).toBe('off');
    expect(loadConfig({ HOST: '0.0.0.0' }).ALLOW_SIMULATION).toBe('off');
    expect(loadConfig({ HOST: '127.0.0.1' }).ALLOW_SIMULATION).toBe('on');
    expect(loadConfig({ HOST: '127.0.0.1', AUTH: 'required' }).ALLOW_SIMULATION).toBe('off');
    expect(loadConfig({ HOST: '127.0.0.1', AUTH: 'required', ALLOW_SIMULATION: 'on' }).ALLOW_SIMULATION).toBe('on');
    expect(loadConfig({ HOST: '0.0.0.0' }).METRICS_AUTH).toBe('required');
  });

  it('/metrics needs an admin key when METRICS_AUTH is required', async () => {
    const s = await secured({ METRICS_AUTH: 'required' });
    const acme = await keyFor(s, 'acme');
    const admin = await keyFor(s, 'ops', true);
    expect((await s.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await s.app.inject({ url: '/metrics', headers: acme })).statusCode).toBe(403);
    expect((await s.app.inject({ url: '/metrics', headers: admin })).statusCode).toBe(200);
  });
});
