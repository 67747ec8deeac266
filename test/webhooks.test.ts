/**
 * Webhooks: a batch with a callbackUrl is POSTed, signed, to a local receiver when it finishes;
 * failures are retried with backoff and recorded on the batch; bad URLs and a server without a
 * secret are refused. The receiver is real (127.0.0.1, port 0); tests wait on its requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { signPayload, verifySignature } from '../src/engine/webhook-signature.js';
import type { Batch } from '../src/model/types.js';
import { errorPaths, expectProblem } from './contract-helpers.js';
import { startService, type TestService } from './helpers.js';

const SECRET = 'test-secret-0123456789';
const FAST = { fetchMs: 1, processMs: 1, storeMs: 1 };

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  url: string;
  requests: Received[];
  /** Resolves with the n-th request (from 1), already received or still to come. */
  nth: (n: number) => Promise<Received>;
  close: () => Promise<void>;
}

/** A webhook receiver answering each request with the next status of `statuses` (the last one repeats). */
async function startReceiver(statuses: number[] = [200]): Promise<Receiver> {
  const requests: Received[] = [];
  const waiters = new Map<number, (r: Received) => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      res.writeHead(statuses[Math.min(requests.length, statuses.length) - 1]!).end();
      waiters.get(requests.length)?.(received);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/clientflow`,
    requests,
    nth: (n) => (requests[n - 1] ? Promise.resolve(requests[n - 1]!) : new Promise((resolve) => waiters.set(n, resolve))),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const open: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function service(config: Partial<Config> = {}): Promise<TestService> {
  const s = await startService({ config: { WEBHOOK_SECRET: SECRET, WEBHOOK_BASE_MS: 1, WEBHOOK_MAX_MS: 5, ...config } });
  open.push(s);
  return s;
}

async function receiver(statuses?: number[]): Promise<Receiver> {
  const r = await startReceiver(statuses);
  open.push(r);
  return r;
}

async function postBatch(s: TestService, body: Record<string, unknown>): Promise<string> {
  const res = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: body });
  expect(res.statusCode, res.body).toBe(202);
  return (res.json() as { id: string }).id;
}

async function getBatch(s: TestService, id: string): Promise<Batch> {
  return (await s.app.inject({ method: 'GET', url: `/v1/batches/${id}` })).json() as Batch;
}

/** The batch once its webhook is no longer pending: read again after each recorded attempt of it. */
async function settledWebhook(s: TestService, id: string): Promise<Batch> {
  let attemptEnded: () => void = () => undefined;
  // Subscribed before the first read: an attempt that ends in between is not missed.
  const off = s.webhooks.onOutcome((batchId) => {
    if (batchId === id) attemptEnded();
  });
  try {
    for (;;) {
      const ended = new Promise<void>((resolve) => {
        attemptEnded = resolve;
      });
      const batch = await getBatch(s, id);
      if (batch.webhook && batch.webhook.status !== 'pending') return batch;
      await ended;
    }
  } finally {
    off();
  }
}

describe('webhooks: delivery', () => {
  it('POSTs the finished batch once, signed, and records it delivered', async () => {
    const hook = await receiver();
    const s = await service();
    const id = await postBatch(s, { clientIds: [1, 2, 3], simulation: FAST, callbackUrl: hook.url });
    const queued = await getBatch(s, id);
    expect(queued.webhook).toEqual({ url: hook.url, status: 'pending', attempts: 0, lastError: null, deliveredAt: null });

    const req = await hook.nth(1);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('clientflow-webhook/1');
    const finishedAt = Date.parse((JSON.parse(req.body) as Batch).finishedAt!);
    expect(req.headers['clientflow-delivery']).toBe(`${id}:${finishedAt}`);
    expect(req.headers['clientflow-attempt']).toBe('1');
    const signature = String(req.headers['clientflow-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(SECRET, signature, req.body)).toBe(true);
    expect(verifySignature('another-secret', signature, req.body)).toBe(false);
    expect(verifySignature(SECRET, signature, req.body.replace('succeeded', 'failed'))).toBe(false);

    const sent = JSON.parse(req.body) as Batch & { links: unknown };
    expect(sent).toMatchObject({ id, status: 'succeeded', progress: { total: 3, succeeded: 3, percent: 100 } });
    expect(sent.webhook).toMatchObject({ status: 'pending', attempts: 1 });

    const batch = await settledWebhook(s, id);
    expect(batch.webhook).toMatchObject({ url: hook.url, status: 'delivered', attempts: 1, lastError: null });
    expect(Date.parse(batch.webhook!.deliveredAt!)).toBeGreaterThanOrEqual(Date.parse(batch.finishedAt!));
    // The body is the batch as GET shows it; only the delivery's own state has moved on since.
    expect({ ...sent, webhook: null }).toEqual({ ...batch, webhook: null });

    await s.close();
    expect(hook.requests).toHaveLength(1);
  });

  it('retries after a 500 and records delivered with 2 attempts', async () => {
    const hook = await receiver([500, 200]);
    const s = await service();
    const id = await postBatch(s, { clientIds: ['a'], simulation: FAST, callbackUrl: hook.url });
    const [first, second] = await Promise.all([hook.nth(1), hook.nth(2)]);
    // Two attempts of one notification: the same delivery id, attempts 1 and 2.
    expect(second.headers['clientflow-delivery']).toBe(first.headers['clientflow-delivery']);
    expect([first.headers['clientflow-attempt'], second.headers['clientflow-attempt']]).toEqual(['1', '2']);
    expect(verifySignature(SECRET, String(second.headers['clientflow-signature']), second.body)).toBe(true);
    const batch = await settledWebhook(s, id);
    expect(batch.webhook).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });
    await s.close();
    expect(hook.requests).toHaveLength(2);
  });

  it('delivers every batch when more finish at once than deliveries may be in flight', async () => {
    const hook = await receiver();
    const s = await service();
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      postBatch(s, { clientIds: [i], simulation: FAST, callbackUrl: hook.url })));
    await hook.nth(20);
    for (const id of ids) expect((await settledWebhook(s, id)).webhook).toMatchObject({ status: 'delivered', attempts: 1 });
    await s.close();
    expect(hook.requests.map((r) => String(r.headers['clientflow-delivery']).split(':')[0]).sort()).toEqual([...ids].sort());
    expect(hook.requests.every((r) => r.headers['clientflow-attempt'] === '1')).toBe(true);
  });

  it('gives up after WEBHOOK_MAX_ATTEMPTS on an unreachable receiver and records why', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/hook`;
    const s = await service({ WEBHOOK_MAX_ATTEMPTS: 2 });
    const id = await postBatch(s, { clientIds: [1], simulation: FAST, callbackUrl: url });
    const batch = await settledWebhook(s, id);
    expect(batch.webhook).toMatchObject({ url, status: 'failed', attempts: 2, deliveredAt: null });
    expect(batch.webhook!.lastError).toMatch(/ECONNREFUSED/);
    expect(batch.webhook!.lastError).not.toMatch(/\n|at /);
  });

  it('aborts an attempt the receiver does not answer within WEBHOOK_TIMEOUT_MS', async () => {
    // Reads the request, never answers.
    const silent = createServer((req) => req.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => { silent.closeAllConnections(); silent.close(() => resolve()); }) });
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
    const s = await service({ WEBHOOK_MAX_ATTEMPTS: 1, WEBHOOK_TIMEOUT_MS: 50 });
    const id = await postBatch(s, { clientIds: [1], simulation: FAST, callbackUrl: url });
    const batch = await settledWebhook(s, id);
    expect(batch.webhook).toMatchObject({ status: 'failed', attempts: 1, lastError: 'timeout after 50 ms' });
  });

  it('records an HTTP error status as the last error', async () => {
    const hook = await receiver([503]);
    const s = await service({ WEBHOOK_MAX_ATTEMPTS: 3 });
    const id = await postBatch(s, { clientIds: [1], simulation: FAST, callbackUrl: hook.url });
    const batch = await settledWebhook(s, id);
    expect(batch.webhook).toMatchObject({ status: 'failed', attempts: 3, lastError: 'HTTP 503' });
    expect(hook.requests).toHaveLength(3);
  });

  it('delivers a failed batch, and again when a retry reopens it and it finishes again', async () => {
    const hook = await receiver();
    const s = await service();
    const id = await postBatch(s, { clientIds: [1, 2], simulation: { ...FAST, failStage: 'store' }, callbackUrl: hook.url });
    expect(JSON.parse((await hook.nth(1)).body)).toMatchObject({ id, status: 'failed' });
    await settledWebhook(s, id);

    const retry = await s.app.inject({ method: 'POST', url: `/v1/batches/${id}/retry`, headers: { 'content-type': 'application/json' } });
    expect(retry.statusCode).toBe(202);
    expect((retry.json() as Batch).webhook).toMatchObject({ status: 'pending', attempts: 0 });
    const first = await hook.nth(1);
    const again = await hook.nth(2);
    // A new notification (a new delivery id, a new finishedAt), its attempts counted from 1 again.
    expect(again.headers['clientflow-delivery']).not.toBe(first.headers['clientflow-delivery']);
    expect(again.headers['clientflow-attempt']).toBe('1');
    expect(JSON.parse(again.body)).toMatchObject({ id, status: 'failed' });
    expect((await settledWebhook(s, id)).webhook).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('a delivery left pending by a stopped process is sent after restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientflow-webhooks-'));
    open.push({ close: async () => rmSync(dir, { recursive: true, force: true }) });
    const hook = await receiver();
    const first = await startService({ config: { WEBHOOK_SECRET: SECRET, DB_PATH: join(dir, 'db.sqlite') } });
    // No deliverer in this process: the batch finishes with its delivery due and nothing sends it.
    await first.webhooks.stop();
    const finished = first.waitFor((e) => e.type === 'batch.finished');
    const id = await postBatch(first, { clientIds: [1], simulation: FAST, callbackUrl: hook.url });
    await finished;
    expect((await getBatch(first, id)).webhook).toMatchObject({ status: 'pending', attempts: 0 });
    await first.close();
    expect(hook.requests).toHaveLength(0);

    const second = await service({ DB_PATH: join(dir, 'db.sqlite') });
    expect(JSON.parse((await hook.nth(1)).body)).toMatchObject({ id, status: 'succeeded' });
    expect((await settledWebhook(second, id)).webhook).toMatchObject({ status: 'delivered', attempts: 1 });
  });
});

describe('webhooks: refused callbackUrl', () => {
  it.each([
    ['ftp:', 'ftp://example.com/hook'],
    ['javascript:', 'javascript:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['a relative URL', '/hooks/clientflow'],
    ['not a URL', 'not a url'],
    ['credentials in the URL', 'https://user:pass@example.com/hook'],
    ['over 2048 characters', `https://example.com/${'x'.repeat(2048)}`],
    ['an empty string', ''],
    ['a number', 42],
  ])('%s → 400 naming callbackUrl, nothing accepted', async (_, callbackUrl) => {
    const s = await service();
    const res = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1], callbackUrl } });
    const problem = expectProblem(res, 400);
    expect(errorPaths(res)).toEqual(['/body/callbackUrl']);
    expect(problem.detail).toContain('callbackUrl');
    const list = (await s.app.inject({ method: 'GET', url: '/v1/batches' })).json() as { items: unknown[] };
    expect(list.items).toHaveLength(0);
  });

  it('refuses a callbackUrl when the server has no WEBHOOK_SECRET', async () => {
    const s = await startService();
    open.push(s);
    const res = await s.app.inject({
      method: 'POST', url: '/v1/batches', payload: { clientIds: [1], callbackUrl: 'https://example.com/hook' },
    });
    const problem = expectProblem(res, 400);
    expect(errorPaths(res)).toEqual(['/body/callbackUrl']);
    expect(problem.detail).toContain('WEBHOOK_SECRET');
    // Without a callbackUrl the same server takes the batch, and shows no webhook.
    const ok = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1] } });
    expect(ok.statusCode).toBe(202);
    expect((ok.json() as Batch).webhook).toBeNull();
  });
});

describe('verifySignature', () => {
  const body = '{"id":"b","status":"succeeded"}';
  const now = 1_800_000_000_000;
  const t = now / 1000;

  it('accepts a fresh signature and a rotated secret among several v1 entries', () => {
    const header = signPayload(SECRET, body, t);
    expect(verifySignature(SECRET, header, body, 300, now)).toBe(true);
    expect(verifySignature(SECRET, `${signPayload('old', body, t)},${header.split(',')[1]}`, body, 300, now)).toBe(true);
  });

  it('rejects a replay older than the tolerance, a tampered body, and malformed headers', () => {
    expect(verifySignature(SECRET, signPayload(SECRET, body, t - 301), body, 300, now)).toBe(false);
    expect(verifySignature(SECRET, signPayload(SECRET, body, t - 299), body, 300, now)).toBe(true);
    expect(verifySignature(SECRET, signPayload(SECRET, body, t), `${body} `, 300, now)).toBe(false);
    for (const header of [undefined, '', 'v1=abc', `t=${t}`, `t=${t},v1=zz`, `t=soon,v1=${'0'.repeat(64)}`]) {
      expect(verifySignature(SECRET, header, body, 300, now)).toBe(false);
    }
    // A valid signature with trailing junk is not a valid signature (hex parsing would stop at it).
    expect(verifySignature(SECRET, `${signPayload(SECRET, body, t)}zz`, body, 300, now)).toBe(false);
  });
});
