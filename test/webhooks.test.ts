/**
 * Webhooks: a batch with a callbackUrl is POSTed, signed (Standard Webhooks, checked with the
 * `standardwebhooks` package receivers use), to a local receiver when it finishes; failures are
 * retried with backoff and recorded on the batch, vaguely; bad URLs, internal addresses and a
 * server without a secret are refused. The receiver is real (127.0.0.1, port 0; the service may
 * reach it because WEBHOOK_ALLOW_HOSTS names it); tests wait on its requests.
 * test/ssrf.test.ts has the table of addresses refused at connect time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import type { Batch } from '../src/model/types.js';
import type { Resolver } from '../src/net/guarded-agent.js';
import { errorPaths, expectProblem } from './contract-helpers.js';
import { startService, type TestService } from './helpers.js';
import { useStores } from './stores.js';
import { FAST, SECRET, startReceiver, verify, type Receiver } from './webhook-receiver.js';

// Both stores for what is stored (deliveries, their state across a restart, what readers see);
// the checks a callbackUrl passes before anything is stored run on SQLite only.
const stores = useStores();

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

/** A service with webhooks on, allowed to reach receivers on 127.0.0.1 (and only there). */
async function service(config: Partial<Config> = {}, options: Parameters<typeof startService>[0] = {}): Promise<TestService> {
  const s = await stores.start({
    ...options,
    config: { WEBHOOK_SECRET: SECRET, WEBHOOK_BASE_MS: 1, WEBHOOK_MAX_MS: 5, WEBHOOK_ALLOW_HOSTS: '127.0.0.1', ...config },
  });
  open.push(s);
  return s;
}

/** How a reader sees a callbackUrl: `http://127.0.0.1:port/…`. */
const shown = (url: string) => `${new URL(url).origin}/…`;

/** A resolver that answers `answers` for the names it knows, and ENOTFOUND for the rest. */
function scriptedResolver(answers: Record<string, string | (() => string)>): Resolver {
  return async (hostname) => {
    const answer = answers[hostname];
    if (answer === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const address = typeof answer === 'function' ? answer() : answer;
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
}

/** A logger whose lines the test reads. */
function logLines(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
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

stores.describe('webhooks: delivery', () => {
  it('POSTs the finished batch once, signed, and records it delivered', async () => {
    const hook = await receiver();
    const s = await service();
    const id = await postBatch(s, { clientIds: [1, 2, 3], simulation: FAST, callbackUrl: hook.url });
    const queued = await getBatch(s, id);
    expect(queued.webhook).toEqual({ url: shown(hook.url), status: 'pending', attempts: 0, lastError: null, deliveredAt: null });

    const req = await hook.nth(1);
    expect(req.url).toBe('/hooks/clientflow');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('clientflow-webhook/1');
    const finishedAt = Date.parse((JSON.parse(req.body) as Batch).finishedAt!);
    expect(req.headers['webhook-id']).toBe(`${id}:${finishedAt}`);
    expect(Math.abs(Number(req.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(req.headers['clientflow-attempt']).toBe('1');
    // The old scheme's headers are gone: webhook-id and webhook-signature replace them.
    expect(req.headers['clientflow-signature']).toBeUndefined();
    expect(req.headers['clientflow-delivery']).toBeUndefined();
    expect(verify(req)).toMatchObject({ id, status: 'succeeded' });
    expect(() => verify(req, `whsec_${Buffer.from('another key of thirty-two bytes!').toString('base64')}`)).toThrow(/signature/);
    expect(() => verify({ ...req, body: req.body.replace('succeeded', 'failed') })).toThrow(/signature/);
    expect(() => verify({ ...req, headers: { ...req.headers, 'webhook-id': `${id}:0` } })).toThrow(/signature/);

    const sent = JSON.parse(req.body) as Batch & { links: unknown };
    expect(sent).toMatchObject({ id, status: 'succeeded', progress: { total: 3, succeeded: 3, percent: 100 } });
    expect(sent.webhook).toMatchObject({ status: 'pending', attempts: 1 });

    const batch = await settledWebhook(s, id);
    expect(batch.webhook).toMatchObject({ url: shown(hook.url), status: 'delivered', attempts: 1, lastError: null });
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
    // Two attempts of one notification: the same webhook-id, attempts 1 and 2, each signed.
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect([first.headers['clientflow-attempt'], second.headers['clientflow-attempt']]).toEqual(['1', '2']);
    expect(verify(first)).toMatchObject({ status: 'succeeded' });
    expect(verify(second)).toMatchObject({ status: 'succeeded' });
    const batch = await settledWebhook(s, id);
    expect(batch.webhook).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });
    await s.close();
    expect(hook.requests).toHaveLength(2);
  });

  it('counts attempts by outcome in clientflow_webhook_deliveries_total', async () => {
    const hook = await receiver([500, 200]);
    const s = await service({ WEBHOOK_MAX_ATTEMPTS: 2 });
    const counted = async () => {
      const body = (await s.app.inject({ url: '/metrics' })).body;
      return Object.fromEntries([...body.matchAll(/^clientflow_webhook_deliveries_total\{outcome="(\w+)"\} (\d+)$/gm)].map(([, k, v]) => [k, Number(v)]));
    };
    expect(await counted()).toEqual({ delivered: 0, retrying: 0, failed: 0, dropped: 0, unrecorded: 0 });
    // One delivered at its second attempt; one never reachable: failed after two.
    const ok = await postBatch(s, { clientIds: [1], simulation: FAST, callbackUrl: hook.url });
    expect((await settledWebhook(s, ok)).webhook).toMatchObject({ status: 'delivered', attempts: 2 });
    const gone = await postBatch(s, { clientIds: [2], simulation: FAST, callbackUrl: `http://127.0.0.1:${await closedPort()}/hook` });
    expect((await settledWebhook(s, gone)).webhook).toMatchObject({ status: 'failed', attempts: 2 });
    expect(await counted()).toEqual({ delivered: 1, retrying: 2, failed: 1, dropped: 0, unrecorded: 0 });
  });

  it('delivers every batch when more finish at once than deliveries may be in flight', async () => {
    const hook = await receiver();
    const s = await service();
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      postBatch(s, { clientIds: [i], simulation: FAST, callbackUrl: hook.url })));
    await hook.nth(20);
    for (const id of ids) expect((await settledWebhook(s, id)).webhook).toMatchObject({ status: 'delivered', attempts: 1 });
    await s.close();
    expect(hook.requests.map((r) => String(r.headers['webhook-id']).split(':')[0]).sort()).toEqual([...ids].sort());
    expect(hook.requests.every((r) => r.headers['clientflow-attempt'] === '1')).toBe(true);
  });

  it('gives up after WEBHOOK_MAX_ATTEMPTS on an unreachable receiver; the log says why, the batch only that it failed', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/hook`;
    const { logger, lines } = logLines();
    const s = await service({ WEBHOOK_MAX_ATTEMPTS: 2 }, { logger });
    const id = await postBatch(s, { clientIds: [1], simulation: FAST, callbackUrl: url });
    const batch = await settledWebhook(s, id);
    expect(batch.webhook).toEqual({ url: shown(url), status: 'failed', attempts: 2, lastError: 'delivery failed', deliveredAt: null });
    const logged = lines.filter((l) => l.batchId === id && String(l.msg).startsWith('webhook')).map((l) => [l.outcome, l.error]);
    expect(logged).toEqual([['retrying', 'connect ECONNREFUSED'], ['failed', 'connect ECONNREFUSED']]);
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
    expect(batch.webhook).toMatchObject({ status: 'failed', attempts: 1, lastError: 'delivery failed' });
  });

  it('records an HTTP error status as delivery failed; the log has the status', async () => {
    const hook = await receiver([503]);
    const { logger, lines } = logLines();
    const s = await service({ WEBHOOK_MAX_ATTEMPTS: 3 }, { logger });
    const id = await postBatch(s, { clientIds: [1], simulation: FAST, callbackUrl: hook.url });
    const batch = await settledWebhook(s, id);
    expect(batch.webhook).toMatchObject({ status: 'failed', attempts: 3, lastError: 'delivery failed' });
    expect(lines.find((l) => l.batchId === id && l.outcome === 'failed')?.error).toBe('HTTP 503');
    expect(hook.requests).toHaveLength(3);
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    const hook = await receiver([302, 200]);
    const s = await service({ WEBHOOK_MAX_ATTEMPTS: 1 });
    const id = await postBatch(s, { clientIds: [1], simulation: FAST, callbackUrl: hook.url });
    const batch = await settledWebhook(s, id);
    expect(batch.webhook).toMatchObject({ status: 'failed', attempts: 1, lastError: 'delivery failed' });
    expect(hook.requests.map((r) => r.url)).toEqual(['/hooks/clientflow']);
  });

  it('lastError reads the same for a closed port, a silent one and an HTTP 4xx: no port scanning through it', async () => {
    const silent = createServer((req) => req.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => { silent.closeAllConnections(); silent.close(() => resolve()); }) });
    const hook = await receiver([404]);
    const s = await service({ WEBHOOK_MAX_ATTEMPTS: 1, WEBHOOK_TIMEOUT_MS: 200 });
    const urls = [`http://127.0.0.1:${await closedPort()}/hook`, `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`, hook.url];
    const ids = await Promise.all(urls.map((callbackUrl) => postBatch(s, { clientIds: [1], simulation: FAST, callbackUrl })));
    const shown = await Promise.all(ids.map(async (id) => (await settledWebhook(s, id)).webhook?.lastError));
    expect(shown).toEqual(['delivery failed', 'delivery failed', 'delivery failed']);
  });

  it('a tenant whose receiver never answers holds at most WEBHOOK_TENANT_CONCURRENCY slots: another tenant is delivered meanwhile', async () => {
    const hook = await receiver();
    const s = await service({ WEBHOOK_CONCURRENCY: 4, WEBHOOK_TENANT_CONCURRENCY: 2, WEBHOOK_TIMEOUT_MS: 600_000 });
    // Opened after the service, so it closes first and the attempts it holds end at once.
    const seen: string[] = [];
    const silent = createServer((req) => {
      seen.push(req.url!);
      req.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => { silent.closeAllConnections(); silent.close(() => resolve()); }) });
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
    const submit = (tenant: string, callbackUrl: string) => s.engine.submit({
      tenant, clientIds: [1], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: FAST, callbackUrl,
    });
    let finished = 0;
    const sixFinished = new Promise<void>((resolve) => s.engine.events.on((e) => {
      if (e.type === 'batch.finished' && ++finished === 6) resolve();
    }));
    for (let i = 0; i < 6; i += 1) await submit('acme', silentUrl);
    await sixFinished;
    const { batch } = await submit('globex', hook.url);
    expect((await hook.nth(1)).headers['webhook-id']).toContain(batch.id);
    expect((await settledWebhook(s, batch.id)).webhook).toMatchObject({ status: 'delivered', attempts: 1 });
    // acme's receiver holds two slots at most, though six of its deliveries are due.
    expect(seen.length).toBeLessThanOrEqual(2);
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
    // A new notification (a new webhook-id, a new finishedAt), its attempts counted from 1 again.
    expect(again.headers['webhook-id']).not.toBe(first.headers['webhook-id']);
    expect(again.headers['clientflow-attempt']).toBe('1');
    expect(JSON.parse(again.body)).toMatchObject({ id, status: 'failed' });
    expect((await settledWebhook(s, id)).webhook).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('a delivery left pending by a stopped process is sent after restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientflow-webhooks-'));
    open.push({ close: async () => rmSync(dir, { recursive: true, force: true }) });
    const hook = await receiver();
    const first = await stores.start({ config: { WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOW_HOSTS: '127.0.0.1', DB_PATH: join(dir, 'db.sqlite') } });
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
    ['loopback 127.0.0.1', 'http://127.0.0.1:3000/v1/batches'],
    ['loopback as hex 0x7f000001', 'http://0x7f000001/hook'],
    ['loopback as decimal 2130706433', 'http://2130706433/hook'],
    ['loopback as octal 0177.0.0.1', 'http://0177.0.0.1/hook'],
    ['loopback [::1]', 'http://[::1]/hook'],
    ['IPv4-mapped loopback [::ffff:7f00:1]', 'http://[::ffff:7f00:1]/hook'],
    ['the metadata address 169.254.169.254', 'http://169.254.169.254/latest/meta-data/'],
    ['private 10.0.0.1', 'https://10.0.0.1/hook'],
    ['private 172.16.0.1', 'https://172.16.0.1/hook'],
    ['private 192.168.1.1', 'https://192.168.1.1/hook'],
    ['CGNAT 100.64.0.1', 'https://100.64.0.1/hook'],
    ['link-local [fe80::1]', 'http://[fe80::1]/hook'],
    ['unique-local [fd00::1]', 'http://[fd00::1]/hook'],
    ['unspecified 0.0.0.0', 'http://0.0.0.0:3000/hook'],
    ['6to4 of a private address [2002:a00:1::1]', 'http://[2002:a00:1::1]/hook'],
  ])('%s → 400 naming callbackUrl, nothing accepted', async (_, callbackUrl) => {
    // No WEBHOOK_ALLOW_HOSTS: 127.0.0.1 is refused like any other internal address.
    const s = await service({ WEBHOOK_ALLOW_HOSTS: '' });
    const res = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1], callbackUrl } });
    const problem = expectProblem(res, 400);
    expect(errorPaths(res)).toEqual(['/body/callbackUrl']);
    expect(problem.detail).toContain('callbackUrl');
    const list = (await s.app.inject({ method: 'GET', url: '/v1/batches' })).json() as { items: unknown[] };
    expect(list.items).toHaveLength(0);
  });

  it('refuses a callbackUrl when the server has no WEBHOOK_SECRET', async () => {
    const s = await stores.start();
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


describe('webhooks: only public addresses, checked at connect time', () => {
  it('the self-cancel attack fails: a callback aimed at the service itself is refused, by name at connect, by address at submit', async () => {
    const s = await service({ WEBHOOK_ALLOW_HOSTS: '', WEBHOOK_MAX_ATTEMPTS: 1 });
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = s.app.server.address() as AddressInfo;
    const victim = await postBatch(s, { clientIds: [1], simulation: { fetchMs: 600_000 } });
    const cancelUrl = (host: string) => `http://${host}:${port}/v1/batches/${victim}/cancel`;

    // An address is refused at once; a name only when the webhook connects, to what it resolves to.
    for (const host of ['127.0.0.1', '0x7f000001', '[::ffff:127.0.0.1]']) {
      const res = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [2], callbackUrl: cancelUrl(host) } });
      expectProblem(res, 400);
      expect(errorPaths(res)).toEqual(['/body/callbackUrl']);
    }
    const attacker = await postBatch(s, { clientIds: [2], simulation: FAST, callbackUrl: cancelUrl('localhost') });
    const attack = await settledWebhook(s, attacker);
    expect((await getBatch(s, victim)).status).toBe('running');
    expect(attack.webhook).toMatchObject({ status: 'failed', attempts: 1, lastError: 'delivery failed' });
    await s.app.inject({ method: 'POST', url: `/v1/batches/${victim}/cancel` });
  });

  it('lastError reads the same for a refused address, a refused connection and an unknown name; the log tells them apart', async () => {
    const closed = await closedPort();
    const { logger, lines } = logLines();
    const resolve = scriptedResolver({ 'internal.example.com': '10.0.0.7', 'receiver.example.com': '127.0.0.1' });
    const s = await service({ WEBHOOK_MAX_ATTEMPTS: 1 }, { logger, webhooks: { resolve } });
    const cases = {
      refused: `http://internal.example.com:${closed}/hook`,
      connectionRefused: `http://receiver.example.com:${closed}/hook`,
      unknownName: `http://nowhere.example.com:${closed}/hook`,
    };
    const ids = Object.fromEntries(await Promise.all(Object.entries(cases).map(async ([name, callbackUrl]) =>
      [name, await postBatch(s, { clientIds: [1], simulation: FAST, callbackUrl })] as const)));
    for (const id of Object.values(ids)) {
      expect((await settledWebhook(s, id)).webhook).toMatchObject({ status: 'failed', attempts: 1, lastError: 'delivery failed' });
    }
    const logged = (id: string) => lines.find((l) => l.batchId === id && String(l.msg).startsWith('webhook') && l.outcome === 'failed')?.error;
    expect(logged(ids.refused!)).toBe('refused to connect to internal.example.com (10.0.0.7): private address');
    // receiver.example.com is not on the allow list, 127.0.0.1 is: the address decides.
    expect(logged(ids.connectionRefused!)).toBe('connect ECONNREFUSED');
    expect(logged(ids.unknownName!)).toBe('ENOTFOUND');
  });

  it('a name that resolves to an allowed address first and to loopback next (DNS rebinding) never reaches loopback', async () => {
    const hook = await receiver();
    const { port } = new URL(hook.url);
    // 127.0.0.2 stands for a public address (allowed; nothing listens there, so that attempt fails
    // without leaving the machine); every later answer is the receiver's own 127.0.0.1.
    let answers = 0;
    const resolve = scriptedResolver({ 'rebind.example.com': () => (++answers === 1 ? '127.0.0.2' : '127.0.0.1') });
    const s = await service({ WEBHOOK_ALLOW_HOSTS: '127.0.0.2', WEBHOOK_MAX_ATTEMPTS: 3 }, { webhooks: { resolve } });
    const id = await postBatch(s, { clientIds: [1], simulation: FAST, callbackUrl: `http://rebind.example.com:${port}/hook` });
    expect((await settledWebhook(s, id)).webhook).toMatchObject({ status: 'failed', attempts: 3, lastError: 'delivery failed' });
    // One answer per connection attempt, and each one checked: none was reused unchecked.
    expect(answers).toBe(3);
    expect(hook.requests).toHaveLength(0);
  });

  it('WEBHOOK_ALLOW_HOSTS may name a host: any address it resolves to is allowed', async () => {
    const hook = await receiver();
    const { port } = new URL(hook.url);
    const resolve = scriptedResolver({ 'hooks.internal': '127.0.0.1', 'other.internal': '127.0.0.1' });
    const s = await service({ WEBHOOK_ALLOW_HOSTS: 'Hooks.Internal', WEBHOOK_MAX_ATTEMPTS: 1 }, { webhooks: { resolve } });
    const allowed = await postBatch(s, { clientIds: [1], simulation: FAST, callbackUrl: `http://hooks.internal:${port}/hook` });
    const other = await postBatch(s, { clientIds: [1], simulation: FAST, callbackUrl: `http://other.internal:${port}/hook` });
    expect((await settledWebhook(s, allowed)).webhook).toMatchObject({ status: 'delivered' });
    expect((await settledWebhook(s, other)).webhook).toMatchObject({ status: 'failed', lastError: 'delivery failed' });
    expect(hook.requests).toHaveLength(1);
  });
});

stores.describe('webhooks: what readers see of the callbackUrl', () => {
  it('GET, the listing and the webhook body show scheme, host and port only; the receiver is called at the whole URL', async () => {
    const hook = await receiver();
    const s = await service();
    const secretUrl = `${hook.url}/t0ken?key=s3cret#frag`;
    const id = await postBatch(s, { clientIds: [1], simulation: FAST, callbackUrl: secretUrl });
    const req = await hook.nth(1);
    expect(req.url).toBe('/hooks/clientflow/t0ken?key=s3cret');
    const sent = JSON.parse(req.body) as Batch;
    const batch = await settledWebhook(s, id);
    const list = (await s.app.inject({ method: 'GET', url: '/v1/batches' })).json() as { items: Batch[] };
    const origin = new URL(hook.url).origin;
    for (const seen of [sent, batch, list.items[0]!]) expect(seen.webhook!.url).toBe(`${origin}/…`);
    for (const text of [req.body, JSON.stringify(batch), JSON.stringify(list)]) expect(text).not.toMatch(/t0ken|s3cret|hooks\/clientflow/);
  });

  it('a URL without a path shows as its origin', async () => {
    const hook = await receiver();
    const s = await service();
    const bare = new URL(hook.url).origin;
    const id = await postBatch(s, { clientIds: [1], simulation: FAST, callbackUrl: bare });
    expect((await settledWebhook(s, id)).webhook).toMatchObject({ url: `${bare}/`, status: 'delivered' });
  });
});

describe('WEBHOOK_SECRET', () => {
  const key = (bytes: number) => `whsec_${Buffer.alloc(bytes, 0xa5).toString('base64')}`;

  it('is whsec_ and the base64 of at least 32 bytes', () => {
    expect(loadConfig({ WEBHOOK_SECRET: key(32) }).WEBHOOK_SECRET).toBe(key(32));
    expect(loadConfig({ WEBHOOK_SECRET: key(64) }).WEBHOOK_SECRET).toBe(key(64));
  });

  it.each([
    ['one character', 'x'],
    ['a long secret without the whsec_ prefix', 'a'.repeat(64)],
    ['31 bytes', key(31)],
    ['an empty key', 'whsec_'],
    ['not base64', `whsec_${'*'.repeat(44)}`],
    ['unpadded base64', key(32).replace(/=+$/, '')],
  ])('refuses %s at config load, in one line that never shows the secret', (_, secret) => {
    let error: unknown;
    try {
      loadConfig({ WEBHOOK_SECRET: secret });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^invalid WEBHOOK_SECRET=\(hidden\): expected whsec_/);
    expect(message).not.toContain('\n');
    if (secret.length > 'whsec_'.length) expect(message).not.toContain(secret.slice('whsec_'.length, 'whsec_'.length + 8));
  });
});
