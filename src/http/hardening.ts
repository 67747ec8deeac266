/**
 * The HTTP layer's defences in one place: the server's timeouts and connection cap, request ids
 * that are safe to log and echo, security headers on every answer (helmet), and the Host
 * allow-list. buildApp passes serverOptions() to Fastify and calls registerHardening before
 * anything else, so its hooks run first on every route, the 404 handler included.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { allowedHosts, hostAllowed } from './allowed-hosts.js';
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

export async function registerHardening(app: FastifyInstance, config: Config): Promise<void> {
  app.server.maxConnections = config.MAX_CONNECTIONS;

  // First: every answer, rejections by the hooks below included, names its request.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      // Helmet's defaults (Swagger UI works under them), without upgrade-insecure-requests: the
      // service speaks plain HTTP, and on a LAN address that would send every asset to https.
      directives: { upgradeInsecureRequests: null },
    },
    // The service cannot know what else lives under its domain, so its HSTS stays on its own name.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
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
