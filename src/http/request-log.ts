/**
 * The request log lines: Fastify's two per request ("incoming request", "request completed"),
 * with the tenant the request acts for on both, and the health probes (/healthz, /readyz, polled
 * every few seconds by orchestrators and load balancers) at debug level, so they do not drown the
 * lines worth reading. "incoming request" is written after the key is checked (auth.ts), so it
 * can name the tenant; a request refused there gets only its "request completed" line.
 */
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

const PROBES = new Set(['/healthz', '/readyz']);
const levelOf = (request: FastifyRequest) => (PROBES.has(request.routeOptions.url ?? '') ? 'debug' : 'info');

/** Fastify's per-request lines, at the request's level, with its tenant. */
export class RequestLogController extends LogController {
  override incomingRequest(): void {
    // Written by registerRequestLog's hook, once the tenant is known.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
      return;
    }
    reply.log[levelOf(request)]({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/**
 * After auth's hook: every later line of the request carries its tenant, then "incoming request".
 * (Requests without a principal — health, docs, the dashboard — have no tenant.)
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const tenant = request.principal?.tenant;
    // Bound in place (buildApp's logger is pino's, so every request's is a pino child): a
    // second child per request cost about 9 µs, a binding added to the first under 1.
    if (tenant !== undefined) (request.log as Logger).setBindings({ tenant });
    request.log[levelOf(request)]({ req: request }, 'incoming request');
  });
}
