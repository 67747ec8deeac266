/**
 * The HTTP layer's defences in one place: the server's timeouts and connection cap (the cap's
 * rule lives in connections.ts), request ids that are safe to log and echo, security headers on
 * every answer (helmet), and the Host allow-list. buildApp passes serverOptions() to Fastify and calls registerHardening before
 * anything else, so its hooks run first on every route, the 404 handler included.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { Config } from '../config.js';
import { allowedHosts, hostAllowed } from './allowed-hosts.js';
import { capConnections } from './connections.js';
import { HttpError, problemDocument } from './problem.js';

/** A caller's x-request-id is kept only in this form: it goes into logs and response headers. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(header: string | string[] | undefined): string {
  // Unique across replicas and restarts, unlike Fastify's per-process counter.
  return typeof header === 'string' && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** Orchestrators probe these by IP, whatever names ALLOWED_HOSTS lists; they tell nothing private. */
const HOST_EXEMPT = new Set(['/healthz', '/readyz']);

/**
 * Fastify options. Node's requestTimeout and headersTimeout count until the request is fully
 * received, not until it is answered: event streams and long-polls outlive them.
 */
export function serverOptions(config: Config) {
  // Node refuses a headers timeout longer than the whole request's.
  const headersTimeout = Math.min(config.HEADERS_TIMEOUT_MS, config.REQUEST_TIMEOUT_MS);
  return {
    requestIdHeader: false as const,
    genReqId: (req: IncomingMessage) => requestIdOf(req.headers['x-request-id']),
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    http: {
      headersTimeout,
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      // Node enforces both timeouts on a sweep, every 30 s by default (a 30 s timeout could last
      // 60 s): sweep every second at most, and at least four times per headers timeout.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeout / 4))),
    },
    clientErrorHandler,
  };
}

/**
 * Errors Node raises on a connection (a request not received in time, one that is not HTTP): a
 * problem+json answer written on the socket, which then closes, as Fastify's own handler does.
 */
function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem = error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    ? new HttpError(408, 'request-timeout', 'the request was not received in full in time')
    : error.code === 'HPE_HEADER_OVERFLOW'
      ? new HttpError(431, 'headers-too-large', 'the request headers are too large')
      : new HttpError(400, 'bad-request', 'the request is not valid HTTP');
  const id = randomUUID();
  const body = JSON.stringify(problemDocument(problem, id));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}\r\n`
      + `content-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`
      + `x-request-id: ${id}\r\nconnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    // Helmet's defaults (Swagger UI works under them), without upgrade-insecure-requests: the
    // service speaks plain HTTP, and on a LAN address that would send every asset to https.
    directives: { upgradeInsecureRequests: null },
  },
  // The service cannot know what else lives under its domain, so its HSTS stays on its own name.
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
};

/**
 * The headers helmet sets for `options`, computed once. None of them depends on the request (no
 * CSP nonces), and @fastify/helmet rebuilt the whole middleware — CSP parsing included — on every
 * request: 7–9 % of a GET's CPU. Helmet's only other act, removing X-Powered-By, is moot here:
 * Fastify never sets it.
 */
export function securityHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader() {},
  };
  let failed: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failed = error;
  });
  if (failed !== undefined) throw failed instanceof Error ? failed : new Error(String(failed));
  return Object.freeze(headers);
}

export async function registerHardening(app: FastifyInstance, config: Config): Promise<void> {
  // Not server.maxConnections: past it Node closes every new connection, even when idle
  // keep-alive ones fill the cap; capConnections closes the one idle the longest instead.
  capConnections(app.server, config.MAX_CONNECTIONS);

  // First: every answer, rejections by the hooks below included, names its request and carries
  // the security headers (a route may still replace one: the dashboard sends its own CSP).
  const security = securityHeaders(HELMET_OPTIONS);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    reply.headers(security);
    done();
  });

  const rules = allowedHosts(config);
  if (rules === null && config.ALLOWED_HOSTS === undefined) {
    app.log.warn({ host: config.HOST }, 'ALLOWED_HOSTS is unset on a non-loopback HOST: any Host header is answered (set it to the names clients use)');
  }
  if (rules !== null) {
    app.addHook('onRequest', async (request) => {
      if (HOST_EXEMPT.has(request.routeOptions.url ?? '')) return;
      if (!hostAllowed(rules, request.headers.host)) {
        // 421 Misdirected Request (RFC 9110 15.5.20): this server does not serve that authority.
        throw new HttpError(421, 'host-not-allowed', `this service does not answer for host ${JSON.stringify(request.headers.host ?? '')}; see ALLOWED_HOSTS`);
      }
    });
  }
}

interface OpenApiShape {
  components?: { headers?: Record<string, unknown> };
  paths?: Record<string, Record<string, { responses?: Record<string, { headers?: Record<string, unknown> }> }>>;
}

/** The OpenAPI document with the x-request-id header on every answer, as registerHardening sends it. */
export function documentRequestIds<T extends object>(document: T): T {
  const doc = document as OpenApiShape;
  doc.components = {
    ...doc.components,
    headers: {
      ...doc.components?.headers,
      'X-Request-Id': {
        description: "This request's id: the caller's x-request-id when it matches the pattern, otherwise a new UUID. "
          + 'Logs carry it as reqId, problem+json as requestId.',
        schema: { type: 'string', pattern: SAFE_REQUEST_ID.source },
      },
    },
  };
  for (const operations of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const response of Object.values(operation.responses ?? {})) {
        response.headers = { 'x-request-id': { $ref: '#/components/headers/X-Request-Id' }, ...response.headers };
      }
    }
  }
  return document;
}
