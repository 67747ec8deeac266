/**
 * `GET /v1/webhooks?status=failed`: the batches whose webhook delivery failed (every attempt
 * spent), newest first, each with the link that sends it again (actions.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Reads } from '../../store/store.js';
import { tenantScope } from '../auth.js';
import { WebhookDeliveryPage, WebhookListQuery } from '../result-schemas.js';
import { problems } from '../schemas.js';

export const webhookRoutes: FastifyPluginAsyncTypebox<{ store: Reads }> = async (app, { store }) => {
  app.get('/v1/webhooks', {
    schema: {
      operationId: 'listFailedWebhooks',
      summary: 'List failed webhook deliveries, newest batch first',
      description: 'Each batch whose webhook delivery gave up after WEBHOOK_MAX_ATTEMPTS, with its last error '
        + '(as vague as on the batch). `links.redeliver` sends one again. Paged by `cursor` like the other lists.',
      tags: ['webhooks'],
      querystring: WebhookListQuery,
      response: { 200: WebhookDeliveryPage, ...problems(400, 403) },
    },
  }, async (request) => {
    const { limit = 50, cursor } = request.query;
    const tenant = tenantScope(request.principal, request.query.tenant, 'webhook deliveries');
    const page = await store.listFailedWebhooks({ tenant, limit, cursor });
    return {
      items: page.items.map((d) => ({
        ...d, links: { batch: `/v1/batches/${d.batchId}`, redeliver: `/v1/batches/${d.batchId}/webhook/redeliver` },
      })),
      nextCursor: page.nextCursor,
    };
  });
};
