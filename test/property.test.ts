/**
 * Property-based HTTP tests: 10,000 generated requests per run (valid, nearly valid and hostile)
 * over every route the service serves, sent with `app.inject`, each answer checked against the
 * properties in test/property/checks.ts (no 5xx, problem+json 4xx, documented 2xx) and
 * test/property/isolation.ts (keys and tenants: no tenant reads another's data, 401/403/404 where
 * they belong, rate limits); afterwards the service must be healthy and every batch it accepted
 * still readable with its workflow count and owner.
 *
 * Two services, one after the other: 4,000 requests to one with AUTH=off (no header: the
 * operator, an admin) and 6,000 to one with AUTH=required (no header: 401). Both get the same
 * principals otherwise: garbage headers, a revoked key, keys of tenants A and B, an admin key and
 * a key whose tenant may make 3 requests a minute (test/property/principal.ts, tenants.ts).
 *
 * The seed is printed at the start; `FC_SEED=<seed> npx vitest run test/property.test.ts` replays
 * a run (the engine's timing may still differ: batches finish when they finish).
 */
import fc from 'fast-check';
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch, startService, type TestService } from './helpers.js';
import { requestArb } from './property/catalog.js';
import { OpenApi, problemFaults, statusFaults, successFaults, type Answer } from './property/checks.js';
import { accessFaults, changedByRequest, leakFaults, snapshot } from './property/isolation.js';
import { Pools } from './property/pools.js';
import { resolve, type RequestSpec, type Resolved } from './property/request.js';
import { markerOf, setUpTenants, SLOW_RATE, type AuthMode, type Tenancy } from './property/tenants.js';

/** Requests per block, and the blocks each service gets: 10,000 in all. */
const BLOCK = 2_000;
const MODES: Array<{ mode: AuthMode; blocks: number }> = [{ mode: 'off', blocks: 2 }, { mode: 'required', blocks: 3 }];

function seedFromEnv(): number {
  const text = process.env.FC_SEED;
  if (text === undefined || text === '') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(text);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer, not ${text}`);
  return seed;
}
const SEED = seedFromEnv();
const openApi = new OpenApi();

/** The head of a stream: its first chunk, or '' if it ends first. */
function firstChunk(stream: Readable): Promise<string> {
  return new Promise((done, fail) => {
    stream.once('data', (chunk: Buffer) => done(chunk.toString()));
    stream.once('end', () => done(''));
    stream.once('error', fail);
  });
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString();
}

/** Sends a request; an event stream that opens is read up to its first message, then left. */
async function send(service: TestService, request: Resolved): Promise<Answer> {
  if (!request.stream) {
    const res = await service.app.inject(request.options);
    return { status: res.statusCode, headers: res.headers, body: res.body, partial: false };
  }
  const res = await service.app.inject({ ...request.options, payloadAsStream: true });
  const stream = res.stream();
  stream.on('error', () => {}); // leaving below ends it with an error
  const answer = (body: string, partial: boolean): Answer => ({ status: res.statusCode, headers: res.headers, body, partial });
  if (res.statusCode !== 200) return answer(await readAll(stream), false);
  const head = request.options.method === 'HEAD' ? '' : await firstChunk(stream);
  // The client goes away: its response closes, as when a socket does (inject has none to close).
  (res.raw.res as ServerResponse).destroy();
  return answer(head, true);
}

/** The kind of thing a documented path's {id} names. */
function kindOf(template: string | null): 'batch' | 'workflow' | null {
  if (template?.startsWith('/v1/workflows/{id}')) return 'workflow';
  return template?.startsWith('/v1/batches/{id}') ? 'batch' : null;
}

/** One service, its tenants and what a run against it has learnt. */
class Run {
  readonly pools: Pools;
  /** Status counts per route family and per principal, printed at the end: shows what the run reached. */
  readonly tally = new Map<string, Map<number, number>>();
  /** Requests the rate-limited key sent to /v1 routes, and its 429s. */
  slowSent = 0;
  slowLimited = 0;

  constructor(readonly service: TestService, readonly tenancy: Tenancy) {
    this.pools = new Pools(service);
  }

  count(row: string, status: number): void {
    const counts = this.tally.get(row) ?? new Map<number, number>();
    counts.set(status, (counts.get(status) ?? 0) + 1);
    this.tally.set(row, counts);
  }

  /** Checks what a POST /v1/batches answer promises and records the batches it accepted. */
  batchFaults(spec: RequestSpec, request: Resolved, answer: Answer): string[] {
    if (request.options.method !== 'POST' || request.options.url !== '/v1/batches') return [];
    const { pools } = this;
    const faults: string[] = [];
    const key = request.idempotencyKey;
    const { identity } = request;
    if (answer.status === 202 || answer.status === 200) {
      if (identity === 'refused') return ['accepted a batch from a request without a valid key'];
      const batch = JSON.parse(answer.body) as { id: string; tenant: string; progress: { total: number } };
      const ids = (request.json as { clientIds?: unknown } | undefined)?.clientIds;
      if (!Array.isArray(ids)) return [`accepted a body without a clientIds list: ${String(request.options.payload).slice(0, 200)}`];
      const total = ids.length;
      if (batch.progress.total !== total) faults.push(`accepted ${total} ids but progress.total is ${batch.progress.total}`);
      if (answer.status === 202) {
        if (batch.tenant !== identity.tenant) faults.push(`tenant ${identity.tenant} created a batch of tenant ${batch.tenant}`);
        pools.accept(batch.id, total, identity.tenant);
        if (key !== undefined) pools.addKey(key, identity.tenant, request.json, batch.id);
      } else {
        const earlier = pools.keys.find((k) => k.key === key && k.tenant === identity.tenant);
        if (answer.headers['idempotent-replayed'] !== 'true') faults.push('a 200 without Idempotent-Replayed: true');
        if (!earlier) {
          const other = pools.keys.find((k) => k.key === key);
          faults.push(other ? `tenant ${identity.tenant} replayed tenant ${other.tenant}'s Idempotency-Key` : 'a 200 replay of a key this run never had accepted');
        } else if (earlier.id !== batch.id) faults.push(`a replay of ${earlier.id} answered ${batch.id}`);
      }
    }
    // What must be accepted, asked of the principals that may submit (once keys are checked, a
    // made-up Authorization header is refused before the body matters; the slow key is mostly 429).
    if (identity === 'refused' || identity.tenant === 'slow') return faults;
    if (spec.body?.kind === 'json' && spec.body.valid && key === undefined && answer.status !== 202) {
      faults.push('a valid body without Idempotency-Key was not accepted');
    }
    const mine = pools.keys.filter((k) => k.tenant === identity.tenant);
    if (spec.body?.kind === 'replay' && spec.body.same && mine.some((k) => k.key === key) && answer.status !== 200 && answer.status !== 202) {
      faults.push('a repeated request with its Idempotency-Key was not replayed');
    }
    return faults;
  }

  async check(spec: RequestSpec): Promise<void> {
    const { service, pools } = this;
    const request = await resolve(spec, pools, this.tenancy);
    const { method, url } = request.options;
    const template = openApi.operation(method, url)?.template ?? null;
    const target = request.target?.kind === kindOf(template) ? request.target : undefined;
    const owner = target ? await pools.ownerOf(target.id) : null;
    const { identity } = request;
    const reader = identity === 'refused' ? null : identity.admin ? undefined : identity.tenant;
    // An action by someone who may not see its batch or workflow: what it may change is read before and after.
    const foreign = target && owner !== null && method === 'POST' && reader !== undefined && owner !== reader;
    const before = foreign ? await snapshot(service.store, target) : null;

    const answer = await send(service, request);
    this.count(spec.op, answer.status);
    this.count(`as ${spec.principal.kind === 'key' ? spec.principal.role : spec.principal.kind}`, answer.status);
    if (spec.principal.kind === 'key' && spec.principal.role === 'slow' && template?.startsWith('/v1/')) {
      this.slowSent += 1;
      if (answer.status === 429) this.slowLimited += 1;
    }

    const sent = `${url} ${JSON.stringify(request.options.headers)} ${String(request.options.payload ?? '')}`;
    const faults: string[] = statusFaults(answer, method, url, openApi);
    if (answer.status >= 500) faults.push('a 5xx');
    else if (answer.status >= 400) faults.push(...problemFaults(answer, method, sent));
    else {
      faults.push(...successFaults(answer, method, url, openApi), ...this.batchFaults(spec, request, answer));
      if (answer.partial && answer.status === 200 && method === 'GET' && !/^(?:event|id|data|retry|:)/.test(answer.body)) {
        faults.push('an event stream that does not start with an SSE field');
      }
      if (answer.status === 200 && !answer.partial && /^\/v1\/batches(?:\/[^/?]+\/workflows)?(?:\?|$)/.test(url) && method === 'GET') {
        pools.addCursor((JSON.parse(answer.body) as { nextCursor?: string | null }).nextCursor);
      }
      if (answer.status === 201 && template === '/v1/keys') pools.addApiKey((JSON.parse(answer.body) as { id: string }).id);
    }
    faults.push(...accessFaults({ answer, request, template, owner: target ? owner : null, openApi }));
    if (reader !== undefined) faults.push(...await leakFaults(answer, reader, sent, pools));
    if (before !== null) {
      const after = await snapshot(service.store, target!);
      if (changedByRequest(before, after, target!.kind === 'workflow' ? target!.id : null, pools.cancelSent)) {
        faults.push(`${reader ?? 'a request without a valid key'} changed tenant ${owner}'s ${target!.kind}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
      }
    }
    if (answer.status === 202 && target && /\/cancel$/.test(template ?? '')) pools.cancelSent.add(target.id);
    if (faults.length > 0) {
      const who = spec.principal.kind === 'key' ? `key ${spec.principal.role}` : spec.principal.kind;
      throw new Error(`${method} ${url.slice(0, 300)} as ${who} → ${answer.status}\n  ${faults.join('\n  ')}\n  body: ${answer.body.slice(0, 600)}`);
    }
  }
}

/**
 * Batches in every state from the start, owned by A and B: finished and running (A), failed and
 * canceled (B). Each is posted with its tenant's key and marker and, when it must finish, waited for.
 */
async function seed(run: Run): Promise<void> {
  const { service, tenancy, pools } = run;
  const post = async (role: 'alpha' | 'bravo', body: Record<string, unknown>, wait: boolean): Promise<string> => {
    const id = await runBatch(service, { ...body, label: `${markerOf(role)} seeded` }, { headers: { authorization: tenancy.ring[role] }, wait });
    pools.accept(id, (body.clientIds as unknown[]).length, role);
    return id;
  };
  await post('alpha', { clientIds: [1, 2, 3] }, true);
  await post('bravo', { clientIds: [`${markerOf('bravo')}a`, 'b'], simulation: { failStage: 'process' } }, true);
  await post('alpha', { clientIds: [0, 1], simulation: { fetchMs: 600_000 } }, false);
  const canceled = await post('bravo', { clientIds: [0, 1, 2], simulation: { fetchMs: 600_000 } }, false);
  pools.cancelSent.add(canceled);
  await service.app.inject({
    method: 'POST', url: `/v1/batches/${canceled}/cancel`, headers: { authorization: tenancy.ring.bravo, 'content-type': 'application/json' },
  });
}

let block = 0;
for (const { mode, blocks } of MODES) {
  describe(`AUTH=${mode}: ${blocks * BLOCK} generated requests over every route (FC_SEED=${SEED})`, () => {
    let run: Run;
    let listenersBefore: unknown;
    const first = block;
    block += blocks;

    beforeAll(async () => {
      console.log(`property suite: FC_SEED=${SEED} replays this run`);
      // Simulation on in both modes (AUTH=required turns it off by default), so generated bodies run.
      const service = await startService({ config: { MAX_BATCH_SIZE: 100, AUTH: mode, ALLOW_SIMULATION: 'on' } });
      run = new Run(service, await setUpTenants(service, mode));
      await seed(run);
      listenersBefore = service.engine.events.listenerCount;
    });
    afterAll(async () => {
      await run?.service.close();
    });

    for (let b = first; b < first + blocks; b += 1) {
      it(`requests ${b * BLOCK + 1}-${(b + 1) * BLOCK}: no 5xx, problem+json 4xx, documented 2xx, no tenant sees another's data`, async () => {
        try {
          await fc.assert(fc.asyncProperty(requestArb, (spec) => run.check(spec)), { seed: SEED + b, numRuns: BLOCK });
        } catch (error) {
          throw new Error(`FC_SEED=${SEED} replays this run (block ${b})\n${(error as Error).message}`, { cause: error });
        }
      }, 120_000);
    }

    it('afterwards the service is healthy and every accepted batch is still there with its workflow count and tenant', async () => {
      const { service, pools } = run;
      expect((await service.app.inject({ url: '/healthz' })).statusCode).toBe(200);
      const ready = await service.app.inject({ url: '/readyz' });
      expect(ready.statusCode, ready.body).toBe(200);
      const lost: string[] = [];
      for (const { id, total, tenant } of pools.accepted) {
        const res = await service.app.inject({ url: `/v1/batches/${id}`, headers: { authorization: run.tenancy.ring.admin } });
        const got = res.statusCode === 200 ? res.json() as { tenant: string; progress: { total: number } } : null;
        if (got?.progress.total !== total || got.tenant !== tenant) {
          lost.push(`${id}: accepted for ${tenant} with ${total} workflows, now ${res.statusCode} ${JSON.stringify(got && { tenant: got.tenant, total: got.progress.total })}`);
        }
      }
      expect(lost).toEqual([]);
      expect(pools.accepted.length).toBeGreaterThan(50);
      // Both tenants submitted, and the key with the small quota ran into it.
      for (const tenant of ['alpha', 'bravo']) expect(pools.accepted.filter((b) => b.tenant === tenant).length, tenant).toBeGreaterThan(10);
      if (run.slowSent > SLOW_RATE) expect(run.slowLimited, `${run.slowSent} requests`).toBeGreaterThan(0);
      // Every event stream the run left has let go of the engine (the aborts end them a few turns later).
      for (let turns = 0; JSON.stringify(service.engine.events.listenerCount) !== JSON.stringify(listenersBefore) && turns < 1000; turns += 1) {
        await new Promise((r) => setImmediate(r));
      }
      expect(service.engine.events.listenerCount).toEqual(listenersBefore);
      const rows = [...run.tally].sort(([a], [b]) => Number(a.startsWith('as ')) - Number(b.startsWith('as ')) || a.localeCompare(b));
      console.log(`AUTH=${mode}\n${rows.map(([row, counts]) => `${row}: ${[...counts].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`).join('\n')}`);
    });
  });
}

describe('answers the generated requests found undocumented are in the OpenAPI file', () => {
  it('403 listing another tenant, 401/403 on /metrics, 413/415 on the admin routes', async () => {
    const service = await startService({ config: { AUTH: 'required', METRICS_AUTH: 'required' } });
    try {
      const { ring } = await setUpTenants(service, 'required');
      const cases: Array<[string, string, Record<string, string>, string | undefined, number]> = [
        ['GET', '/v1/batches?tenant=bravo', { authorization: ring.alpha }, undefined, 403],
        ['GET', '/metrics', {}, undefined, 401],
        ['GET', '/metrics', { authorization: ring.alpha }, undefined, 403],
        ['POST', '/v1/keys', { authorization: ring.admin, 'content-type': 'text/plain' }, 'acme', 415],
        ['PUT', '/v1/tenants/acme', { authorization: ring.admin, 'content-type': 'text/plain' }, '{}', 415],
        ['DELETE', '/v1/keys/aaaaaaaaaaaa', { authorization: ring.admin, 'content-type': 'text/plain' }, 'x', 415],
        ['PUT', '/v1/tenants/acme', { authorization: ring.admin, 'content-type': 'application/json' }, ' '.repeat(1024 * 1024 + 1), 413],
      ];
      for (const [method, url, headers, payload, status] of cases) {
        const res = await service.app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });
        expect(res.statusCode, `${method} ${url}`).toBe(status);
        expect(statusFaults({ status, headers: res.headers, body: res.body, partial: false }, method, url, openApi)).toEqual([]);
      }
    } finally {
      await service.close();
    }
  });
});
