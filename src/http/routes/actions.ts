/**
 * Cancel and retry, for a batch and for one workflow, and sending a failed webhook again. Each
 * answers 202: the change is under way.
 * Each needs `Content-Type: application/json` (an empty body or `{}`): a cross-origin page can send a
 * POST without asking first only with no type or a form/text one, and a JSON type makes the browser
 * ask (a CORS preflight) — which this service never grants. So no page elsewhere can cancel a batch.
 * A body other than that is still parsed: over 1 MiB it is a 413.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Engine } from '../../engine/engine.js';
import type { Webhooks } from '../../engine/webhooks.js';
import type { Config } from '../../config.js';
import type { Principal } from '../../model/tenants.js';
import type { Batch as BatchModel } from '../../model/types.js';
import type { QueueLimits, Reads } from '../../store/store.js';
import { ownedBatch, ownedWorkflow } from '../auth.js';
import { withLinks } from '../batch-view.js';
import { HttpError, notFound } from '../problem.js';
import type { QuotaBook } from '../quotas.js';
import { Batch, IdParams, RetryQuery, Workflow, json, problems } from '../schemas.js';

/** No options: an empty body, or {}. Documented so Swagger UI sends the JSON type too. */
const ActionBody = Type.Object({}, {
  additionalProperties: false,
  description: 'No options: send an empty body or {}, with Content-Type: application/json (any other type is a 415).',
});

export interface ActionDeps {
  engine: Engine;
  store: Reads;
  config: Config;
  quotas: QuotaBook;
  webhooks: Pick<Webhooks, 'redeliver'>;
}

/** Why a batch's webhook cannot be sent again: only a failed delivery is. */
function notRedeliverable(batch: BatchModel): HttpError {
  const state = batch.webhook === null ? 'has no callbackUrl'
    : batch.webhook.status === 'pending' ? 'is still pending (the batch runs, or its attempts go on)'
      : 'was delivered';
  return new HttpError(409, 'not-redeliverable', `batch ${batch.id}'s webhook ${state}: only a failed delivery is sent again`);
}

export const actionRoutes: FastifyPluginAsyncTypebox<ActionDeps> = async (app, { engine, store, config, quotas: book, webhooks }) => {
  /**
   * The queue's limits a retry must respect, as a submitted batch does (batches.ts): MAX_QUEUED,
   * and the caller's tenant's maxQueued (an admin is bound by no tenant quota).
   */
  const limitsOf = async ({ tenant, admin }: Principal): Promise<QueueLimits> => ({
    maxQueued: config.MAX_QUEUED,
    tenantMaxQueued: admin ? undefined : (await book.of(tenant)).maxQueued,
  });

  // Before the body is read: the type alone decides.
  app.addHook('onRequest', async (request) => {
    const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new HttpError(415, 'unsupported-media-type',
        `this action needs Content-Type: application/json (an empty body or {} will do), not ${type === undefined || type === '' ? 'none' : type}`);
    }
  });
  // In this plugin only: an empty JSON body means {} (curl -X POST -H 'content-type: application/json').
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 1024 }, (request, body, done) => {
    if (body.length === 0) done(null, {});
    else parseJson(request, body as string, done);
  });

  app.post('/v1/batches/:id/cancel', {
    schema: {
      operationId: 'cancelBatch',
      summary: 'Cancel a batch',
      description: 'Queued workflows become canceled at once; running ones are aborted and end canceled; '
        + 'finished ones are untouched. Cancelling twice is harmless.',
      tags: ['batches'],
      params: IdParams,
      body: ActionBody,
      response: { 202: json(Batch, 'Cancel accepted; running workflows end canceled shortly.'), ...problems(400, 404, 413, 415, 503) },
    },
  }, async (request, reply) => {
    // A batch's tenant never changes: checked once, it holds for the action that follows.
    await ownedBatch(store, request.principal, request.params.id);
    const batch = await engine.cancelBatch(request.params.id);
    if (!batch) throw notFound('batch', request.params.id);
    return reply.code(202).send(withLinks(batch));
  });

  app.post('/v1/batches/:id/retry', {
    schema: {
      operationId: 'retryBatch',
      summary: "Retry a batch's failed workflows",
      description: 'Requeues failed (and with includeCanceled=true also canceled) workflows. Each resumes at the stage '
        + 'that failed: stages that succeeded are not run again. The batch reopens.',
      tags: ['batches'],
      params: IdParams,
      body: ActionBody,
      querystring: RetryQuery,
      response: { 202: json(Batch, 'Requeued.'), ...problems(400, 404, 413, 415, 429, 503) },
    },
  }, async (request, reply) => {
    await ownedBatch(store, request.principal, request.params.id);
    const result = await engine.retryBatch(request.params.id, request.query.includeCanceled ?? false, await limitsOf(request.principal));
    if (!result) throw notFound('batch', request.params.id);
    return reply.code(202).header('x-retried-workflows', String(result.retried)).send(withLinks(result.batch));
  });

  app.post('/v1/batches/:id/webhook/redeliver', {
    schema: {
      operationId: 'redeliverWebhook',
      summary: "Send a batch's failed webhook again",
      description: 'A delivery that failed (every attempt spent) is due again at once, with a fresh round of '
        + 'WEBHOOK_MAX_ATTEMPTS attempts, through the same signed POST and address checks; `webhook-id` is the '
        + 'same as before, so a receiver that got it already can drop it. A pending or delivered one is a 409.',
      tags: ['webhooks'],
      params: IdParams,
      body: ActionBody,
      response: { 202: json(Batch, 'Due again: the batch with its webhook pending.'), ...problems(400, 404, 409, 413, 415, 503) },
    },
  }, async (request, reply) => {
    const batch = await ownedBatch(store, request.principal, request.params.id);
    if (!(await webhooks.redeliver(batch.id))) throw notRedeliverable(batch);
    const now = await store.getBatch(batch.id, Date.now());
    if (!now) throw notFound('batch', batch.id);
    return reply.code(202).send(withLinks(now));
  });

  app.post('/v1/workflows/:id/cancel', {
    schema: {
      operationId: 'cancelWorkflow',
      summary: 'Cancel one workflow',
      tags: ['workflows'],
      params: IdParams,
      body: ActionBody,
      response: { 202: json(Workflow, 'Cancel accepted.'), ...problems(400, 404, 413, 415, 503) },
    },
  }, async (request, reply) => {
    await ownedWorkflow(store, request.principal, request.params.id);
    const workflow = await engine.cancelWorkflow(request.params.id);
    if (!workflow) throw notFound('workflow', request.params.id);
    return reply.code(202).send(workflow);
  });

  app.post('/v1/workflows/:id/retry', {
    schema: {
      operationId: 'retryWorkflow',
      summary: 'Retry one failed or canceled workflow',
      tags: ['workflows'],
      params: IdParams,
      body: ActionBody,
      response: { 202: json(Workflow, 'Requeued at the stage that failed.'), ...problems(400, 404, 409, 413, 415, 429, 503) },
    },
  }, async (request, reply) => {
    await ownedWorkflow(store, request.principal, request.params.id);
    const workflow = await engine.retryWorkflow(request.params.id, await limitsOf(request.principal));
    if (!workflow) throw notFound('workflow', request.params.id);
    return reply.code(202).send(workflow);
  });
};
