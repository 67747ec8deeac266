/**
 * Watching a batch: `GET /v1/batches/{id}/events` (Server-Sent Events, resumable with
 * Last-Event-ID). Fastify streams the response body; eventsource-encoder frames the messages;
 * what to send comes from event-stream.ts. On close, open streams end at once so shutdown never
 * waits for a client.
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { encodeComment } from 'eventsource-encoder';
import type { Config } from '../../config.js';
import type { Engine } from '../../engine/engine.js';
import { isFinished } from '../../model/statuses.js';
import type { Lifecycle, Reads } from '../../store/store.js';
import { replayTurns, sharedEncoder, sharedProgress, sharedReplayEncoder, streamBatchEvents } from '../event-stream.js';
import { canSee } from '../auth.js';
import { HttpError, notFound } from '../problem.js';
import { Event } from '../event-schemas.js';
import { EventStreamHeaders, IdParams, problems } from '../schemas.js';
import type { Watchers } from '../watchers.js';
import { watcherOf, type QuotaBook } from '../quotas.js';

export interface EventRouteDeps {
  config: Config;
  store: Reads & Pick<Lifecycle, 'capabilities'>;
  engine: Engine;
  watchers: Watchers;
  quotas: QuotaBook;
}

/** Least time between two `batch.progress` messages of one stream. */
const PROGRESS_MS = 250;
/** Streams reading the store at once while catching up (one per core here, roughly). */
const REPLAY_TURNS = 2;

export const eventRoutes: FastifyPluginAsyncTypebox<EventRouteDeps> = async (app, { config, store, engine, watchers, quotas }) => {
  const progress = sharedProgress(store, PROGRESS_MS / 2);
  const encodeEvent = sharedEncoder();
  const encodeStored = sharedReplayEncoder();
  const replayTurn = replayTurns(REPLAY_TURNS);

  app.get('/v1/batches/:id/events', {
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
          // Each message's data: is one Event (JSON): named so a generated client has the type.
          content: { 'text/event-stream': { schema: { type: 'string', contentSchema: Event } } },
        },
        204: { description: 'The batch is finished and `Last-Event-ID` is its last event: nothing more will come.', type: 'null' },
        ...problems(400, 404, 429, 503),
      },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const header = request.headers['last-event-id'];
    const afterId = header === undefined || header === '' ? 0 : Number(header);
    const batch = await progress(id, false);
    if (!batch || !canSee(request.principal, batch.tenant)) throw notFound('batch', id);
    if (afterId > 0) {
      // The id must be one of this batch's events: an id from another batch (or a made-up one) would silently skip events.
      const [resumed, next] = (await store.listEvents(id, afterId - 1, 2)) ?? [];
      if (resumed?.id !== afterId) {
        throw new HttpError(400, 'invalid-last-event-id', `Last-Event-ID ${afterId} is not an event of batch ${id}`);
      }
      // Resuming after the end of a finished batch (EventSource reconnects by itself when a
      // stream ends): 204 is how SSE tells a client to stop reconnecting.
      if (!next && isFinished(batch.status)) return reply.code(204).send(null);
    }
    if (request.method === 'HEAD') {
      // HEAD gets the stream's headers and no stream: its client reads no body, so a stream
      // would hold a watcher slot and an engine listener until the batch finishes.
      return reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache').send('');
    }
    const watch = watchers.open(reply.raw, 'stream', await watcherOf(request.principal, quotas));
    // Fastify streams the body and tears the stream down when the client goes away.
    const body = new PassThrough();
    const { signal } = watch.controller;
    const closed = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    body.on('close', () => watch.controller.abort());
    const write = async (text: string): Promise<void> => {
      if (signal.aborted || body.write(text)) return;
      // A client that stops reading must not hold the stream open past its disconnect or our close.
      await Promise.race([once(body, 'drain').then(() => undefined, () => undefined), closed]);
    };
    // Comment lines keep proxies from closing an idle stream.
    const heartbeat = setInterval(() => {
      if (!signal.aborted) body.write(encodeComment('heartbeat'));
    }, config.SSE_HEARTBEAT_MS);
    heartbeat.unref();
    streamBatchEvents({
      store, events: engine.events, batchId: id, afterId, signal, write, encodeEvent, encodeStored,
      contiguous: store.capabilities.eventIds === 'per-batch',
      progress: (fresh) => progress(id, fresh),
      progressMs: PROGRESS_MS, replayTurn,
    }).catch((error: unknown) => {
      // The headers are sent: no problem+json can follow; the stream just ends.
      if (!signal.aborted) request.log.error({ err: error }, 'event stream failed');
    }).finally(() => {
      clearInterval(heartbeat);
      watch.close();
      // Ended by the server (batch finished, closing): end the response; if the client is gone
      // the body is already destroyed and this does nothing.
      body.end();
    });
    return reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache')
      // Proxies that buffer (nginx) must pass each event on at once.
      .header('x-accel-buffering', 'no')
      // A stream's connection is not reused: it closes with the stream, so neither side keeps an
      // idle socket that a closing server would wait on.
      .header('connection', 'close')
      // The documented 200 body is the text this stream carries; its type is a string, not a stream.
      .send(body as unknown as string);
  });
};
