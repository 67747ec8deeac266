/**
 * The engine's event hub. Events come from the store, published right after the transaction
 * that wrote them commits and in id order (model/events.ts), so listeners — logs, SSE streams,
 * metrics, webhooks — never report what the store might lose.
 *
 * Listeners of one batch (SSE streams, long-polls) subscribe to that batch alone: hundreds of
 * streams cost the engine one map lookup per event, not one call per stream.
 */
import type { EngineEvent } from '../model/events.js';

export type { EngineEvent, EngineEventType } from '../model/events.js';

type Listener = (event: EngineEvent) => void;

export class EngineEvents {
  /** Process-wide listeners: logs, metrics, webhooks, tests. */
  readonly #all = new Set<Listener>();
  readonly #byBatch = new Map<string, Set<Listener>>();

  emit(event: EngineEvent): void {
    for (const listener of this.#all) call(listener, event);
    const listeners = this.#byBatch.get(event.batchId);
    if (listeners) for (const listener of listeners) call(listener, event);
  }

  /** Subscribes to every event; returns the function that unsubscribes. */
  on(listener: Listener): () => void {
    // Wrapped: the same function may subscribe twice and unsubscribe each on its own.
    const entry: Listener = (event) => listener(event);
    this.#all.add(entry);
    return () => this.#all.delete(entry);
  }

  /** Subscribes to one batch's events; returns the function that unsubscribes. */
  onBatch(batchId: string, listener: Listener): () => void {
    let listeners = this.#byBatch.get(batchId);
    if (!listeners) this.#byBatch.set(batchId, (listeners = new Set()));
    const entry: Listener = (event) => listener(event);
    listeners.add(entry);
    return () => {
      listeners.delete(entry);
      if (listeners.size === 0 && this.#byBatch.get(batchId) === listeners) this.#byBatch.delete(batchId);
    };
  }

  /** Listeners now subscribed (all, and per batch): how tests see that streams clean up. */
  get listenerCount(): { all: number; batches: number } {
    let batches = 0;
    for (const set of this.#byBatch.values()) batches += set.size;
    return { all: this.#all.size, batches };
  }
}

/** One listener's bug must not keep the others (an SSE stream, a long-poll) from the event. */
function call(listener: Listener, event: EngineEvent): void {
  try {
    listener(event);
  } catch (error) {
    process.emitWarning(`engine event listener failed: ${String(error)}`);
  }
}
