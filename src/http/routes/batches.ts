import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { bodyLimit, type Config } from '../../config.js';
import type { Engine } from '../../engine/engine.js';
import type { Batch as BatchView } from '../../model/types.js';
import type { Reads } from '../../store/store.js';
import { ownedBatch, tenantScope, unauthorized } from '../auth.js';
import { withLinks } from '../batch-view.js';
import { checkBatchBody } from '../batch-checks.js';
import { fingerprint } from '../idempotency.js';
import { notFound } from '../problem.js';
import { watcherOf, type QuotaBook } from '../quotas.js';
import type { RequestTrace } from '../tracing.js';
import { KEY_REVOKED, type Watcher } from '../watchers.js';
import type { Watchers } from '../watchers.js';
import {
  Batch, BatchCreate, BatchGetQuery, BatchListQuery, BatchPage, IdParams, IdempotencyHeaders, WorkflowListQuery, WorkflowPage, json, problems,
} from '../schemas.js';

/** What Fastify sends with a serialized JSON answer, for one sent already encoded. */
const JSON_TYPE = 'application/json; charset=utf-8';

export interface RouteDeps {
  config: Config;
  store: Reads;
  engine: Engine;
  watchers: Watchers;
  quotas: QuotaBook;
  /** The request's span (tracing on), stored with the batch so its work links back to it; null: untraced. */
  traceOf: RequestTrace | null;
}

export const batchRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { config, store, engine, watchers, quotas: book, traceOf }) => {
  // A finished batch's view is one object until a retry reopens it (the store's FinishedViews),
  // so its answer is encoded once: a finished batch is what most polls read last, many times.
  // A running batch's view is a new object at each read: encoded each time, and not kept.
  const encodings = new WeakMap<BatchView, string>();
  const encoded = (reply: FastifyReply, batch: BatchView): string => {
    let body = encodings.get(batch);
    if (body === undefined) {
      // The route's own serializer, for its 200 (fast-json-stringify answers a string).
      body = reply.serialize(withLinks(batch)) as string;
      if (batch.finishedAt !== null) encodings.set(batch, body);
    }
    return body;
  };

  app.post('/v1/batches', {
    bodyLimit: bodyLimit(config.MAX_BATCH_SIZE),
    schema: {
      operationId: 'createBatch',
      summary: 'Submit a batch of client ids',
      description: 'Each client id becomes a workflow (fetch → process → store). Answers 202 once the batch '
        + 'and all its workflows are committed to the store: accepted means durable.',
      tags: ['batches'],
      headers: IdempotencyHeaders,
      body: BatchCreate,
      response: {
        200: json(Batch, 'A replay: the batch an earlier request with the same Idempotency-Key and body created.', {
          Location: { type: 'string', description: 'The batch: /v1/batches/{id}' },
          'Idempotent-Replayed': { type: 'string', enum: ['true'] },
        }),
        202: json(Batch, 'Accepted and durable.', { Location: { type: 'string', description: 'The batch: /v1/batches/{id}' } }),
        ...problems(400, 401, 403, 413, 415, 422, 429, 503, 507),
      },
    },
  }, async (request, reply) => {
    const body = request.body;
    const { tenant, admin } = request.principal;
    const quotas = admin ? null : await book.of(tenant);
    const stages = checkBatchBody(body, config, quotas, tenant);
    const key = request.headers['idempotency-key'];
    const { batch, replayed } = await engine.submit({
      tenant, clientIds: body.clientIds, priority: body.priority ?? 0, label: body.label ?? null,
      maxConcurrency: body.maxConcurrency ?? null, retry: body.retry ?? null, timeouts: body.timeouts ?? null,
      simulation: body.simulation ?? null, callbackUrl: body.callbackUrl ?? null, stages, crmKey: body.crmKey ?? null,
      flowKey: body.flowKey ?? null, traceContext: traceOf?.(request) ?? null,
    }, {
      maxQueued: config.MAX_QUEUED,
      tenantMaxQueued: quotas?.maxQueued,
      tenantMaxStored: quotas?.maxStored,
      // Keys are per tenant: the same key from two tenants is two keys (a tenant id holds no '/').
      idempotency: key ? { key: `${tenant}/${key}`, fingerprint: fingerprint(body), ttlMs: config.IDEMPOTENCY_TTL_MS } : undefined,
    });
    // This request's line (its reqId and tenant): the engine's own line has neither.
    request.log.info({ batchId: batch.id, total: batch.progress.total, replayed }, replayed ? 'batch replayed' : 'batch accepted');
    reply.header('location', `/v1/batches/${batch.id}`);
    if (replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(replayed ? 200 : 202).send(withLinks(batch));
  });

  app.get('/v1/batches', {
    schema: {
      operationId: 'listBatches',
      summary: 'List batches, newest first',
      tags: ['batches'],
      querystring: BatchListQuery,
      response: { 200: BatchPage, ...problems(400, 403) },
    },
  }, async (request) => {
    const { status, limit = 50, cursor } = request.query;
    const tenant = tenantScope(request.principal, request.query.tenant, 'batches');
    const page = await store.listBatches({ status, limit, cursor, tenant }, Date.now());
    return { items: page.items.map(withLinks), nextCursor: page.nextCursor };
  });

  app.get('/v1/batches/:id', {
    schema: {
      operationId: 'getBatch',
      summary: 'Get a batch with its progress, stage statistics and timings',
      description: 'With `?wait=N` the answer waits up to N seconds (at most 60) for the batch to finish: '
        + 'the simplest way for a script to block until a batch is done.',
      tags: ['batches'],
      params: IdParams,
      querystring: BatchGetQuery,
      response: { 200: Batch, ...problems(400, 401, 404, 429, 503) },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const waitMs = (request.query.wait ?? 0) * 1000;
    // Fastify sends a string with a JSON type as it is; the schema's typing cannot know it is one.
    if (waitMs === 0) return reply.type(JSON_TYPE).send(encoded(reply, await ownedBatch(store, request.principal, id)) as never);
    const read = async () => withLinks(await ownedBatch(store, request.principal, id));
    const who = await watcherOf(request.principal, book);
    return longPoll({ engine, watchers, who, batchId: id, ms: waitMs, reply, read });
  });

  app.get('/v1/batches/:id/workflows', {
    schema: {
      operationId: 'listBatchWorkflows',
      summary: "List a batch's workflows in the order their ids were sent",
      tags: ['workflows'],
      params: IdParams,
      querystring: WorkflowListQuery,
      response: { 200: WorkflowPage, ...problems(400, 404) },
    },
  }, async (request) => {
    const { status, limit = 50, cursor } = request.query;
    await ownedBatch(store, request.principal, request.params.id);
    const page = await store.listWorkflows(request.params.id, { status, limit, cursor });
    if (!page) throw notFound('batch', request.params.id);
    return page;
  });
};

/**
 * `?wait=`: subscribes to the batch, then reads it — a finish published in between (a cancel
 * commits and publishes at once) is heard, not lost. Answers at once when the batch is finished,
 * else once `batch.finished` arrives, `ms` pass, or the server closes. A client that leaves frees
 * its slot and its listener at once.
 */
async function longPoll<T extends { finishedAt: string | null }>(o: {
  engine: Engine; watchers: Watchers; who: Watcher; batchId: string; ms: number; reply: FastifyReply; read: () => Promise<T>;
}): Promise<T> {
  const watch = o.watchers.open(o.reply.raw, 'poll', o.who);
  let wake!: () => void;
  const woken = new Promise<void>((resolve) => {
    wake = resolve;
  });
  let checking = false;
  let recheck = false;
  const off = o.engine.events.onBatch(o.batchId, (e) => {
    if (e.type === 'batch.finished') wake();
  }, () => {
    // Another replica wrote events of the batch: it may have finished it there. One read at a
    // time, whatever the number of notices meanwhile (a running batch sends one per commit).
    if (checking) {
      recheck = true;
      return;
    }
    checking = true;
    const check = (): void => {
      recheck = false;
      o.read().then((batch) => {
        if (batch.finishedAt !== null) wake();
      }, () => {}).finally(() => {
        if (recheck) check();
        else checking = false;
      });
    };
    check();
  });
  const gone = () => {
    if (!o.reply.raw.writableFinished) watch.controller.abort();
  };
  o.reply.raw.on('close', gone);
  watch.controller.signal.addEventListener('abort', () => wake(), { once: true });
  const timer = setTimeout(wake, o.ms);
  try {
    const first = await o.read();
    if (first.finishedAt !== null) return first;
    await woken;
    if (watch.controller.signal.reason === KEY_REVOKED) throw unauthorized('the API key was revoked while this request waited');
    return await o.read();
  } finally {
    off();
    clearTimeout(timer);
    o.reply.raw.off('close', gone);
    watch.close();
  }
}
