/**
 * OpenAPI 3.1 from the route schemas (@fastify/swagger) and Swagger UI with its assets served
 * from node_modules (@fastify/swagger-ui): /docs and /docs/json work with no network.
 */
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { documentRequestIds } from './hardening.js';
import { problems } from './schemas.js';

/** The package's version (src/http and dist/http alike sit two levels below package.json). */
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'clientflow',
        version: VERSION,
        description: 'Durable per-client CRM/ERP workflows. POST a batch of client ids; each becomes a workflow of '
          + 'three stages — fetch, process, store — run through a concurrency-limited queue. Status endpoints report '
          + 'progress and timings. Errors are application/problem+json (RFC 9457).',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: '/', description: 'This service' }],
      // /v1 needs an API key (transform below); health, docs and metrics say their own.
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http', scheme: 'bearer', bearerFormat: 'cf_<id>_<secret>',
            description: 'An API key: `clientflow keys create --tenant <id>` or POST /v1/keys with an admin key. '
              + 'Required unless the server runs with AUTH=off (the default on a loopback HOST).',
          },
        },
      },
      tags: [
        { name: 'batches', description: 'Submit batches and follow their progress' },
        { name: 'workflows', description: "One client id's run through the stages" },
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'ops', description: 'Operations: Prometheus metrics' },
        { name: 'tenants', description: 'Tenants, their API keys and quotas' },
        { name: 'webhooks', description: 'Webhook deliveries that failed, and sending them again' },
        { name: 'schedules', description: 'Recurring batches on a cron expression or an interval' },
      ],
    },
    // Every /v1 route: the key it needs and the answers without one, stated once here.
    transform: ({ schema, url }) => {
      // /metrics needs an admin key only with METRICS_AUTH on: either way is declared, with the
      // answers a missing, tenant or over-quota key gets then.
      if (url === '/metrics') {
        const response = { ...problems(401, 403, 429), ...(schema.response as Record<number, unknown> | undefined) };
        return { schema: { ...schema, security: [{}, { apiKey: [] }], response } as typeof schema, url };
      }
      if (!url.startsWith('/v1/')) return { schema: { ...schema, security: [] } as typeof schema, url };
      const response = { ...problems(401, 429), ...(schema.response as Record<number, unknown> | undefined) };
      return { schema: { ...schema, security: [{ apiKey: [] }], response } as typeof schema, url };
    },
    // A named schema (http/schema-kit.ts) is listed under its own name, not def-N.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    // Every answer carries x-request-id (http/hardening.ts); the route schemas need not repeat it.
    transformObject: (document) => ('openapiObject' in document ? documentRequestIds(document.openapiObject) : document.swaggerObject),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // The key entered under "Authorize" lives in the page only: persisting it would put it in the
    // browser's localStorage, for every later visitor of the browser profile and any script on the origin.
    uiConfig: { docExpansion: 'list', deepLinking: true, tryItOutEnabled: false, persistAuthorization: false },
    logLevel: 'warn',
  });
}
