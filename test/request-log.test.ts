/**
 * The request log lines: the tenant on each line of a request made with a key, the request id
 * on "batch accepted", health probes at debug level.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintKey } from '../src/model/api-keys.js';
import { startService, type TestService } from './helpers.js';

interface Line { level: number; msg: string; reqId?: string; tenant?: string; batchId?: string; total?: number }
const DEBUG = 20;
const INFO = 30;

const lines: Line[] = [];
let s: TestService;
let key: string;
beforeAll(async () => {
  const logger = pino({ level: 'debug' }, { write: (line: string) => { lines.push(JSON.parse(line) as Line); } });
  s = await startService({ logger, config: { AUTH: 'required' } });
  const minted = mintKey();
  await s.store.createKey({ id: minted.id, hash: minted.hash, tenant: 'acme', admin: false, label: null, createdAt: Date.now(), revokedAt: null });
  key = minted.key;
});
afterAll(() => s.close());

const ofRequest = (reqId: string) => lines.filter((l) => l.reqId === reqId);

describe('request log lines', () => {
  it('name the tenant on every line of a request made with its key, and the request id on "batch accepted"', async () => {
    const res = await s.app.inject({
      method: 'POST', url: '/v1/batches', headers: { authorization: `Bearer ${key}`, 'x-request-id': 'req-accepted-1' },
      payload: { clientIds: [1, 2] },
    });
    expect(res.statusCode).toBe(202);
    const own = ofRequest('req-accepted-1');
    expect(own.map((l) => l.msg)).toEqual(['incoming request', 'batch accepted', 'request completed']);
    for (const line of own) expect(line).toMatchObject({ tenant: 'acme', level: INFO });
    expect(own[1]).toMatchObject({ batchId: res.json<{ id: string }>().id, total: 2 });
    // One "batch accepted" for the batch: the engine's own line is "batch created", at debug.
    expect(lines.filter((l) => l.msg === 'batch accepted')).toHaveLength(1);
  });

  it('log health probes at debug, other requests at info; a refused key gets its completed line, without a tenant', async () => {
    for (const url of ['/healthz', '/readyz']) {
      await s.app.inject({ url, headers: { 'x-request-id': `probe${url.replace('/', '-')}` } });
      const own = ofRequest(`probe${url.replace('/', '-')}`);
      expect(own.map((l) => [l.msg, l.level])).toEqual([['incoming request', DEBUG], ['request completed', DEBUG]]);
    }
    const refused = await s.app.inject({ url: '/v1/batches', headers: { authorization: 'Bearer cf_nope', 'x-request-id': 'refused-1' } });
    expect(refused.statusCode).toBe(401);
    const own = ofRequest('refused-1');
    expect(own.map((l) => [l.msg, l.level])).toEqual([['request completed', INFO]]);
    expect(own[0]!.tenant).toBeUndefined();
  });
});
