/**
 * Every error answer is RFC 9457 `application/problem+json`, produced here and only here.
 * Routes throw HttpError (or let validation fail); nothing internal (stack, SQL) reaches a client.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { ClientflowError, type ErrorCode } from '../model/errors.js';

export interface FieldError {
  path: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export const notFound = (what: string, id: string) => new HttpError(404, 'not-found', `no ${what} with id ${id}`);

interface ProblemRule {
  status: number;
  slug: string;
  /** Said instead of the error's own message, when that may hold internals (paths, SQL codes). */
  detail?: string;
  /** The request field the error is about, listed in `errors`. */
  field?: string;
  headers?: Record<string, string>;
}

/**
 * Every error the layers below raise on purpose, and the HTTP answer it gets: the one table.
 * Codes not listed here (LEASE_LOST, STORE_IN_USE, CONFIG_INVALID) never reach a request; if one
 * did, it would be a bug, answered 500 and logged like any other.
 */
const PROBLEMS: Partial<Record<ErrorCode, ProblemRule>> = {
  INVALID_CURSOR: { status: 400, slug: 'invalid-cursor', field: '/querystring/cursor' },
  NOT_RETRYABLE: { status: 409, slug: 'not-retryable' },
  IDEMPOTENCY_CONFLICT: { status: 422, slug: 'idempotency-key-reused' },
  QUEUE_FULL: { status: 429, slug: 'queue-full', headers: { 'retry-after': '10' } },
  // Not a matter of waiting a little: only retention (or an admin) frees room.
  STORAGE_QUOTA: { status: 507, slug: 'storage-quota' },
  SCHEDULE_LIMIT: { status: 403, slug: 'quota-exceeded' },
  ENGINE_STOPPED: {
    status: 503, slug: 'not-accepting', headers: { 'retry-after': '5' },
    detail: 'the service is shutting down and takes no new batches; retry shortly',
  },
  STORE_UNAVAILABLE: {
    status: 503, slug: 'store-unavailable', headers: { 'retry-after': '5' },
    detail: 'the store could not commit this change (storage unavailable); nothing was changed; retry shortly',
  },
};

/** The HTTP form of an error raised below HTTP, or null when it has none (a bug: 500). */
export function problemOf(error: ClientflowError): HttpError | null {
  const rule = PROBLEMS[error.code];
  if (!rule) return null;
  const detail = rule.detail ?? error.message;
  const errors = rule.field ? [{ path: rule.field, message: detail }] : undefined;
  return new HttpError(rule.status, rule.slug, detail, errors, rule.headers);
}

/** The problem+json document; `requestId` is the id the answer's x-request-id header carries. */
export function problemDocument(e: HttpError, requestId: string, instance?: string): Record<string, unknown> {
  return {
    type: `https://clientflow.dev/problems/${e.slug}`,
    title: STATUS_CODES[e.status] ?? 'Error',
    status: e.status,
    detail: e.message,
    ...(instance === undefined ? {} : { instance }),
    requestId,
    ...(e.errors ? { errors: e.errors } : {}),
  };
}

/** Sends `e` as problem+json; `instance` is the request's URL unless given (null: none, for a URL not worth echoing). */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, e: HttpError, instance: string | null = request.url): FastifyReply {
  return reply
    .code(e.status)
    .headers(e.headers)
    // Also set by the hardening hook; errors raised before any hook runs (a URL that does not decode) need it here.
    .header('x-request-id', request.id)
    .type('application/problem+json')
    .send(problemDocument(e, request.id, instance ?? undefined));
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  parentSchema?: { description?: string; 'x-error'?: string };
}

/** A 400 names at most this many fields: enough to fix a request, never a megabyte of errors. */
const MAX_FIELD_ERRORS = 20;

/** Ajv errors → one readable message per JSON Pointer, rooted at the request part. */
export function fieldErrors(part: string, errors: AjvError[]): FieldError[] {
  const byPath = new Map<string, string>();
  for (const e of errors) {
    let path = `/${part}${e.instancePath}`;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      path = `${path}/${String(e.params.additionalProperty)}`;
      message = 'is not a known field';
    } else if (e.keyword === 'required') {
      path = `${path}/${String(e.params.missingProperty)}`;
      message = 'is required';
    } else if (e.keyword === 'pattern' && e.parentSchema?.['x-error']) {
      // "must match pattern ^[^\u0000…]*$" tells a client little: the field says what it takes.
      message = e.parentSchema['x-error'];
    } else if (e.keyword === 'anyOf') {
      // The branches' own errors say little ("must be integer"): the union carries its own message.
      message = e.parentSchema?.['x-error'] ?? 'must match one of the allowed forms';
      byPath.set(path, message);
      continue;
    }
    if (!byPath.has(path)) byPath.set(path, message);
  }
  return [...byPath].slice(0, MAX_FIELD_ERRORS).map(([path, message]) => ({ path, message }));
}

/** Fastify's 415 says only "Unsupported Media Type": say which type was refused and which is taken. */
function unsupportedMediaType(request: FastifyRequest): string {
  const sent = request.headers['content-type'];
  const what = sent === undefined ? 'a body without a Content-Type' : `Content-Type ${JSON.stringify(sent.slice(0, 100))}`;
  return `${what} is not accepted: send the body as application/json`;
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, new HttpError(404, 'not-found', `no route ${request.method} ${request.url.split('?')[0]}`)));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError) return sendProblem(reply, request, error);
    const problem = error instanceof ClientflowError ? problemOf(error) : null;
    if (problem) {
      if (problem.status >= 500) request.log.warn({ err: error }, problem.message);
      return sendProblem(reply, request, problem);
    }
    if (error.validation) {
      const part = error.validationContext ?? 'body';
      const errors = fieldErrors(part, error.validation as AjvError[]);
      const detail = errors.map((e) => `${e.path} ${e.message}`).join('; ');
      return sendProblem(reply, request, new HttpError(400, 'invalid-request', detail, errors));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, 413, 415, …) have safe, useful messages.
      const slug = { 403: 'forbidden', 413: 'body-too-large', 415: 'unsupported-media-type' }[status] ?? 'bad-request';
      const detail = status === 415 ? unsupportedMediaType(request)
        // Some say only their status ("Forbidden" from @fastify/static for /ui/): name the request it refused.
        : error.message === STATUS_CODES[status] ? `${request.method} ${request.url.split('?')[0]}: ${error.message.toLowerCase()}`
          : error.message;
      return sendProblem(reply, request, new HttpError(status, slug, detail));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, new HttpError(500, 'internal', 'the service failed to handle this request; it has been logged'));
  });
}
