/**
 * Property-based HTTP tests: 10,000 generated requests per run (valid, nearly valid and hostile)
 * over every route the service serves, sent with `app.inject` to one service, each answer checked
 * against the properties in test/property/checks.ts; afterwards the service must be healthy and
 * every batch it accepted still readable with its workflow count.
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
import { Pools } from './property/pools.js';
import { resolve, type RequestSpec, type Resolved } from './property/request.js';

const RUNS = 10_000;
const BLOCKS = 4;

function seedFromEnv(): number {
  const text = process.env.FC_SEED;
  if (text === undefined || text === '') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(text);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer, not ${text}`);
  return seed;
}
const SEED = seedFromEnv();

let service: TestService;
let pools: Pools;
const openApi = new OpenApi();
/** Status counts per route family, printed at the end: shows what the run reached. */
const tally = new Map<string, Map<number, number>>();

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
async function send(request: Resolved): Promise<Answer> {
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

/** Checks what a POST /v1/batches answer promises and records the batches it accepted. */
function batchFaults(spec: RequestSpec, request: Resolved, answer: Answer): string[] {
  if (request.options.method !== 'POST' || request.options.url !== '/v1/batches') return [];
  const faults: string[] = [];
  const key = request.idempotencyKey;
  if (answer.status === 202 || answer.status === 200) {
    const batch = JSON.parse(answer.body) as { id: string; progress: { total: number } };
    const ids = (request.json as { clientIds?: unknown } | undefined)?.clientIds;
    if (!Array.isArray(ids)) return [`accepted a body without a clientIds list: ${String(request.options.payload).slice(0, 200)}`];
    const total = ids.length;
    if (batch.progress.total !== total) faults.push(`accepted ${total} ids but progress.total is ${batch.progress.total}`);
    if (answer.status === 202) {
      pools.accept(batch.id, total);
      if (key !== undefined) pools.addKey(key, request.json, batch.id);
    } else {
      const earlier = pools.keys.find((k) => k.key === key);
      if (answer.headers['idempotent-replayed'] !== 'true') faults.push('a 200 without Idempotent-Replayed: true');
      if (!earlier) faults.push('a 200 replay of a key this run never had accepted');
      else if (earlier.id !== batch.id) faults.push(`a replay of ${earlier.id} answered ${batch.id}`);
    }
  }
  // What must be accepted, asked by the principal every request of this suite may act as (once
  // keys are checked, a made-up Authorization header is refused before the body matters).
  if (spec.principal.kind !== 'anonymous') return faults;
  if (spec.body?.kind === 'json' && spec.body.valid && key === undefined && answer.status !== 202) {
    faults.push('a valid body without Idempotency-Key was not accepted');
  }
  if (spec.body?.kind === 'replay' && spec.body.same && pools.keys.length > 0 && answer.status !== 200 && answer.status !== 202) {
    faults.push('a repeated request with its Idempotency-Key was not replayed');
  }
  return faults;
}

async function check(spec: RequestSpec): Promise<void> {
  const request = await resolve(spec, pools);
  const answer = await send(request);
  const counts = tally.get(spec.op) ?? new Map<number, number>();
  counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
  tally.set(spec.op, counts);

  const { method, url } = request.options;
  const faults: string[] = statusFaults(answer, method, url, openApi);
  if (answer.status >= 500) faults.push('a 5xx');
  else if (answer.status >= 400) {
    const sent = `${url} ${JSON.stringify(request.options.headers)} ${String(request.options.payload ?? '')}`;
    faults.push(...problemFaults(answer, method, sent));
  } else {
    faults.push(...successFaults(answer, method, url, openApi), ...batchFaults(spec, request, answer));
    if (answer.partial && answer.status === 200 && method === 'GET' && !/^(?:event|id|data|retry|:)/.test(answer.body)) {
      faults.push('an event stream that does not start with an SSE field');
    }
    if (answer.status === 200 && !answer.partial && /^\/v1\/batches(?:\/[^/?]+\/workflows)?(?:\?|$)/.test(url) && method === 'GET') {
      pools.addCursor((JSON.parse(answer.body) as { nextCursor?: string | null }).nextCursor);
    }
  }
  if (faults.length > 0) {
    throw new Error(`${method} ${url.slice(0, 300)} → ${answer.status}\n  ${faults.join('\n  ')}\n  body: ${answer.body.slice(0, 600)}`);
  }
}

describe(`${RUNS} generated requests over every route (FC_SEED=${SEED})`, () => {
  let listenersBefore: unknown;

  beforeAll(async () => {
    console.log(`property suite: FC_SEED=${SEED} replays this run`);
    service = await startService({ config: { MAX_BATCH_SIZE: 100 } });
    pools = new Pools(service);
    // Batches in every state from the start: finished, failed (retryable), running, canceled.
    pools.accept(await runBatch(service, { clientIds: [1, 2, 3] }), 3);
    pools.accept(await runBatch(service, { clientIds: ['a', 'b'], simulation: { failStage: 'process' } }), 2);
    for (const total of [2, 3]) {
      const res = await service.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: Array.from({ length: total }, (_, i) => i), simulation: { fetchMs: 600_000 } } });
      pools.accept((res.json() as { id: string }).id, total);
    }
    await service.app.inject({ method: 'POST', url: `/v1/batches/${pools.accepted.at(-1)!.id}/cancel` });
    listenersBefore = service.engine.events.listenerCount;
  });
  afterAll(async () => {
    await service?.close();
  });

  for (let block = 0; block < BLOCKS; block += 1) {
    it(`requests ${block * (RUNS / BLOCKS) + 1}-${(block + 1) * (RUNS / BLOCKS)}: no 5xx, problem+json 4xx, documented 2xx`, async () => {
      try {
        await fc.assert(fc.asyncProperty(requestArb, check), { seed: SEED + block, numRuns: RUNS / BLOCKS });
      } catch (error) {
        throw new Error(`FC_SEED=${SEED} replays this run (block ${block})\n${(error as Error).message}`, { cause: error });
      }
    }, 120_000);
  }

  it('afterwards the service is healthy and every accepted batch is still there with its workflow count', async () => {
    expect((await service.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const ready = await service.app.inject({ url: '/readyz' });
    expect(ready.statusCode, ready.body).toBe(200);
    const lost: string[] = [];
    for (const { id, total } of pools.accepted) {
      const res = await service.app.inject({ url: `/v1/batches/${id}` });
      const got = res.statusCode === 200 ? (res.json() as { progress: { total: number } }).progress.total : null;
      if (got !== total) lost.push(`${id}: accepted with ${total} workflows, now ${res.statusCode} ${String(got)}`);
    }
    expect(lost).toEqual([]);
    expect(pools.accepted.length).toBeGreaterThan(100);
    // Every event stream the run left has let go of the engine (the aborts end them a few turns later).
    for (let turns = 0; JSON.stringify(service.engine.events.listenerCount) !== JSON.stringify(listenersBefore) && turns < 1000; turns += 1) {
      await new Promise((r) => setImmediate(r));
    }
    expect(service.engine.events.listenerCount).toEqual(listenersBefore);
    console.log([...tally].map(([op, counts]) => `${op}: ${[...counts].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`).join('\n'));
  });
});
