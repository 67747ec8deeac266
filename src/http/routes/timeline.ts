import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Reads } from '../../store/store.js';
import { ownedBatch } from '../auth.js';
import { notFound } from '../problem.js';
import { IdParams, TimelineQuery, problems } from '../schemas.js';
import { timelineModel } from '../timeline/from-store.js';
import { renderTimeline } from '../timeline/render.js';

export const timelineRoutes: FastifyPluginAsyncTypebox<{ store: Reads }> = async (app, { store }) => {
  app.get('/v1/batches/:id/timeline.svg', {
    schema: {
      operationId: 'getBatchTimeline',
      summary: 'A batch as a Gantt chart (SVG)',
      description: 'One row per workflow with its queue wait and one bar per stage run (fetch, process, store), '
        + 'retries, failures and cancels marked, on a time axis from the batch\'s createdAt to its finishedAt (or now '
        + 'while it runs). Each bar is a `rect.bar` with `data-stage`, `data-client`, `data-outcome`, `data-attempts`, '
        + '`data-start-ms` and `data-end-ms` (ms from createdAt) and a `<title>` tooltip.',
      tags: ['batches'],
      params: IdParams,
      querystring: TimelineQuery,
      response: {
        200: {
          description: 'The chart.',
          headers: {
            'Cache-Control': {
              type: 'string', enum: ['no-store', 'no-cache'],
              description: '`no-store` while the batch is unfinished; `no-cache` once finished (a retry may reopen it).',
            },
          },
          content: { 'image/svg+xml': { schema: Type.String({ description: 'An SVG document.' }) } },
        },
        ...problems(400, 404),
      },
    },
  }, async (request, reply) => {
    const { rows = 50, status } = request.query;
    await ownedBatch(store, request.principal, request.params.id);
    const model = await timelineModel(store, request.params.id, rows, Date.now(), status);
    if (!model) throw notFound('batch', request.params.id);
    // A finished batch can still be reopened by a retry: cache it only with revalidation.
    reply.header('cache-control', model.open ? 'no-store' : 'no-cache');
    return reply.type('image/svg+xml; charset=utf-8').send(renderTimeline(model));
  });
};
