/**
 * Open event streams and long-polls, counted against SSE_MAX_STREAMS and ended together when the
 * server closes, so a client watching a batch never delays a shutdown.
 */
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

  get size(): number {
    return this.#open.size;
  }

  /** A new watch, or null when `max` are open. */
  open(): Watch | null {
    if (this.#open.size >= this.#max) return null;
    const controller = new AbortController();
    this.#open.add(controller);
    return { controller, close: () => this.#open.delete(controller) };
  }

  /** Ends every watch (server closing). */
  abortAll(): void {
    for (const controller of this.#open) controller.abort();
  }
}
