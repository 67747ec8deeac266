/**
 * Traces of the HTTP API, when tracing is on (@fastify/otel, loaded only then): a span per /v1
 * request, named by its method and route (`POST /v1/batches`), the child of the caller's span
 * when it sent a `traceparent`. Health, metrics,
 * the docs and the dashboard's files are not traced. The POST of a batch stores its request
 * span's context with the batch (routes/batches.ts): the work it causes links back to it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TracerProvider } from '@opentelemetry/api';
import { traceparentOf } from '../telemetry/traceparent.js';

/** A request's span as a W3C `traceparent`; null: the request is not traced. */
export type RequestTrace = (request: FastifyRequest) => string | null;

/** Registers @fastify/otel on `app` before any route (it wraps routes as they are added). */
export async function registerTracing(app: FastifyInstance, provider: TracerProvider): Promise<RequestTrace> {
  const { FastifyOtelInstrumentation } = await import('@fastify/otel');
  const otel = new FastifyOtelInstrumentation({
    // One span per request: the hooks' own spans would cost more than they tell.
    instrumentHooks: false,
    ignorePaths: ({ url }) => !url.startsWith('/v1/'),
    // The HTTP conventions' name, `{method} {route}`, rather than the plugin's `request`.
    requestHook: (span, request) => span.updateName(`${request.method} ${request.routeOptions.url ?? ''}`.trim()),
  });
  otel.setTracerProvider(provider);
  await app.register(otel.plugin());
  return (request) => {
    const { span } = request.opentelemetry();
    return span ? traceparentOf(span.spanContext()) : null;
  };
}
