/**
 * Open event streams, long-polls and exports, counted against SSE_MAX_STREAMS and ended together
 * when the server closes, so a client watching (or slowly downloading) a batch never delays a shutdown.
 */
import type { ServerResponse } from 'node:http';
import { HttpError } from './problem.js';

/** How long a close waits for the watches it ended to be sent: a client that reads nothing cannot hold it. */
const SEND_WAIT_MS = 1_000;

export interface Watch {
  /** Aborted when the client goes away or the server closes. */
  controller: AbortController;
  /** Frees the slot; call once the response is done. */
  close: () => void;
}

/** An SSE event stream, a long poll (GET /v1/batches/{id}?wait=N), or an export (GET /v1/batches/{id}/results). */
export type WatchKind = 'stream' | 'poll' | 'export';

export class Watchers {
  /** Each open watch's switch, with the response it answers. */
  readonly #open = new Map<AbortController, ServerResponse>();
  readonly #count: Record<WatchKind, number> = { stream: 0, poll: 0, export: 0 };
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** How many watches of this kind are open now (a metric). */
  count(kind: WatchKind): number {
    return this.#count[kind];
  }

  /** A new watch for `response`; a 503 problem (retry shortly) when `max` are open. */
  open(response: ServerResponse, kind: WatchKind): Watch {
    if (this.#open.size >= this.#max) {
      throw new HttpError(503, 'too-many-streams', 'too many event streams, long-polls and exports are open; retry shortly', undefined, { 'retry-after': '5' });
    }
    const controller = new AbortController();
    this.#open.set(controller, response);
    this.#count[kind] += 1;
    return {
      controller,
      close: () => {
        if (this.#open.delete(controller)) this.#count[kind] -= 1;
      },
    };
  }

  /**
   * Ends every watch (server closing) and resolves once their responses are sent, or after
   * SEND_WAIT_MS. An abort only starts the end: a stream writes its last bytes and a long-poll
   * its answer on later turns of the event loop. Waiting here means what the close does next
   * (Fastify closing the server, a test cutting every connection) never cuts one short.
   */
  async abortAll(): Promise<void> {
    const responses = [...this.#open].map(([controller, response]) => {
      controller.abort();
      return response;
    });
    if (responses.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(responses.map(sent)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SEND_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }
}

/** Resolves when the response has been handed to the OS in full, or its connection is gone. */
function sent(response: ServerResponse): Promise<void> {
  if (response.writableFinished || response.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    response.once('finish', resolve);
    response.once('close', resolve);
  });
}
