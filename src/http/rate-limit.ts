/**
 * Requests per minute per API key (`@fastify/rate-limit`, counted in this process: N replicas
 * allow up to N times the quota in total). The limit is the key's tenant's `ratePerMinute`
 * quota. Requests without a key (AUTH=off) and public routes (health, docs) are not limited.
 * Answers carry the draft-standard `RateLimit-*` headers; past the limit, a 429 problem+json
 * with Retry-After.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './problem.js';
import type { QuotaBook } from './quotas.js';

const keyOf = (request: FastifyRequest): string | null => (request.principal as typeof request.principal | null)?.keyId ?? null;

export async function registerRateLimit(app: FastifyInstance, quotas: QuotaBook): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    // After auth.ts's onRequest hook, which registered first: the principal is known.
    hook: 'onRequest',
    timeWindow: 60_000,
    enableDraftSpec: true,
    allowList: (request) => keyOf(request) === null,
    keyGenerator: (request) => keyOf(request)!,
    max: async (request) => (await quotas.of(request.principal.tenant)).ratePerMinute,
    errorResponseBuilder: (_request, context) => new HttpError(429, 'rate-limited',
      `this API key made more than ${context.max} requests in a minute; retry after ${Math.ceil(context.ttl / 1000)} s`),
  });
}
