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
  readonly #stale = new Map<string, Set<() => void>>();

  emit(event: EngineEvent): void {
    for (const listener of this.#all) call(listener, event);
    const listeners = this.#byBatch.get(event.batchId);
    if (listeners) for (const listener of listeners) call(listener, event);
  }

  /**
   * Another process committed events of these batches (null: of any batch): their listeners read
   * them from the store (a stream catches up, a long-poll reads the batch again).
   */
  stale(batchIds: readonly string[] | null): void {
    if (batchIds === null) {
      for (const listeners of this.#stale.values()) for (const listener of listeners) call(listener);
      return;
    }
    for (const id of batchIds) {
      const listeners = this.#stale.get(id);
      if (listeners) for (const listener of listeners) call(listener);
    }
  }

  /** Subscribes to every event; returns the function that unsubscribes. */
  on(listener: Listener): () => void {
    // Wrapped: the same function may subscribe twice and unsubscribe each on its own.
    const entry: Listener = (event) => listener(event);
    this.#all.add(entry);
    return () => this.#all.delete(entry);
  }

  /**
   * Subscribes to one batch's events, and with `onStale` to word that another process committed
   * some (read them from the store); returns the function that unsubscribes.
   */
  onBatch(batchId: string, listener: Listener, onStale?: () => void): () => void {
    const offEvents = join(this.#byBatch, batchId, (event: EngineEvent) => listener(event));
    const offStale = onStale ? join(this.#stale, batchId, () => onStale()) : () => {};
    return () => {
      offEvents();
      offStale();
    };
  }

  /** Listeners now subscribed (all, and per batch): how tests see that streams clean up. */
  get listenerCount(): { all: number; batches: number } {
    let batches = 0;
    for (const set of this.#byBatch.values()) batches += set.size;
    return { all: this.#all.size, batches };
  }
}

/** Adds `entry` to the set of `key` (a fresh wrapper: the same function may join twice); returns its removal. */
function join<F>(map: Map<string, Set<F>>, key: string, entry: F): () => void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(entry);
  return () => {
    set.delete(entry);
    if (set.size === 0 && map.get(key) === set) map.delete(key);
  };
}

/** One listener's bug must not keep the others (an SSE stream, a long-poll) from the event. */
function call<E>(listener: (event: E) => void, event?: E): void {
  try {
    listener(event as E);
  } catch (error) {
    process.emitWarning(`engine event listener failed: ${String(error)}`);
  }
}
