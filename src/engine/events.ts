/**
 * The engine's event hub. Events come from the store, published right after the transaction
 * that wrote them commits and in id order (model/events.ts), so listeners — logs, SSE streams,
 * metrics, webhooks — never report what the store might lose.
 *
 * Listeners of one batch (SSE streams, long-polls) subscribe to that batch alone: hundreds of
 * streams cost the engine one map lookup per event, not one call per stream.
 */
import { EventEmitter } from 'node:events';
import type { EngineEvent } from '../model/events.js';

export type { EngineEvent, EngineEventType } from '../model/events.js';

type Listener = (event: EngineEvent) => void;

export class EngineEvents {
  readonly #emitter = new EventEmitter();
  readonly #byBatch = new Map<string, Set<Listener>>();

  constructor() {
    // A few process-wide listeners (logs, metrics, webhooks, tests) are expected, not a leak.
    this.#emitter.setMaxListeners(0);
  }

  emit(event: EngineEvent): void {
    this.#emitter.emit('event', event);
    const listeners = this.#byBatch.get(event.batchId);
    if (listeners) for (const listener of listeners) listener(event);
  }

  /** Subscribes to every event; returns the function that unsubscribes. */
  on(listener: Listener): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }

  /** Subscribes to one batch's events; returns the function that unsubscribes. */
  onBatch(batchId: string, listener: Listener): () => void {
    let listeners = this.#byBatch.get(batchId);
    if (!listeners) this.#byBatch.set(batchId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#byBatch.get(batchId) === listeners) this.#byBatch.delete(batchId);
    };
  }

  /** Listeners now subscribed (all, and per batch): how tests see that streams clean up. */
  get listenerCount(): { all: number; batches: number } {
    let batches = 0;
    for (const set of this.#byBatch.values()) batches += set.size;
    return { all: this.#emitter.listenerCount('event'), batches };
  }
}
