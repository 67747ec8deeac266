/**
 * A CRM's 429 pauses its key for every replica: two replicas on one PostgreSQL, the mock CRM with a
 * quota. The first 429 reaches one replica; a batch posted to the other one while it stands
 * waits on both. No request reaches the CRM for the key until the first 429's
 * Retry-After has passed (the mock counts them), and no wait spends an attempt (one attempt per
 * stage is all a workflow has here). Waits are on engine events, never on time.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { EngineEvent } from '../src/engine/events.js';
import { createService, type Service } from '../src/service.js';
import { startMockCrm, type MockCrm } from '../scripts/mock-crm.js';
import { useTestDatabase } from './postgres/database.js';

const db = useTestDatabase();

const running: Service[] = [];
let crm: MockCrm | undefined;
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  await crm?.close();
  crm = undefined;
});

async function replica(schema: string, template: string): Promise<{ service: Service; base: string }> {
  const config = loadConfig({}, {
    DATABASE_URL: db.url(), DB_SCHEMA: schema, LOG_LEVEL: 'silent', CRM_URL_TEMPLATE: template, CRM_ALLOW_HOSTS: '127.0.0.1',
    RETRY_MAX_ATTEMPTS: 1, CONCURRENCY: 2, POLL_MS: 100, SHUTDOWN_GRACE_MS: 1_000,
  });
  const service = await createService(config, { logger: pino({ level: 'silent' }) });
  running.push(service);
  service.app.addHook('preClose', async () => service.app.server.closeAllConnections());
  const base = await service.app.listen({ host: '127.0.0.1', port: 0 });
  await service.start();
  return { service, base };
}

/** Resolves with the first event of any of `services` that matches. */
function when(services: Service[], match: (e: EngineEvent) => boolean): Promise<EngineEvent> {
  return new Promise((resolve) => {
    const offs = services.map((s) => s.engine.events.on((e) => {
      if (!match(e)) return;
      for (const off of offs) off();
      resolve(e);
    }));
  });
}

async function post(base: string, clientIds: string[]): Promise<string> {
  const res = await fetch(`${base}/v1/batches`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientIds, stages: 'http', flowKey: 'acme' }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

describe('a CRM 429 across replicas', () => {
  it('pauses the key on every replica until its Retry-After has passed, and spends no attempt', async () => {
    const schema = db.schema('pause');
    // Two requests a second for acme; the first client's first request is answered 429 with
    // Retry-After 3 s whatever the quota (scripts/mock-crm: throttled-S-*).
    crm = await startMockCrm({ port: 0, quotas: new Map([['acme', 2]]) });
    const a = await replica(schema, crm.template);
    const b = await replica(schema, crm.template);
    const both = [a.service, b.service];
    const throttled = when(both, (e) => e.type === 'stage.retrying');
    const first = await post(a.base, ['throttled-3-first']);
    const retrying = await throttled;
    expect(retrying).toMatchObject({ type: 'stage.retrying', error: { code: 'CRM_THROTTLED' } });
    expect(crm.pauses).toHaveLength(1);

    // A batch posted to the other replica while the key is paused: neither replica calls for it
    // until the pause has passed, whichever got the 429.
    const ids = Array.from({ length: 8 }, (_, i) => `c-${i}`);
    const finishedFirst = when(both, (e) => e.type === 'batch.finished' && e.batchId === first);
    const second = await post(b.base, ids);
    const finishedSecond = when(both, (e) => e.type === 'batch.finished' && e.batchId === second);
    await Promise.all([finishedFirst, finishedSecond]);

    // Nothing reached the CRM for acme while the first 429's Retry-After stood. (Later pauses may
    // count a call another replica had sent before the 429 that opened them was recorded.)
    expect(crm.pauses[0]).toMatchObject({ key: 'acme', calls: 0 });
    for (const id of [first, second]) {
      const res = await fetch(`${b.base}/v1/batches/${id}/workflows?limit=100`);
      const { items } = (await res.json()) as { items: Array<{ status: string; stages: Array<{ attempts: number }> }> };
      // One attempt per stage: a wait that spent one would have failed the workflow.
      expect(items.map((w) => w.status).every((s) => s === 'succeeded')).toBe(true);
      expect(items.every((w) => w.stages[0]!.attempts === 1)).toBe(true);
    }
    const limit = (await (await fetch(`${b.base}/v1/limits/acme`)).json()) as { pauses: number };
    expect(limit.pauses).toBeGreaterThanOrEqual(1);
  });
});
