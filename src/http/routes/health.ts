import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Engine } from '../../engine/engine.js';
import { readiness, type ReadinessStore } from '../readiness.js';
import { Health, Ready } from '../schemas.js';

export const healthRoutes: FastifyPluginAsyncTypebox<{ store: ReadinessStore; engine: Engine }> = async (app, { store, engine }) => {
  app.get('/healthz', {
    schema: {
      operationId: 'health', summary: 'Liveness: the process answers', tags: ['health'],
      response: { 200: Health },
    },
  }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    schema: {
      operationId: 'ready', summary: 'Readiness: the store is open and the engine takes work', tags: ['health'],
      response: { 200: Ready, 503: Ready },
    },
  }, async (_request, reply) => {
    const { ready, checks } = await readiness(store, engine);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
  });
};
