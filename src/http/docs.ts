/**
 * OpenAPI 3.1 from the route schemas (@fastify/swagger) and Swagger UI with its assets served
 * from node_modules (@fastify/swagger-ui): /docs and /docs/json work with no network.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'clientflow',
        version: '1.0.0',
        description: 'Durable per-client CRM/ERP workflows. POST a batch of client ids; each becomes a workflow of '
          + 'three stages — fetch, process, store — run through a concurrency-limited queue. Status endpoints report '
          + 'progress and timings. Errors are application/problem+json (RFC 9457).',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: '/', description: 'This service' }],
      // No authentication in v1: run it behind your own gateway. Declared so it is explicit.
      security: [],
      tags: [
        { name: 'batches', description: 'Submit batches and follow their progress' },
        { name: 'workflows', description: "One client id's run through the stages" },
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'ops', description: 'Operations: Prometheus metrics' },
      ],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, tryItOutEnabled: false },
    logLevel: 'warn',
  });
}
