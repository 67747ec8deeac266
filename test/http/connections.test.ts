/**
 * The connection cap (src/http/connections.ts): past MAX_CONNECTIONS a new connection closes the
 * one idle the longest, so idle keep-alive sockets cannot lock other clients out; only when every
 * connection has a request in flight is the new one closed unanswered. Over raw sockets against
 * the listening server, each step waiting for an answer or a close, never for time.
 */
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { startService, type TestService } from '../helpers.js';
import { raw, type Raw } from './raw-socket.js';

const open: TestService[] = [];
const clients: Raw[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  for (const s of open.splice(0)) await s.close();
});

async function listening(config: Partial<Config>): Promise<{ s: TestService; port: number }> {
  const s = await startService({ config });
  open.push(s);
  await s.app.listen({ host: '127.0.0.1', port: 0 });
  return { s, port: (s.app.server.address() as AddressInfo).port };
}

function client(port: number, request?: string): Raw {
  const conn = raw(port, request);
  clients.push(conn);
  return conn;
}

const HEALTH = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
const HEALTH_THEN_CLOSE = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';
/** The end of /healthz's answer: its whole body. */
const HEALTHY = '{"status":"ok"}';

/** A keep-alive connection that made one cheap request and now sits idle. */
async function idleClient(port: number): Promise<Raw> {
  const conn = client(port, HEALTH);
  await conn.received(HEALTHY);
  return conn;
}

/** Resolves with the server's side of the next `count` connections it accepts. */
function accepted(s: TestService, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  return new Promise((resolve) => {
    const onConnection = (socket: Socket) => {
      sockets.push(socket);
      if (sockets.length < count) return;
      s.app.server.off('connection', onConnection);
      resolve(sockets);
    };
    s.app.server.on('connection', onConnection);
  });
}

describe('the connection cap (MAX_CONNECTIONS)', () => {
  it('a new client is served when idle keep-alive connections fill the cap: the one idle the longest is closed', async () => {
    const { port } = await listening({ MAX_CONNECTIONS: 4 });
    const idle = [];
    for (let i = 0; i < 4; i += 1) idle.push(await idleClient(port));
    // The first one asks again: it is now the most recently idle, and the second the longest.
    idle[0]!.socket.write(HEALTH);
    await idle[0]!.received(HEALTHY, 2);

    const newcomer = client(port, HEALTH_THEN_CLOSE);
    expect(await newcomer.closed).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(await idle[1]!.closed).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\{"status":"ok"\}$/);
    // The others are still open and served.
    for (const [i, times] of [[0, 3], [2, 2], [3, 2]] as const) {
      idle[i]!.socket.write(HEALTH);
      await idle[i]!.received(HEALTHY, times);
    }
  });

  it('a connection that never sent a request counts as idle', async () => {
    const { s, port } = await listening({ MAX_CONNECTIONS: 2 });
    const connected = accepted(s, 2);
    const silent = [client(port), client(port)];
    await connected;
    const newcomer = client(port, HEALTH_THEN_CLOSE);
    expect(await newcomer.closed).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(await silent[0]!.closed).toBe('');
    expect(silent[1]!.socket.destroyed).toBe(false);
  });

  it('refuses a new connection, unanswered, only while every connection has a request in flight; never closes those', async () => {
    // Streams get at most three quarters of the cap (3 of 4); the fourth is a body still arriving.
    const { s, port } = await listening({ MAX_CONNECTIONS: 4 });
    const posted = await s.app.inject({
      method: 'POST', url: '/v1/batches', payload: { clientIds: [1], simulation: { fetchMs: 60_000, processMs: 1, storeMs: 1 } },
    });
    const id = (posted.json() as { id: string }).id;
    const streams = [];
    for (let i = 0; i < 3; i += 1) {
      const stream = client(port, `GET /v1/batches/${id}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      expect(await stream.received('\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      streams.push(stream);
    }
    const body = '{"clientIds":[1]}';
    const requested = new Promise((resolve) => s.app.server.once('request', resolve));
    const upload = client(port, `POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n{`);
    await requested;

    expect(await client(port, HEALTH_THEN_CLOSE).closed).toBe('');
    expect(await client(port, HEALTH_THEN_CLOSE).closed).toBe('');

    // Once the upload is answered its connection is idle, and the next client takes its place.
    upload.socket.write(body.slice(1));
    expect(await upload.received('\r\n\r\n')).toMatch(/^HTTP\/1\.1 202 Accepted\r\n/);
    const newcomer = client(port, HEALTH_THEN_CLOSE);
    expect(await newcomer.closed).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    await upload.closed;
    for (const stream of streams) expect(stream.socket.destroyed).toBe(false);
  });
});
