import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Engine } from '../../engine/engine.js';
import type { Lifecycle } from '../../store/store.js';
import { Health, Ready } from '../schemas.js';

export const healthRoutes: FastifyPluginAsyncTypebox<{ store: Pick<Lifecycle, 'ping' | 'probeWrite'>; engine: Engine }> = async (app, { store, engine }) => {
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
    // The store must commit and answer: a disk that fills up makes the service unready. The probe
    // runs first and always: a store that failed learns from it that it works again (PostgreSQL's
    // ping reports its last outcome, which nothing else renews while no work comes).
    const committed = await store.probeWrite(Date.now());
    const checks = { store: committed && store.ping(), engine: engine.accepting };
    const ready = checks.store && checks.engine;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
  });
};
