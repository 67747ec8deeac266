import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Reads } from '../../store/store.js';
import { ownedWorkflow, tenantScope } from '../auth.js';
import { HttpError } from '../problem.js';
import { FailedWorkflowQuery } from '../result-schemas.js';
import { IdParams, Workflow, WorkflowPage, problems } from '../schemas.js';

export const workflowRoutes: FastifyPluginAsyncTypebox<{ store: Reads }> = async (app, { store }) => {
  app.get('/v1/workflows', {
    schema: {
      operationId: 'listWorkflows',
      summary: 'List failed workflows across batches, newest failure first',
      description: 'The failed workflows of every batch the key may see, by when they failed (newest first), with '
        + 'their error; `stage`, `errorCode` and `since` narrow it. A workflow retried since it failed is not listed. '
        + 'Paged by `cursor` like the other lists.',
      tags: ['workflows'],
      querystring: FailedWorkflowQuery,
      response: { 200: WorkflowPage, ...problems(400, 403) },
    },
  }, async (request) => {
    const { stage, errorCode, since, limit = 50, cursor } = request.query;
    const sinceMs = since === undefined ? undefined : Date.parse(since);
    if (sinceMs !== undefined && !Number.isFinite(sinceMs)) {
      throw new HttpError(400, 'invalid-since', `since ${JSON.stringify(since)} is not a time this service can read`,
        [{ path: '/querystring/since', message: 'must be an ISO-8601 date-time such as 2026-01-01T00:00:00Z' }]);
    }
    const tenant = tenantScope(request.principal, request.query.tenant, 'workflows');
    return store.listFailedWorkflows({ tenant, stage, errorCode, since: sinceMs, limit, cursor });
  });

  app.get('/v1/workflows/:id', {
    schema: {
      operationId: 'getWorkflow',
      summary: 'Get one workflow with its stages, timings and result',
      tags: ['workflows'],
      params: IdParams,
      response: { 200: Workflow, ...problems(400, 404) },
    },
  }, async (request) => {
    return ownedWorkflow(store, request.principal, request.params.id);
  });
};
