import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Reads } from '../../store/store.js';
import { ownedWorkflow } from '../auth.js';
import { IdParams, Workflow, problems } from '../schemas.js';

export const workflowRoutes: FastifyPluginAsyncTypebox<{ store: Reads }> = async (app, { store }) => {
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
