/**
 * Cancel and retry, for a batch and for one workflow. Each answers 202: the change is under way.
 * They read no body, but a body sent anyway is still parsed: not JSON is a 415, over 1 MiB a 413.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Engine } from '../../engine/engine.js';
import { notFound } from '../problem.js';
import { Batch, IdParams, RetryQuery, Workflow, problems } from '../schemas.js';
import { withLinks } from './batches.js';

export const actionRoutes: FastifyPluginAsyncTypebox<{ engine: Engine }> = async (app, { engine }) => {
  app.post('/v1/batches/:id/cancel', {
    schema: {
      operationId: 'cancelBatch',
      summary: 'Cancel a batch',
      description: 'Queued workflows become canceled at once; running ones are aborted and end canceled; '
        + 'finished ones are untouched. Cancelling twice is harmless.',
      tags: ['batches'],
      params: IdParams,
      response: { 202: { ...Batch, description: 'Cancel accepted; running workflows end canceled shortly.' }, ...problems(400, 404, 413, 415, 503) },
    },
  }, async (request, reply) => {
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
      querystring: RetryQuery,
      response: { 202: { ...Batch, description: 'Requeued.' }, ...problems(400, 404, 413, 415, 503) },
    },
  }, async (request, reply) => {
    const result = await engine.retryBatch(request.params.id, request.query.includeCanceled ?? false);
    if (!result) throw notFound('batch', request.params.id);
    return reply.code(202).header('x-retried-workflows', String(result.retried)).send(withLinks(result.batch));
  });

  app.post('/v1/workflows/:id/cancel', {
    schema: {
      operationId: 'cancelWorkflow',
      summary: 'Cancel one workflow',
      tags: ['workflows'],
      params: IdParams,
      response: { 202: { ...Workflow, description: 'Cancel accepted.' }, ...problems(400, 404, 413, 415, 503) },
    },
  }, async (request, reply) => {
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
      response: { 202: { ...Workflow, description: 'Requeued at the stage that failed.' }, ...problems(400, 404, 409, 413, 415, 503) },
    },
  }, async (request, reply) => {
    const workflow = await engine.retryWorkflow(request.params.id);
    if (!workflow) throw notFound('workflow', request.params.id);
    return reply.code(202).send(workflow);
  });
};
