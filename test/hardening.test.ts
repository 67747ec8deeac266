/**
 * The HTTP layer's defences (src/http/hardening.ts, allowed-hosts.ts, routes/actions.ts): security
 * headers on every answer, the Host allow-list against DNS rebinding, action POSTs that a page on
 * another origin cannot send, safe request ids echoed on every answer, and the server's
 * timeouts (the connection cap: test/http/connections.test.ts). What only a real socket shows
 * runs against the listening server: the Host header through supertest, the timeouts over raw
 * sockets, each waiting for the socket's close, never for time.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import helmet from 'helmet';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../src/config.js';
import { allowedHosts, hostAllowed } from '../src/http/allowed-hosts.js';
import { HELMET_OPTIONS } from '../src/http/hardening.js';
import { runBatch, startService, type TestService } from './helpers.js';
import { raw, type Raw } from './http/raw-socket.js';

const open: TestService[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function service(config: Partial<Config> = {}): Promise<TestService> {
  const s = await startService({ config });
  open.push(s);
  return s;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const JSON_TYPE = { 'content-type': 'application/json' };
/** Listening on every address; API keys off, since these tests are about the Host alone. */
const PUBLIC: Partial<Config> = { HOST: '0.0.0.0', AUTH: 'off', AUTH_OFF_PUBLIC: true };

/** A batch that stays running (a minute-long fetch) until the test cancels it. */
async function slowBatch(s: TestService): Promise<string> {
  const res = await s.app.inject({
    method: 'POST', url: '/v1/batches', payload: { clientIds: [1, 2], simulation: { fetchMs: 60_000, processMs: 1, storeMs: 1 } },
  });
  expect(res.statusCode).toBe(202);
  return (res.json() as { id: string }).id;
}

describe('security headers', () => {
  it('every kind of answer carries helmet\'s headers and an x-request-id', async () => {
    const s = await service();
    const id = await runBatch(s, { clientIds: [1] });
    const urls = [
      '/v1/batches', `/v1/batches/${id}`, `/v1/batches/${id}/workflows`, `/v1/batches/${id}/timeline.svg`,
      '/v1/batches/not-a-uuid', // 400 problem+json
      '/no/such/route', // 404 problem+json
      '/healthz', '/readyz', '/metrics', '/docs', '/docs/json', '/docs/static/swagger-ui.css', '/', '/ui/app.js',
    ];
    for (const url of urls) {
      const res = await s.app.inject({ url });
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy'], url).toBe('same-origin');
      expect(res.headers['cross-origin-resource-policy'], url).toBe('same-origin');
      expect(res.headers['strict-transport-security'], url).toBe('max-age=31536000');
      expect(res.headers['x-request-id'], url).toMatch(UUID);
      const csp = String(res.headers['content-security-policy']);
      // The dashboard keeps its own stricter policy; everything else has helmet's, minus the upgrade
      // to https that would break the service's plain-HTTP assets on a LAN address.
      expect(csp, url).toContain(url === '/' ? "frame-ancestors 'none'" : "script-src 'self'");
      expect(csp, url).not.toContain('upgrade-insecure-requests');
    }
    // A problem answer too (the 415 of an action sent without a JSON type).
    const refused = await s.app.inject({ method: 'POST', url: `/v1/batches/${id}/cancel` });
    expect(refused.statusCode).toBe(415);
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sends exactly the headers helmet itself sets for these options (computed once, not per request)', async () => {
    // Helmet run as middleware on a real response, as @fastify/helmet ran it on every request.
    const res = new ServerResponse(new IncomingMessage(null as unknown as Socket));
    helmet(HELMET_OPTIONS)(res.req, res, (error?: unknown) => {
      if (error) throw error;
    });
    const expected = res.getHeaders();
    expect(Object.keys(expected).length).toBeGreaterThan(10);
    const s = await service();
    for (const url of ['/v1/batches', '/no/such/route', '/healthz']) {
      const got = (await s.app.inject({ url })).headers;
      for (const [name, value] of Object.entries(expected)) expect(got[name], `${url} ${name}`).toBe(String(value));
    }
  });
});

describe('Host allow-list (DNS rebinding)', () => {
  // Over a real socket (supertest against the listening server): the Host header a client sends
  // is what arrives, as a rebinding page's request would.
  it('on a loopback HOST answers localhost, 127.0.0.1 and [::1] on any port, and 421 to any other name', async () => {
    const { s } = await listening({});
    const http = request(s.app.server);
    for (const host of ['localhost', 'localhost:3000', '127.0.0.1:8080', '[::1]:3000', 'LocalHost.:3000']) {
      expect((await http.get('/v1/batches').set('host', host)).status, host).toBe(200);
    }
    // What a rebinding page sends: its own name, resolved to 127.0.0.1. Reads, writes and unknown routes alike.
    for (const sent of [
      http.get('/v1/batches'),
      http.get('/no/such/route'),
      http.get('/docs/json'),
      http.post('/v1/batches').send({ clientIds: [1] }),
    ]) {
      const res = await sent.set('host', 'rebind.attacker.example:3000');
      expect(res.status, res.request.url).toBe(421);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.body).toMatchObject({ type: 'https://clientflow.dev/problems/host-not-allowed', status: 421 });
      expect((res.body as { detail: string }).detail).toContain('rebind.attacker.example:3000');
    }
    for (const host of ['127.0.0.1.attacker.example', 'localhost.attacker.example', '[::2]', 'localhost:3000:1']) {
      expect((await http.get('/v1/batches').set('host', host)).status, host).toBe(421);
    }
    // The POST above reached no route: nothing was accepted.
    expect((await http.get('/v1/batches').set('host', 'localhost')).body).toMatchObject({ items: [] });
  });

  it('answers health probes whatever the Host (orchestrators probe by IP)', async () => {
    const { s } = await listening({ ...PUBLIC, ALLOWED_HOSTS: 'api.example.com' });
    const http = request(s.app.server);
    for (const url of ['/healthz', '/readyz']) {
      expect((await http.get(url).set('host', '10.1.2.3:3000')).status, url).toBe(200);
    }
    expect((await http.get('/metrics').set('host', '10.1.2.3:3000')).status).toBe(421);
  });

  it('ALLOWED_HOSTS names hosts, with a port only when one is given; * or a non-loopback HOST without it allow any', async () => {
    const { s } = await listening({ ...PUBLIC, ALLOWED_HOSTS: 'api.example.com, 10.0.0.5:8080' });
    const status = async (host: string) => (await request(s.app.server).get('/v1/batches').set('host', host)).status;
    expect(await status('api.example.com')).toBe(200);
    expect(await status('API.example.com:443')).toBe(200);
    expect(await status('10.0.0.5:8080')).toBe(200);
    expect(await status('10.0.0.5:9090')).toBe(421);
    expect(await status('10.0.0.5')).toBe(421);
    expect(await status('localhost')).toBe(421);

    expect(allowedHosts({ HOST: '0.0.0.0' })).toBeNull();
    expect(allowedHosts({ HOST: '127.0.0.1', ALLOWED_HOSTS: '*' })).toBeNull();
    expect(hostAllowed(allowedHosts({ HOST: '::1' }), '[::1]:3000')).toBe(true);
    expect(hostAllowed(allowedHosts({ HOST: '127.0.0.1' }), undefined)).toBe(false);
  });

  it('a malformed ALLOWED_HOSTS stops the start with one line naming it', () => {
    expect(() => loadConfig({ ALLOWED_HOSTS: 'http://api.example.com' })).toThrow(
      'invalid ALLOWED_HOSTS="http://api.example.com": expected a comma list of host names, each with an optional :port, or *');
    expect(loadConfig({ ALLOWED_HOSTS: ' a.example , [::1]:3000,b_c ' }).ALLOWED_HOSTS).toBe('a.example , [::1]:3000,b_c');
  });
});

describe('action POSTs need Content-Type: application/json (no cross-origin POST without a preflight)', () => {
  it('refuses what a no-cors fetch or a form can send with 415, and changes nothing', async () => {
    const s = await service();
    const id = await slowBatch(s);
    const actions = [`/v1/batches/${id}/cancel`, `/v1/batches/${id}/retry`];
    // The simple requests a page on any origin may send without asking first.
    const simple = [
      { headers: {} }, // fetch(url, {method: 'POST', mode: 'no-cors'})
      { headers: { 'content-type': 'text/plain;charset=UTF-8' }, payload: '' },
      { headers: { 'content-type': 'text/plain' }, payload: '{}' },
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' },
      { headers: { 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x--' },
    ];
    for (const url of actions) {
      for (const request of simple) {
        const res = await s.app.inject({ method: 'POST', url, ...request });
        expect(res.statusCode, `${url} ${JSON.stringify(request.headers)}`).toBe(415);
        expect(res.json()).toMatchObject({ type: 'https://clientflow.dev/problems/unsupported-media-type', status: 415 });
        expect((res.json() as { detail: string }).detail).toContain('Content-Type: application/json');
      }
    }
    const workflow = (await s.app.inject({ url: `/v1/batches/${id}/workflows` })).json() as { items: Array<{ id: string }> };
    for (const url of [`/v1/workflows/${workflow.items[0]!.id}/cancel`, `/v1/workflows/${workflow.items[0]!.id}/retry`]) {
      expect((await s.app.inject({ method: 'POST', url })).statusCode, url).toBe(415);
    }
    const batch = (await s.app.inject({ url: `/v1/batches/${id}` })).json() as { status: string; progress: { canceled: number } };
    expect(batch.status).not.toBe('canceled');
    expect(batch.progress.canceled).toBe(0);
  });

  it('accepts an empty body or {} with the JSON type (what curl and the README send)', async () => {
    const s = await service();
    const first = await slowBatch(s);
    const empty = await s.app.inject({ method: 'POST', url: `/v1/batches/${first}/cancel`, headers: JSON_TYPE });
    expect(empty.statusCode).toBe(202);
    const second = await slowBatch(s);
    const canceled = s.waitFor((e) => e.type === 'batch.finished' && e.batchId === second);
    const braces = await s.app.inject({
      method: 'POST', url: `/v1/batches/${second}/cancel`, headers: { 'content-type': 'application/json; charset=utf-8' }, payload: '{}',
    });
    expect(braces.statusCode).toBe(202);
    await canceled;
    const retried = await s.app.inject({ method: 'POST', url: `/v1/batches/${second}/retry?includeCanceled=true`, headers: JSON_TYPE, payload: '{}' });
    expect(retried.statusCode).toBe(202);
    // The body takes no options.
    const unknown = await s.app.inject({ method: 'POST', url: `/v1/batches/${second}/cancel`, headers: JSON_TYPE, payload: '{"force":true}' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ errors: [{ path: '/body/force', message: 'is not a known field' }] });
  });
});

describe('x-request-id', () => {
  it('echoes a safe caller id on answers and problems, and replaces any other with a fresh UUID', async () => {
    const s = await service();
    const safe = 'trace-42.a_b:C';
    const ok = await s.app.inject({ url: '/v1/batches', headers: { 'x-request-id': safe } });
    expect(ok.headers['x-request-id']).toBe(safe);
    const problem = await s.app.inject({ url: '/v1/batches/nope', headers: { 'x-request-id': safe } });
    expect(problem.statusCode).toBe(400);
    expect(problem.headers['x-request-id']).toBe(safe);
    expect(problem.json()).toMatchObject({ requestId: safe });

    for (const unsafe of ['a b', '<script>alert(1)</script>', 'x'.repeat(129), 'line\u00e9', '']) {
      const res = await s.app.inject({ url: '/no/such/route', headers: { 'x-request-id': unsafe } });
      expect(res.headers['x-request-id'], unsafe).toMatch(UUID);
      expect(res.json(), unsafe).toMatchObject({ requestId: res.headers['x-request-id'] });
    }
    const a = await s.app.inject({ url: '/healthz' });
    const b = await s.app.inject({ url: '/healthz' });
    expect(a.headers['x-request-id']).toMatch(UUID);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    // Even an answer given before routing (a URL that does not decode).
    const badUrl = await s.app.inject({ url: '/v1/batches/%zz', headers: { 'x-request-id': safe } });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.headers['x-request-id']).toBe(safe);
  });
});

/** Sends the headers of a POST, then one byte of its body at a time until the server hangs up. */
function slowBody(port: number): Raw {
  const conn = raw(port, 'POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{');
  const trickle = setInterval(() => {
    if (conn.socket.writable) conn.socket.write(' ');
  }, 5);
  conn.socket.on('close', () => clearInterval(trickle));
  return conn;
}

async function listening(config: Partial<Config>): Promise<{ s: TestService; port: number }> {
  const s = await service(config);
  await s.app.listen({ host: '127.0.0.1', port: 0 });
  return { s, port: (s.app.server.address() as AddressInfo).port };
}

describe('timeouts', () => {
  it('defaults: 30 s per request, 10 s for headers, 72 s keep-alive, 1024 connections', async () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ REQUEST_TIMEOUT_MS: 30_000, HEADERS_TIMEOUT_MS: 10_000, KEEP_ALIVE_TIMEOUT_MS: 72_000, MAX_CONNECTIONS: 1024 });
    const s = await service({ REQUEST_TIMEOUT_MS: 30_000, HEADERS_TIMEOUT_MS: 10_000, KEEP_ALIVE_TIMEOUT_MS: 72_000, MAX_CONNECTIONS: 1024 });
    expect(s.app.server).toMatchObject({ requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 72_000 });
    // The cap is the service's own, not Node's (test/http/connections.test.ts).
    expect(s.app.server.maxConnections).toBeFalsy();
  });

  it('cuts off a body trickled slower than REQUEST_TIMEOUT_MS with a 408 problem and closes the connection', async () => {
    const { port } = await listening({ REQUEST_TIMEOUT_MS: 300 });
    const answer = await slowBody(port).closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer).toContain('content-type: application/problem+json');
    expect(answer).toContain('"type":"https://clientflow.dev/problems/request-timeout"');
  });

  it('cuts off headers that never end, and a connection that sends nothing, after HEADERS_TIMEOUT_MS', async () => {
    const { port } = await listening({ HEADERS_TIMEOUT_MS: 200 });
    const partial = raw(port, 'GET /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const silent = raw(port);
    expect(await partial.closed).toMatch(/^HTTP\/1\.1 408 /);
    expect(await silent.closed).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const { port } = await listening({ KEEP_ALIVE_TIMEOUT_MS: 100 });
    const conn = raw(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(await conn.closed).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it('event streams and long-polls stay open past REQUEST_TIMEOUT_MS (it counts until the request is received)', async () => {
    const { s, port } = await listening({ REQUEST_TIMEOUT_MS: 200 });
    const id = await slowBatch(s);
    const stream = raw(port, `GET /v1/batches/${id}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const headers = await stream.received('\r\n\r\n');
    expect(headers).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(headers).toMatch(/\r\nx-content-type-options: nosniff\r\n/i);
    const poll = raw(port, `GET /v1/batches/${id}?wait=60 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    // Two slow bodies cut off one after the other: by the second's end the timeout has run out
    // twice over for both watchers' requests, on the same sweep that would have cut them.
    expect(await slowBody(port).closed).toMatch(/^HTTP\/1\.1 408 /);
    expect(await slowBody(port).closed).toMatch(/^HTTP\/1\.1 408 /);
    const cancel = await s.app.inject({ method: 'POST', url: `/v1/batches/${id}/cancel`, headers: JSON_TYPE });
    expect(cancel.statusCode).toBe(202);
    expect(await poll.closed).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*"status":"canceled"/);
    expect(await stream.received('event: batch.finished')).toContain('"status":"canceled"');
    stream.socket.destroy();
  });
});
