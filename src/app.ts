/**
 * buildApp wires the HTTP adapter onto a store and an engine it is given. It never listens and
 * never starts the engine: server.ts does both, tests do what they need.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { TracerProvider } from '@opentelemetry/api';
import type { Config } from './config.js';
import type { Engine } from './engine/engine.js';
import type { Webhooks } from './engine/webhooks.js';
import type { Store } from './store/store.js';
import { KEY_CACHE_MS, registerAuth } from './http/auth.js';
import { registerDashboard } from './http/dashboard.js';
import { QuotaBook, defaultQuotas } from './http/quotas.js';
import { registerRateLimit } from './http/rate-limit.js';
import { RequestLogController, registerRequestLog } from './http/request-log.js';
import { registerDocs } from './http/docs.js';
import { registerHardening, serverOptions } from './http/hardening.js';
import { registerMetrics } from './http/metrics.js';
import { HttpError, registerProblemHandlers, sendProblem } from './http/problem.js';
import { actionRoutes } from './http/routes/actions.js';
import { batchRoutes } from './http/routes/batches.js';
import { eventRoutes } from './http/routes/events.js';
import { exportRoutes } from './http/routes/export.js';
import { healthRoutes } from './http/routes/health.js';
import { tenantRoutes } from './http/routes/tenants.js';
import { limitRoutes } from './http/routes/limits.js';
import { scheduleRoutes } from './http/routes/schedules.js';
import { timelineRoutes } from './http/routes/timeline.js';
import { webhookRoutes } from './http/routes/webhooks.js';
import { registerTracing, type RequestTrace } from './http/tracing.js';
import { workflowRoutes } from './http/routes/workflows.js';
import { sharedSchemas } from './http/shared-schemas.js';
import { validatorCompiler } from './http/validation.js';
import { Watchers, watchCap } from './http/watchers.js';

export interface AppDeps {
  config: Config;
  store: Store;
  engine: Engine;
  logger: Logger;
  /** The webhook deliverer: the metrics count its attempts, a redelivery wakes it. */
  webhooks: Pick<Webhooks, 'onOutcome' | 'redeliver'>;
  /** Where the requests' spans go (tracing on); null or unset: requests are not traced. */
  tracerProvider?: TracerProvider | null;
}

/** The longest path parameter the router matches (an id; the longest any route takes is a tenant's 63). */
const MAX_PATH_ID_LENGTH = 100;

function decodedLength(segment: string): number {
  try {
    return [...decodeURIComponent(segment)].length;
  } catch {
    return segment.length;
  }
}

/** The 400 for a URL refused before routing: an id too long to route, or a path that does not decode. */
function routingProblem(error: Error & { code?: string }, url: string): HttpError {
  const segments = url.split('?')[0]!.split('/');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    const longest = Math.max(...segments.map((s) => decodedLength(s)));
    return new HttpError(400, 'id-too-long', `the id in the path is ${longest} characters long; ids are at most ${MAX_PATH_ID_LENGTH}`);
  }
  const bad = segments.find((s) => {
    try {
      decodeURIComponent(s);
      return false;
    } catch {
      return true;
    }
  });
  const shown = bad === undefined ? '' : `: ${JSON.stringify(bad.length > 40 ? `${bad.slice(0, 40)}…` : bad)} is not valid percent-encoding`;
  return new HttpError(400, 'invalid-url', `the URL path does not decode${shown}`);
}

export async function buildApp({ config, store, engine, logger, webhooks, tracerProvider }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // The per-request lines carry the tenant; health probes log at debug (http/request-log.ts).
    logController: new RequestLogController(),
    // Timeouts, request ids (a caller's x-request-id when it is safe), Node's client errors.
    ...serverOptions(config),
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PATH_ID_LENGTH },
    // Errors Fastify raises before routing are problem+json too. Its own messages quote the whole
    // path (a long id: twice, with `instance`): say what is wrong, and echo no more than a part.
    frameworkErrors: (error, request, reply) => {
      sendProblem(reply, request, routingProblem(error, request.url), null);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Before any route: it wraps each one as it is added.
  const traceOf: RequestTrace | null = tracerProvider ? await registerTracing(app, tracerProvider) : null;
  // First, so its hooks run before every route's and the 404 handler's.
  await registerHardening(app, config);
  // The named schemas (http/shared-schemas.ts), before any route refers to one.
  for (const schema of sharedSchemas(config.MAX_BATCH_SIZE)) app.addSchema(schema);
  app.setValidatorCompiler(validatorCompiler(config.MAX_BATCH_SIZE));
  // JSON only: any other body type is a 415, not a string the schema then rejects.
  app.removeContentTypeParser('text/plain');
  registerProblemHandlers(app);
  await registerDocs(app);
  // Event streams and long-polls end as the server starts closing: a watcher never holds it open.
  const watchers = new Watchers(watchCap(config.SSE_MAX_STREAMS, config.MAX_CONNECTIONS));
  app.addHook('preClose', async () => watchers.abortAll());
  // Before the routes: its onResponse hook times every route registered after it.
  await registerMetrics(app, { store, engine, watchers, webhooks });
  // Before every route: who asks (auth.ts), then how often they may (rate-limit.ts).
  const keys = registerAuth(app, { store, required: config.AUTH === 'required', metricsRequired: config.METRICS_AUTH === 'required' });
  // A key revoked elsewhere (another replica, the CLI) ends its streams here within KEY_CACHE_MS, as it stops authenticating.
  const sweep = setInterval(() => {
    void watchers.sweep(async (keyId) => {
      const record = await store.findKey(keyId);
      return record === null || record.revokedAt !== null;
    });
  }, KEY_CACHE_MS);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));
  registerRequestLog(app);
  const defaults = defaultQuotas(config);
  const quotas = new QuotaBook(store, defaults);
  await registerRateLimit(app, quotas, store);
  if (config.RUN_MODE === 'worker') {
    // A worker only runs workflows: its port answers health and metrics, for the orchestrator and Prometheus.
    await app.register(healthRoutes, { store, engine });
    return app;
  }
  await app.register(batchRoutes, { config, store, engine, watchers, quotas, traceOf });
  await app.register(eventRoutes, { config, store, engine, watchers, quotas });
  await app.register(exportRoutes, { store, watchers, quotas });
  await app.register(workflowRoutes, { store });
  await app.register(webhookRoutes, { store });
  await app.register(actionRoutes, { engine, store, config, quotas, webhooks });
  await app.register(tenantRoutes, { store, keys, quotas, defaults, watchers });
  await app.register(limitRoutes, { store });
  await app.register(scheduleRoutes, { config, store, engine, quotas });
  await app.register(healthRoutes, { store, engine });
  await app.register(timelineRoutes, { store });
  await registerDashboard(app);
  return app;
}
