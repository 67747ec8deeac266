/**
 * A local CRM for the http stage set, its tests and demos: GET /clients/{id} answers the
 * deterministic record synthesizeClient makes for the id (a plainly written number is read as one,
 * so a numeric id gets the record the simulated stages make), after `latencyMs` ± `jitter`.
 *
 * - `errorRate`: that share of requests answers 500 (drawn from the seed, the id and how many
 *   times the id was asked: the same run gives the same errors).
 * - `quotas`: per `x-crm-key`, a token bucket; past it, 429 with Retry-After.
 * - Ids for tests: `missing-*` 404; `invalid-*` a record whose first order's amount is a string;
 *   `huge-*` a valid record padded to 2 MiB, sent without a Content-Length; `slow-*` never
 *   answers (the request stays open until the client gives up); `flaky-N-*` 503 for the first N
 *   requests; `throttled-S-*` 429 with `Retry-After: S` for the first request.
 */
import { EventEmitter } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { synthesizeClient } from '../../src/engine/stages/client-record.js';
import { unitRandom } from '../../src/engine/stages/simulate.js';
import { Quotas } from './quota.js';

export interface MockCrmOptions {
  /** @default 4010; 0 picks a free port */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  latencyMs?: number;
  /** 0..1: each latency varies uniformly by ± this fraction. */
  jitter?: number;
  /** 0..1: the share of requests answered 500. */
  errorRate?: number;
  seed?: number;
  /** Requests per second per x-crm-key. */
  quotas?: ReadonlyMap<string, number>;
  /** One line per request; unset: nothing is logged. */
  log?: (line: string) => void;
  now?: () => number;
}

export interface MockCrmEvents {
  /** A request for a client arrived (before any latency); `traceparent`: the header it carried, if any. */
  request: [{ id: string; key: string | null; traceparent: string | null }];
  /** A request closed before its answer was sent (the client aborted it). */
  aborted: [{ id: string }];
}

export interface MockCrm {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /** CRM_URL_TEMPLATE for this CRM. */
  template: string;
  events: EventEmitter<MockCrmEvents>;
  /** Requests answered, by status. */
  answered: Map<number, number>;
  /**
   * Per key: requests that arrived while a 429 it answered the key still asked to wait (before
   * that answer's time + Retry-After): calls a well-behaved client would not have made.
   */
  whilePaused: Map<string, number>;
  /**
   * Each pause a 429 opened (one answered while its key was not paused already), in order: the key,
   * from the answer to its time + Retry-After, and the requests that arrived within it.
   */
  pauses: Array<{ key: string; from: number; until: number; calls: number }>;
  /** TCP connections: accepted so far, open now, most open at once (keep-alive and caps show here). */
  connections: { opened: number; open: number; peak: number };
  close(): Promise<void>;
}

const HUGE_BYTES = 2 * 1024 * 1024;

export async function startMockCrm(options: MockCrmOptions = {}): Promise<MockCrm> {
  const { latencyMs = 0, jitter = 0, errorRate = 0, seed = 0, log, now = Date.now } = options;
  const quotas = new Quotas(options.quotas ?? new Map(), now);
  const events = new EventEmitter<MockCrmEvents>();
  const answered = new Map<number, number>();
  const whilePaused = new Map<string, number>();
  const pauses: MockCrm['pauses'] = [];
  /** Per key: until when its last 429 asked callers to wait. */
  const pausedUntil = new Map<string, number>();
  /** How many times each id was asked: drives flaky-/throttled- and the error draws. */
  const asked = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const connections = { opened: 0, open: 0, peak: 0 };

  /** A 429 asked callers of `key` to wait `seconds` from `at`: a pause opens unless one stands. */
  const pause = (key: string, at: number, seconds: number) => {
    const until = at + seconds * 1000;
    if (at >= (pausedUntil.get(key) ?? 0)) pauses.push({ key, from: at, until, calls: 0 });
    pausedUntil.set(key, Math.max(pausedUntil.get(key) ?? 0, until));
  };

  const server = createServer((req, res) => {
    const started = now();
    const match = /^\/clients\/([^/?]+)$/.exec(req.url ?? '');
    const key = typeof req.headers['x-crm-key'] === 'string' ? req.headers['x-crm-key'] : null;
    const traceparent = typeof req.headers.traceparent === 'string' ? req.headers.traceparent : null;
    // The trace id, where a traced service's request carries one: the line finds the workflow's trace.
    const trace = traceparent === null ? '' : ` trace=${traceparent.split('-')[1] ?? '?'}`;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      answered.set(status, (answered.get(status) ?? 0) + 1);
      if (status === 429 && key !== null && headers['retry-after'] !== undefined) pause(key, started, Number(headers['retry-after']));
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
      log?.(`${req.method} ${req.url} key=${key ?? '-'}${trace} → ${status} ${now() - started} ms`);
    };
    if (req.method !== 'GET' || !match) return send(404, { error: 'no such route' });
    let id: string;
    try {
      id = decodeURIComponent(match[1]!);
    } catch {
      return send(400, { error: 'malformed id' });
    }
    const nth = (asked.get(id) ?? 0) + 1;
    asked.set(id, nth);
    events.emit('request', { id, key, traceparent });
    if (key !== null && started < (pausedUntil.get(key) ?? 0)) {
      whilePaused.set(key, (whilePaused.get(key) ?? 0) + 1);
      for (const p of pauses) if (p.key === key && p.from <= started && started < p.until) p.calls += 1;
    }
    // A quota is checked on arrival, as a gateway in front of a real CRM would: no latency.
    const retryAfter = quotas.take(key);
    if (retryAfter !== null) {
      return send(429, { error: `quota of key ${key} exceeded` }, { 'retry-after': String(retryAfter) });
    }
    res.on('close', () => {
      if (!res.writableFinished) {
        events.emit('aborted', { id });
        log?.(`${req.method} ${req.url} key=${key ?? '-'} → closed by the client after ${now() - started} ms`);
      }
    });
    const wait = jitter > 0 ? Math.max(0, Math.round(latencyMs * (1 + jitter * (2 * unitRandom(seed, 'latency', id, nth) - 1)))) : latencyMs;
    const answer = () => respond(id, nth, res, send);
    if (wait === 0) return answer();
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer();
    }, wait);
    timers.add(timer);
  });

  function respond(id: string, nth: number, res: ServerResponse, send: (status: number, body: unknown, headers?: Record<string, string>) => void): void {
    if (res.destroyed) return;
    if (errorRate > 0 && unitRandom(seed, 'error', id, nth) < errorRate) return send(500, { error: 'simulated CRM error' });
    if (id.startsWith('slow-')) return; // never answered: the client's abort closes it
    if (id.startsWith('missing-')) return send(404, { error: `no client ${id}` });
    const flaky = /^flaky-(\d+)-/.exec(id);
    if (flaky && nth <= Number(flaky[1])) return send(503, { error: 'temporarily unavailable' });
    const throttled = /^throttled-(\d+)-/.exec(id);
    if (throttled && nth === 1) return send(429, { error: 'slow down' }, { 'retry-after': throttled[1]! });
    const record = synthesizeClient(/^\d{1,15}$/.test(id) && String(Number(id)) === id ? Number(id) : id);
    if (id.startsWith('invalid-')) {
      return send(200, { ...record, orders: [{ id: `${id}-1`, amount: '12.50' }] });
    }
    if (id.startsWith('huge-')) {
      // Valid JSON of HUGE_BYTES, streamed without a Content-Length: only counting stops it.
      answered.set(200, (answered.get(200) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' });
      const head = JSON.stringify({ ...record, notes: '' }).slice(0, -2);
      res.end(`${head}${'x'.repeat(HUGE_BYTES)}"}`);
      log?.(`GET /clients/${encodeURIComponent(id)} → 200 (${HUGE_BYTES} bytes, no Content-Length)`);
      return;
    }
    send(200, record);
  }

  server.on('connection', (socket) => {
    connections.opened += 1;
    connections.open += 1;
    connections.peak = Math.max(connections.peak, connections.open);
    socket.on('close', () => {
      connections.open -= 1;
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4010, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    origin, port, template: `${origin}/clients/{id}`, events, answered, whilePaused, pauses, connections,
    close: () => new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
