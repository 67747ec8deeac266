/**
 * Rate limits counted in the store: two replicas of one PostgreSQL hold a key to one limit
 * between them, and requests that arrive while the key's count is on its way to the store go
 * together in the next statement, each with its own place in the count.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { StoreCounts } from '../src/http/rate-limit.js';
import { mintKey } from '../src/model/api-keys.js';
import { createService, type Service } from '../src/service.js';
import { deferred } from './helpers.js';
import { useTestDatabase } from './postgres/database.js';

const db = useTestDatabase();

const running: Service[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function replica(schema: string): Promise<Service> {
  const service = await createService(loadConfig({}, {
    DATABASE_URL: db.url(), DB_SCHEMA: schema, LOG_LEVEL: 'silent', AUTH: 'required', RATE_LIMIT_PER_MINUTE: 4, RUN_MODE: 'api',
  }), { logger: pino({ level: 'silent' }) });
  running.push(service);
  await service.app.ready();
  return service;
}

describe('rate limits', () => {
  it('two replicas of one store hold a key to one limit between them', async () => {
    const schema = db.schema('rate');
    const a = await replica(schema);
    const b = await replica(schema);
    const { id, key, hash } = mintKey();
    await a.store.createKey({ id, hash, tenant: 'acme', admin: false, label: null, createdAt: Date.now(), revokedAt: null });
    const headers = { authorization: `Bearer ${key}` };
    const statuses: number[] = [];
    for (const s of [a, b, a, b, a, b]) statuses.push((await s.app.inject({ url: '/v1/batches', headers })).statusCode);
    // Per process, each replica would have allowed 4: six 200s.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('sends a key\'s requests that wait for the count in flight together, each with its place in the count', async () => {
    const calls: Array<[string, number, number]> = [];
    const gates: Array<ReturnType<typeof deferred<{ count: number; startedAt: number }>>> = [];
    let now = 125_000;
    const counts = new StoreCounts({
      countRequests: (key, at, n) => {
        calls.push([key, at, n]);
        const gate = deferred<{ count: number; startedAt: number }>();
        gates.push(gate);
        return gate.promise;
      },
    }, () => now);
    const answers: Array<{ current: number; ttl: number }> = [];
    const answer = (error: Error | null, result?: { current: number; ttl: number }) => {
      expect(error).toBeNull();
      answers.push(result!);
    };
    counts.incr('k', answer);
    now += 1_000;
    counts.incr('k', answer);
    counts.incr('k', answer);
    counts.incr('other', answer);
    // One statement per key in flight; the two that came later wait for the first.
    expect(calls).toEqual([['k', 125_000, 1], ['other', 126_000, 1]]);
    gates[0]!.resolve({ count: 10, startedAt: 100_000 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([['k', 125_000, 1], ['other', 126_000, 1], ['k', 126_000, 2]]);
    gates[2]!.resolve({ count: 12, startedAt: 100_000 });
    gates[1]!.resolve({ count: 1, startedAt: 126_000 });
    await new Promise((resolve) => setImmediate(resolve));
    // The window of k started at 100 s: 35 s left at 125 s, 34 s at 126 s.
    expect(answers).toEqual([{ current: 10, ttl: 35_000 }, { current: 11, ttl: 34_000 }, { current: 12, ttl: 34_000 }, { current: 1, ttl: 60_000 }]);
  });
});
