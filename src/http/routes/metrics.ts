import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Registry } from '@prometheus-io/client';
import { MetricsText } from '../schemas.js';

export const metricsRoutes: FastifyPluginAsyncTypebox<{ registry: Registry }> = async (app, { registry }) => {
  app.get('/metrics', {
    schema: {
      operationId: 'metrics', summary: 'Prometheus metrics: workflows, stages, HTTP requests, the process', tags: ['ops'],
      description: 'Scrape with Prometheus. Workflow gauges are read from the store at each scrape; stage, '
        + 'batch and HTTP series count what this process saw since it started.',
      produces: ['text/plain'],
      response: {
        200: { description: 'The metrics of this process.', content: { 'text/plain': { schema: MetricsText } } },
      },
    },
  }, async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
};
