/**
 * A batch's event stream (GET /v1/batches/{id}/events) as an async generator: fetch, not
 * EventSource (which cannot send Authorization), parsed by eventsource-parser. After a dropped
 * connection it reconnects with Last-Event-ID, so no event is lost or repeated; it ends after
 * `batch.finished`, or when the service answers 204 (finished, nothing after the last id).
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { components } from './schema.js';

/** An event of the stream with its SSE id (none on `batch.progress`, which is not stored). */
export type WatchedEvent = components['schemas']['Event'];

export interface WatchOptions {
  /** Resume after this event id (an earlier stream's last). */
  lastEventId?: number;
  /** Reconnections in a row without an event before giving up (default 5). */
  maxReconnects?: number;
  /** Wait before a reconnection, ms (default 1000; the stream's `retry:` overrides it). */
  retryMs?: number;
  signal?: AbortSignal;
}

interface Connection {
  url: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  batchId: string;
  /** The error for a refusal (status, problem body or null). */
  toError: (status: number, problem: unknown) => Error;
}

export async function* watchEvents(c: Connection, opts: WatchOptions): AsyncGenerator<WatchedEvent> {
  let lastId = opts.lastEventId;
  let retryMs = opts.retryMs ?? 1000;
  let failures = 0;
  const url = `${c.url.replace(/\/$/, '')}/v1/batches/${encodeURIComponent(c.batchId)}/events`;
  for (;;) {
    let response: Response | undefined;
    let error: unknown;
    try {
      response = await c.fetch(url, {
        headers: { ...c.headers, accept: 'text/event-stream', ...(lastId !== undefined && { 'last-event-id': String(lastId) }) },
        signal: opts.signal,
      });
    } catch (e) {
      error = e;
    }
    if (response?.status === 204) return;
    if (response && !response.ok) {
      throw c.toError(response.status, await response.json().catch(() => null));
    }
    if (response?.body) {
      const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream({
        onRetry: (ms) => { retryMs = ms; },
      }));
      try {
        for await (const message of events) {
          const event = JSON.parse(message.data) as WatchedEvent;
          if (message.id) lastId = Number(message.id);
          failures = 0;
          yield event;
          if (event.type === 'batch.finished') return;
        }
      } catch (e) {
        error = e; // the connection broke mid-stream
      }
    }
    if (opts.signal?.aborted) return;
    // Ended without batch.finished: the server closed or the network dropped. Resume after the last id.
    if (++failures > (opts.maxReconnects ?? 5)) throw error instanceof Error ? error : new Error('the event stream kept ending early');
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}
