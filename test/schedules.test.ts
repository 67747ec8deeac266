/**
 * /v1/schedules over HTTP on both stores: a schedule's life (create, tick, pause, resume, change,
 * delete), what a bad body is told, tenants kept apart, and the tenant's schedule quotas. The
 * scheduler runs on a clock the test moves (the engine's `now`), and a pass is awaited, never slept for.
 */
import { afterEach, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { mintKey } from '../src/model/api-keys.js';
import type { TestService } from './helpers.js';
import { useStores } from './stores.js';

const stores = useStores();
let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

interface ScheduleBody {
  id: string;
  nextRuns: string[];
  recentTicks: Array<{ tickAt: string; outcome: string; batchId: string | null; reason: string | null }>;
  lastBatchId: string | null;
  paused: boolean;
  [key: string]: unknown;
}

/** A service whose engine reads the time from `clock.now` (the routes write with the real one). */
async function start(config: Partial<Config> = {}) {
  const clock = { now: Date.now() };
  service = await stores.start({ config: { SCHEDULE_POLL_MS: 60_000, ...config }, engine: { now: () => clock.now } });
  return { s: service, clock };
}

const body = (extra: Record<string, unknown> = {}) => ({
  name: 'sync', everyMs: 1000, batch: { clientIds: [1, 2], label: 'sync {tick}', simulation: { fetchMs: 0, processMs: 0, storeMs: 0 } }, ...extra,
});

stores.describe('schedules over HTTP', () => {
  it('creates a schedule, fires its tick once into a batch that runs, pauses, resumes, changes and deletes it', async () => {
    const { s, clock } = await start();
    const created = await s.app.inject({ method: 'POST', url: '/v1/schedules', payload: body() });
    expect(created.statusCode).toBe(201);
    const schedule = created.json<ScheduleBody>();
    expect(created.headers.location).toBe(`/v1/schedules/${schedule.id}`);
    expect(schedule).toMatchObject({ tenant: 'default', everyMs: 1000, cron: null, overlap: 'skip', catchUp: 'latest', paused: false, recentTicks: [] });
    expect(schedule.nextRuns).toHaveLength(5);
    const tick = Date.parse(schedule.nextRuns[0]!);
    expect(Date.parse(schedule.nextRuns[1]!) - tick).toBe(1000);

    clock.now = tick + 10;
    const finished = s.waitFor((e) => e.type === 'batch.finished');
    await s.engine.scheduler!.pass();
    const batchId = (await finished).batchId;
    const batch = (await s.app.inject({ method: 'GET', url: `/v1/batches/${batchId}` })).json<{ label: string; status: string }>();
    expect(batch).toMatchObject({ label: `sync ${schedule.nextRuns[0]}`, status: 'succeeded' });
    const read = (await s.app.inject({ method: 'GET', url: `/v1/schedules/${schedule.id}` })).json<ScheduleBody>();
    expect(read).toMatchObject({ lastBatchId: batchId, recentTicks: [{ tickAt: schedule.nextRuns[0], outcome: 'fired', batchId, reason: null }] });
    expect(read.links).toEqual({ self: `/v1/schedules/${schedule.id}`, batches: [`/v1/batches/${batchId}`] });
    // The same time again takes nothing.
    await s.engine.scheduler!.pass();
    expect((await s.app.inject({ method: 'GET', url: '/v1/batches' })).json<{ items: unknown[] }>().items).toHaveLength(1);

    const paused = await s.app.inject({ method: 'POST', url: `/v1/schedules/${schedule.id}/pause` });
    expect(paused.json()).toMatchObject({ paused: true, nextRuns: [] });
    clock.now += 60_000;
    await s.engine.scheduler!.pass();
    expect((await s.app.inject({ method: 'GET', url: '/v1/batches' })).json<{ items: unknown[] }>().items).toHaveLength(1);
    const resumed = (await s.app.inject({ method: 'POST', url: `/v1/schedules/${schedule.id}/resume` })).json<ScheduleBody>();
    expect(resumed.paused).toBe(false);
    expect(Date.parse(resumed.nextRuns[0]!)).toBeGreaterThan(Date.now() - 1);

    const changed = await s.app.inject({ method: 'PATCH', url: `/v1/schedules/${schedule.id}`, payload: { cron: '0 30 2 * * *', timezone: 'Europe/Madrid', overlap: 'allow' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ cron: '0 30 2 * * *', timezone: 'Europe/Madrid', everyMs: null, overlap: 'allow' });
    expect(new Date(changed.json<ScheduleBody>().nextRuns[0]!).toLocaleTimeString('en-GB', { timeZone: 'Europe/Madrid' })).toBe('02:30:00');

    const list = (await s.app.inject({ method: 'GET', url: '/v1/schedules' })).json<{ items: ScheduleBody[]; nextCursor: null }>();
    expect(list.items.map((i) => i.id)).toEqual([schedule.id]);
    expect((await s.app.inject({ method: 'DELETE', url: `/v1/schedules/${schedule.id}` })).statusCode).toBe(204);
    expect((await s.app.inject({ method: 'GET', url: `/v1/schedules/${schedule.id}` })).statusCode).toBe(404);
    expect((await s.app.inject({ method: 'DELETE', url: `/v1/schedules/${schedule.id}` })).statusCode).toBe(404);
    // Its batch stays.
    expect((await s.app.inject({ method: 'GET', url: `/v1/batches/${batchId}` })).statusCode).toBe(200);
  });

  it('tells a bad body what is wrong, as problem+json naming the field, and creates nothing', async () => {
    const { s } = await start();
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...body(), cron: '* * * * *' }, 400, '/body/everyMs'],
      [{ name: 'x', batch: { clientIds: [1] } }, 400, '/body/cron'],
      [{ ...body({ everyMs: undefined }), cron: '61 * * * *' }, 400, '/body/cron'],
      [{ ...body({ everyMs: undefined }), cron: '2030-01-01T00:00:00' }, 400, '/body/cron'],
      [{ ...body({ everyMs: undefined }), cron: '0 0 30 2 *' }, 400, '/body/cron'],
      [{ ...body({ everyMs: undefined }), cron: '0 * * * *', timezone: 'Mars/Olympus' }, 400, '/body/timezone'],
      [{ ...body(), timezone: 'UTC' }, 400, '/body/timezone'],
      [body({ jitterMs: 1000 }), 400, '/body/jitterMs'],
      [body({ everyMs: 999 }), 400, '/body/everyMs'],
      [body({ batch: { clientIds: [1, 1] } }), 400, '/body/batch/clientIds/1'],
      [body({ batch: { clientIds: [1], callbackUrl: 'http://127.0.0.1/x' } }), 400, '/body/batch/callbackUrl'],
      [body({ overlap: 'sometimes' }), 400, '/body/overlap'],
      [body({ catchUp: 'every' }), 400, '/body/catchUp'],
    ];
    for (const [payload, status, path] of cases) {
      const res = await s.app.inject({ method: 'POST', url: '/v1/schedules', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path), JSON.stringify(payload)).toContain(path);
      expect(res.body).not.toMatch(/at .*\.ts|node_modules|SELECT/);
    }
    expect((await s.app.inject({ method: 'GET', url: '/v1/schedules' })).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await s.app.inject({ method: 'PATCH', url: '/v1/schedules/00000000-0000-4000-8000-000000000000', payload: {} })).statusCode).toBe(404);
  });

  it("keeps tenants apart (another tenant's schedule is a 404) and holds each to its schedule quotas", async () => {
    const { s } = await start({ AUTH: 'required' });
    const keyFor = async (tenant: string) => {
      const { id, key, hash } = mintKey();
      await s.store.createKey({ id, hash, tenant, admin: false, label: null, createdAt: Date.now(), revokedAt: null });
      return { authorization: `Bearer ${key}` };
    };
    const acme = await keyFor('acme');
    const other = await keyFor('other');
    await s.store.putTenant('acme', { maxSchedules: 1, minScheduleIntervalMs: 5000, maxScheduleBatch: 2 }, Date.now());
    const plain = { everyMs: 5000, batch: { clientIds: [1, 2] } };
    const created = await s.app.inject({ method: 'POST', url: '/v1/schedules', headers: acme, payload: plain });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<ScheduleBody>();
    for (const [method, url] of [['GET', `/v1/schedules/${id}`], ['POST', `/v1/schedules/${id}/pause`], ['DELETE', `/v1/schedules/${id}`]] as const) {
      expect((await s.app.inject({ method, url, headers: other })).statusCode).toBe(404);
    }
    expect((await s.app.inject({ method: 'PATCH', url: `/v1/schedules/${id}`, headers: other, payload: { everyMs: 60_000 } })).statusCode).toBe(404);
    expect((await s.app.inject({ method: 'GET', url: '/v1/schedules', headers: other })).json()).toEqual({ items: [], nextCursor: null });
    expect((await s.app.inject({ method: 'GET', url: '/v1/schedules?tenant=acme', headers: other })).statusCode).toBe(403);

    const refused = async (payload: Record<string, unknown>, path: string) => {
      const res = await s.app.inject({ method: 'POST', url: '/v1/schedules', headers: acme, payload });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ type: expect.stringContaining('quota-exceeded') });
      if (path) expect(res.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path)).toEqual([path]);
    };
    await refused({ everyMs: 4000, batch: { clientIds: [1] } }, '/body/everyMs');
    await refused({ cron: '*/2 * * * * *', batch: { clientIds: [1] } }, '/body/cron');
    await refused({ everyMs: 5000, batch: { clientIds: [1, 2, 3] } }, '/body/batch/clientIds');
    // A schedule's batch names only the flow and CRM keys the tenant may, as a POST of it would.
    await refused({ everyMs: 5000, batch: { clientIds: [1], flowKey: 'other:crm' } }, '/body/batch/flowKey');
    await refused(plain, '');
    // The change is held to the same quotas.
    const patched = await s.app.inject({ method: 'PATCH', url: `/v1/schedules/${id}`, headers: acme, payload: { everyMs: 1000 } });
    expect(patched.statusCode).toBe(403);
    const rekeyed = await s.app.inject({ method: 'PATCH', url: `/v1/schedules/${id}`, headers: acme, payload: { batch: { clientIds: [1], crmKey: 'other' } } });
    expect(rekeyed.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path)).toEqual(['/body/batch/crmKey']);
    expect((await s.app.inject({ method: 'GET', url: '/v1/schedules', headers: acme })).json<{ items: ScheduleBody[] }>().items).toHaveLength(1);
  });
});
