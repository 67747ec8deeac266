/**
 * Open event streams and long-polls, counted against SSE_MAX_STREAMS and ended together when the
 * server closes, so a client watching a batch never delays a shutdown.
 */
import { HttpError } from './problem.js';

export interface Watch {
  /** Aborted when the client goes away or the server closes. */
  controller: AbortController;
  /** Frees the slot; call once the response is done. */
  close: () => void;
}

export class Watchers {
  readonly #open = new Set<AbortController>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** A new watch; a 503 problem (retry shortly) when `max` are open. */
  open(): Watch {
    if (this.#open.size >= this.#max) {
      throw new HttpError(503, 'too-many-streams', 'too many event streams and long-polls are open; retry shortly', undefined, { 'retry-after': '5' });
    }
    const controller = new AbortController();
    this.#open.add(controller);
    return { controller, close: () => this.#open.delete(controller) };
  }

  /** Ends every watch (server closing). */
  abortAll(): void {
    for (const controller of this.#open) controller.abort();
  }
}
