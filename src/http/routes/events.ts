/**
 * Watching a batch: `GET /v1/batches/{id}/events` (Server-Sent Events, resumable with
 * Last-Event-ID). Framing, headers and heartbeats come from @fastify/sse; what to send comes
 * from event-stream.ts. On close, open streams end at once so shutdown never waits for a client.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.js';
import type { Engine } from '../../engine/engine.js';
import { isFinished } from '../../model/statuses.js';
import type { Store } from '../../store/store.js';
import { sharedProgress, streamBatchEvents, wireText } from '../event-stream.js';
import { HttpError, notFound } from '../problem.js';
import { EventStreamHeaders, IdParams, problems } from '../schemas.js';
import type { Watchers } from '../watchers.js';

export interface EventRouteDeps {
  config: Config;
  store: Store;
  engine: Engine;
  watchers: Watchers;
}

/** Least time between two `batch.progress` messages of one stream. */
const PROGRESS_MS = 250;

export const eventRoutes: FastifyPluginAsyncTypebox<EventRouteDeps> = async (app, { store, engine, watchers }) => {
  const progress = sharedProgress(store, PROGRESS_MS / 2);
  const serialize = wireText(20_000);

  app.get('/v1/batches/:id/events', {
    // Event data arrives as JSON text already (wireText); anything else is JSON-encoded here.
    sse: { kind: 'manual', serializer: (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data)) },
    schema: {
      operationId: 'streamBatchEvents',
      summary: "Stream a batch's events live (Server-Sent Events)",
      description: 'text/event-stream of the batch\'s events, each with `id:` (its store id), `event:` (its type) and '
        + '`data:` (JSON). It starts with a `batch.progress` snapshot, replays every event after `Last-Event-ID` '
        + '(all of them without it), then follows live; `batch.progress` messages (no id) carry the counters a few '
        + 'times a second, comment lines keep idle proxies open, and the stream ends after `batch.finished`; '
        + 'reconnecting after that end answers 204, which stops an EventSource. '
        + 'Try it with `curl -N`.',
      tags: ['batches'],
      params: IdParams,
      headers: EventStreamHeaders,
      response: {
        200: {
          description: 'The event stream.',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        204: { description: 'The batch is finished and `Last-Event-ID` is its last event: nothing more will come.', type: 'null' },
        ...problems(400, 404, 503),
      },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const header = request.headers['last-event-id'];
    const afterId = header === undefined || header === '' ? 0 : Number(header);
    const batch = await progress(id, false);
    if (!batch) throw notFound('batch', id);
    if (afterId > 0) {
      // Ids are numbered across all batches: one from another batch would silently skip events.
      const [resumed, next] = (await store.listEvents(id, afterId - 1, 2)) ?? [];
      if (resumed?.id !== afterId) {
        throw new HttpError(400, 'invalid-last-event-id', `Last-Event-ID ${afterId} is not an event of batch ${id}`);
      }
      // Resuming after the end of a finished batch (EventSource reconnects by itself when a
      // stream ends): 204 is how SSE tells a client to stop reconnecting.
      if (!next && isFinished(batch.status)) return reply.code(204).send(null);
    }
    const watch = watchers.open();
    if (!watch) {
      throw new HttpError(503, 'too-many-streams', 'too many event streams are open; retry shortly', undefined, { 'retry-after': '5' });
    }
    reply.sse.onClose(() => watch.controller.abort());
    // The client may have left while the batch was read: its close event has already fired.
    if (!reply.sse.isConnected || request.raw.destroyed) watch.controller.abort();
    const closed = new Promise<void>((resolve) => watch.controller.signal.addEventListener('abort', () => resolve(), { once: true }));
    reply.sse.sendHeaders();
    try {
      await streamBatchEvents({
        store, events: engine.events, batchId: id, afterId, signal: watch.controller.signal,
        // A client that stops reading must not hold the stream open past its disconnect or our close.
        send: (message) => Promise.race([reply.sse.send(message), closed]),
        progress: (fresh) => progress(id, fresh),
        serialize,
        progressMs: PROGRESS_MS,
      });
    } catch (error) {
      // The headers are sent: no problem+json can follow. A client gone mid-write is normal.
      if (watch.controller.signal.aborted || !reply.sse.isConnected) request.log.debug({ err: error }, 'event stream closed by the client');
      else request.log.error({ err: error }, 'event stream failed');
    } finally {
      watch.close();
      // Cut short (client gone, server closing): the socket goes too, so a closing server never
      // waits on a connection whose response can no longer finish normally.
      reply.sse.close();
      if (watch.controller.signal.aborted) request.raw.socket.destroySoon();
    }
  });
};
