/**
 * Hostile and careless input: every bad request is a problem+json 4xx that names the offending
 * field, none leaks internals, and none disturbs the service or the work it already accepted.
 */
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Workflow } from '../src/model/types.js';
import { errorPaths, expectProblem, internalLeaks, type InjectResponse } from './contract-helpers.js';
import { startService, type TestService } from './helpers.js';

/** Every body any test in this file received, checked for leaks at the end. */
const bodies: string[] = [];

async function send(service: TestService, options: InjectOptions): Promise<InjectResponse> {
  const res = await service.app.inject(options);
  bodies.push(res.body);
  return res;
}

const post = (service: TestService, payload: unknown, contentType?: string) => send(service, {
  method: 'POST', url: '/v1/batches',
  payload: payload as string,
  ...(contentType ? { headers: { 'content-type': contentType } } : {}),
});

/** 10 000 000 bytes of syntactically valid JSON. */
const TEN_MB = `{"clientIds":["${'x'.repeat(10_000_000 - 18)}"]}`;

describe('bad input against a service with MAX_BATCH_SIZE 10', () => {
  let service: TestService;
  let acceptedId: string;
  const finishedBatches = new Set<string>();

  beforeAll(async () => {
    service = await startService({ config: { MAX_BATCH_SIZE: 10 } });
    // Listen before posting: the batch may finish before the POST's answer is read.
    service.engine.events.on((e) => {
      if (e.type === 'batch.finished') finishedBatches.add(e.batchId);
    });
    const res = await post(service, { clientIds: [1, 2, 3, 4, 5], simulation: { fetchMs: 20, processMs: 20, storeMs: 20 } });
    expect(res.statusCode).toBe(202);
    acceptedId = (res.json() as { id: string }).id;
  });
  afterAll(async () => {
    await service.close();
  });

  describe('POST /v1/batches: body validation', () => {
    it.each<[string, unknown, string[]]>([
      ['clientIds a string', { clientIds: '1,2,3' }, ['/body/clientIds']],
      ['clientIds an object', { clientIds: { 0: 1 } }, ['/body/clientIds']],
      ['clientIds a number', { clientIds: 1 }, ['/body/clientIds']],
      ['clientIds null', { clientIds: null }, ['/body/clientIds']],
      ['clientIds missing', { label: 'no ids' }, ['/body/clientIds']],
      ['a JSON array instead of an object', [1, 2, 3], ['/body']],
      ['an empty array', { clientIds: [] }, ['/body/clientIds']],
      ['MAX_BATCH_SIZE + 1 ids', { clientIds: Array.from({ length: 11 }, (_, i) => i) }, ['/body/clientIds']],
      ['a boolean id', { clientIds: [1, 2, 3, true] }, ['/body/clientIds/3']],
      ['false as an id', { clientIds: [1, 2, 3, false] }, ['/body/clientIds/3']],
      ['a null id', { clientIds: [1, 2, 3, null] }, ['/body/clientIds/3']],
      ['a float id', { clientIds: [1, 2, 3, 1.5] }, ['/body/clientIds/3']],
      ['a negative id', { clientIds: [1, 2, 3, -1] }, ['/body/clientIds/3']],
      ['2^53 as an id', { clientIds: [1, 2, 3, 2 ** 53] }, ['/body/clientIds/3']],
      ['an object id', { clientIds: [1, 2, 3, { id: 4 }] }, ['/body/clientIds/3']],
      ['an array id', { clientIds: [1, 2, 3, [4]] }, ['/body/clientIds/3']],
      ['a string id of 0 characters', { clientIds: [1, 2, 3, ''] }, ['/body/clientIds/3']],
      ['a string id of 129 characters', { clientIds: [1, 2, 3, 'x'.repeat(129)] }, ['/body/clientIds/3']],
      ['a string id of 129 astral characters', { clientIds: [1, 2, 3, '🙂'.repeat(129)] }, ['/body/clientIds/3']],
      [
        'several bad ids at once',
        { clientIds: ['ok', true, null, 1.5, -1, 2 ** 53, 7] },
        ['/body/clientIds/1', '/body/clientIds/2', '/body/clientIds/3', '/body/clientIds/4', '/body/clientIds/5'],
      ],
      ['an unknown top-level field', { clientIds: [1], clientId: 2 }, ['/body/clientId']],
      ['an unknown field inside simulation', { clientIds: [1], simulation: { fetchMs: 1, delayMs: 5 } }, ['/body/simulation/delayMs']],
      ['failureRate 2', { clientIds: [1], simulation: { failureRate: 2 } }, ['/body/simulation/failureRate']],
      ['a negative simulated delay', { clientIds: [1], simulation: { fetchMs: -5 } }, ['/body/simulation/fetchMs']],
      ['a non-integer priority', { clientIds: [1], priority: 1.5 }, ['/body/priority']],
      ['a priority sent as a string (bodies are not coerced)', { clientIds: [1], priority: '1' }, ['/body/priority']],
      ['an empty label', { clientIds: [1], label: '' }, ['/body/label']],
      // PostgreSQL text holds no NUL (that was a 500 there); an unpaired surrogate came back as U+FFFD.
      ['a label with a NUL character', { clientIds: [1], label: 'a\u0000b' }, ['/body/label']],
      ['a label with an unpaired surrogate', { clientIds: [1], label: 'a\ud800b' }, ['/body/label']],
    ])('%s → 400 naming the field', async (_name, payload, paths) => {
      const res = await post(service, payload);
      const problem = expectProblem(res, 400);
      expect(errorPaths(res)).toEqual(paths);
      for (const path of paths) expect(problem.detail).toContain(path);
    });

    it('a label takes any text, astral characters included, and says what it takes when refused', async () => {
      const accepted = await post(service, { clientIds: [1], label: '🙂 é 中 \t "quoted"' });
      expect(accepted.statusCode, accepted.body).toBe(202);
      expect((accepted.json() as { label: string }).label).toBe('🙂 é 中 \t "quoted"');
      const refused = expectProblem(await post(service, { clientIds: [1], label: '\u0000' }), 400);
      expect(refused.detail).toBe('/body/label must be 1 to 200 characters of text, without NUL characters or unpaired surrogates');
    });

    it('an API key\'s label takes the same text as a batch\'s: NUL (a 500 on PostgreSQL) and unpaired surrogates are a 400', async () => {
      const createKey = (label: string) => send(service, { method: 'POST', url: '/v1/keys', payload: { tenant: 'acme', label } });
      const accepted = await createKey('🙂 é 中 \t "quoted"');
      expect(accepted.statusCode, accepted.body).toBe(201);
      expect((accepted.json() as { label: string }).label).toBe('🙂 é 中 \t "quoted"');
      for (const label of ['a\u0000b', 'a\ud800b']) {
        const refused = expectProblem(await createKey(label), 400);
        expect(refused.detail).toBe('/body/label must be up to 200 characters of text, without NUL characters or unpaired surrogates');
      }
    });

    it('duplicates → 400 naming the path of every repeat; "1" and 1 are not duplicates', async () => {
      const res = await post(service, { clientIds: [1, 2, 1, '1', 'a', 'a', 2] });
      const problem = expectProblem(res, 400);
      expect(errorPaths(res)).toEqual(['/body/clientIds/2', '/body/clientIds/5', '/body/clientIds/6']);
      // Each repeat says which earlier entry it repeats.
      expect(problem.errors!.map((e) => e.message)).toEqual([
        expect.stringContaining('/body/clientIds/0'),
        expect.stringContaining('/body/clientIds/4'),
        expect.stringContaining('/body/clientIds/1'),
      ]);
    });

    it('the limits themselves are accepted and echoed exactly as sent', async () => {
      const ids = [0, Number.MAX_SAFE_INTEGER, 'x'.repeat(128), '🙂'.repeat(128), '1', 1, 'a', 'A', ' ', '0'];
      const res = await post(service, { clientIds: ids, priority: -1000, simulation: { failureRate: 0 } });
      expect(res.statusCode, res.body).toBe(202);
      const batchId = (res.json() as { id: string }).id;
      const list = await send(service, { url: `/v1/batches/${batchId}/workflows` });
      expect((list.json() as Page<Workflow>).items.map((w) => w.clientId)).toStrictEqual(ids);
    });
  });

  describe('POST /v1/batches: body encoding', () => {
    it.each([
      ['text/plain', 'clientIds=1'],
      ['application/x-www-form-urlencoded', 'clientIds=1&clientIds=2'],
      ['application/xml', '<clientIds><id>1</id></clientIds>'],
      ['application/vnd.api+json', '{"clientIds":[1]}'],
    ])('%s → 415', async (contentType, payload) => {
      const res = await post(service, payload, contentType);
      expectProblem(res, 415);
    });

    it.each([
      ['text/plain', 'Content-Type "text/plain"'],
      [undefined, 'a body without a Content-Type'],
    ])('a 415 names the Content-Type it refused (%s) and the one it takes', async (contentType, named) => {
      const res = await post(service, 'clientIds=1', contentType);
      const detail = expectProblem(res, 415).detail;
      expect(detail).toContain(named);
      expect(detail).toContain('application/json');
    });

    it('malformed JSON → 400', async () => {
      expectProblem(await post(service, '{"clientIds": [1, 2', 'application/json'), 400);
    });

    it('an empty body with a JSON content type → 400', async () => {
      expectProblem(await post(service, '', 'application/json'), 400);
    });

    it('a prototype-poisoning body → 400', async () => {
      expectProblem(await post(service, '{"clientIds":[1],"__proto__":{"admin":true}}', 'application/json'), 400);
    });

    it('a 10 MB body → 413', async () => {
      expectProblem(await post(service, TEN_MB, 'application/json'), 413);
    });
  });

  describe('path ids', () => {
    const malformed = ['nope', '123', '00000000-0000-4000-8000-00000000000g', `${randomUUID()}0`, '%20'];
    it.each(malformed.flatMap((id) => [
      `/v1/batches/${id}`, `/v1/batches/${id}/workflows`, `/v1/workflows/${id}`,
    ]))('GET %s → 400 naming /params/id', async (url) => {
      const res = await send(service, { url });
      expectProblem(res, 400);
      expect(errorPaths(res)).toEqual(['/params/id']);
    });
  });

  it.each(['/v1/batches/%E0%A4%A', '/ui/%E0%A4%A', '/v1/workflows/%'])('a URL that does not decode (%s) → 400 problem+json', async (url) => {
    const res = await send(service, { url });
    expectProblem(res, 400);
    expect(res.json()).toMatchObject({ type: 'https://clientflow.dev/problems/invalid-url' });
    // It names what does not decode, not the whole path, and echoes no URL besides.
    expect(res.json<{ detail: string }>().detail).toMatch(/^the URL path does not decode: "%(?:E0%A4%A|)" is not valid percent-encoding$/);
    expect(res.json()).not.toHaveProperty('instance');
  });

  it.each([
    ['/v1/batches/{id}', 101], ['/v1/batches/{id}', 5036], ['/v1/batches/{id}/workflows?limit=5', 300], ['/v1/workflows/{id}/retry', 101],
  ])('an id past the router\'s limit (%s, %i characters) → 400 naming the id as too long, without echoing it', async (template, length) => {
    const id = 'a'.repeat(length);
    const res = await send(service, { method: template.endsWith('retry') ? 'POST' : 'GET', url: template.replace('{id}', id) });
    const body = expectProblem(res, 400);
    expect(body.type).toBe('https://clientflow.dev/problems/id-too-long');
    expect(body.detail).toBe(`the id in the path is ${length} characters long; ids are at most 100`);
    expect(res.body).not.toContain(id.slice(0, 101));
  });

  describe('query parameters', () => {
    const cases: Array<[string, string]> = [
      ['limit=0', '/querystring/limit'],
      ['limit=abc', '/querystring/limit'],
      ['limit=2.5', '/querystring/limit'],
      ['limit=1001', '/querystring/limit'],
      ['limit=-1', '/querystring/limit'],
      ['status=nope', '/querystring/status'],
      ['status=queued&status=running', '/querystring/status'],
      ['cursor=!!!', '/querystring/cursor'],
      ['cursor=c3RhcnQ', '/querystring/cursor'],
      [`cursor=${'a'.repeat(65)}`, '/querystring/cursor'],
    ];
    it.each(cases)('GET /v1/batches?%s → 400 naming %s', async (query, path) => {
      const res = await send(service, { url: `/v1/batches?${query}` });
      expectProblem(res, 400);
      expect(errorPaths(res)).toEqual([path]);
    });
    it.each(cases)('GET /v1/batches/{id}/workflows?%s → 400 naming %s', async (query, path) => {
      const res = await send(service, { url: `/v1/batches/${acceptedId}/workflows?${query}` });
      expectProblem(res, 400);
      expect(errorPaths(res)).toEqual([path]);
    });

    it('unknown query parameters are ignored', async () => {
      const batches = await send(service, { url: '/v1/batches?foo=bar&limit=1&sort=asc' });
      expect(batches.statusCode).toBe(200);
      expect((batches.json() as Page<unknown>).items).toHaveLength(1);
      const workflows = await send(service, { url: `/v1/batches/${acceptedId}/workflows?page=3&limit=2` });
      expect(workflows.statusCode).toBe(200);
      expect((workflows.json() as Page<Workflow>).items.map((w) => w.clientId)).toStrictEqual([1, 2]);
      const one = await send(service, { url: `/v1/batches/${acceptedId}?verbose=1` });
      expect(one.statusCode).toBe(200);
    });
  });

  describe('afterwards', () => {
    it('the service is healthy and the batch accepted before the bad requests completes', async () => {
      const health = await send(service, { url: '/healthz' });
      expect(health.statusCode).toBe(200);
      expect((await send(service, { url: '/readyz' })).statusCode).toBe(200);

      if (!finishedBatches.has(acceptedId)) {
        await service.waitFor((e) => e.type === 'batch.finished' && e.batchId === acceptedId);
      }
      const res = await send(service, { url: `/v1/batches/${acceptedId}` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        status: 'succeeded', progress: { total: 5, succeeded: 5, failed: 0, percent: 100 },
      });
    });
  });
});

describe('bad input against a default-size service (MAX_BATCH_SIZE 10000)', () => {
  let service: TestService;
  beforeAll(async () => {
    // Long fetches: accepted workflows wait instead of running; close() aborts them.
    service = await startService({ config: { FETCH_MS: 600_000 } });
  });
  afterAll(async () => {
    await service.close();
  });

  it('10 001 ids → 400 naming /body/clientIds', async () => {
    const res = await post(service, { clientIds: Array.from({ length: 10_001 }, (_, i) => i) });
    expectProblem(res, 400);
    expect(errorPaths(res)).toEqual(['/body/clientIds']);
  });

  it('a 10 MB body → 413', async () => {
    expectProblem(await post(service, TEN_MB, 'application/json'), 413);
  });

  it('the body limit admits a valid batch of MAX_BATCH_SIZE longest ids, as JSON.stringify writes it', async () => {
    // 10 000 distinct ids of 128 characters each. Control characters are valid in a string id,
    // and JSON must escape each as \u00XX: 6 bytes a character, the longest a valid id can be.
    const clientIds = Array.from({ length: 10_000 }, (_, i) => {
      const head = [...i.toString(32).padStart(3, '0')].map((d) => String.fromCharCode(parseInt(d, 32))).join('');
      return head + '\u0001'.repeat(125);
    });
    expect(new Set(clientIds).size).toBe(10_000);
    const res = await post(service, JSON.stringify({ clientIds }), 'application/json');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(202);
  });
});

describe('leaks', () => {
  it('no answer above carried a stack trace, a file path or SQL', () => {
    expect(bodies.length).toBeGreaterThan(50);
    const leaks = bodies.flatMap((body) => internalLeaks(body).map((leak) => `${leak} in ${body.slice(0, 200)}`));
    expect(leaks).toEqual([]);
  });
});
