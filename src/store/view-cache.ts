/**
 * Views of finished batches: a finished batch does not change until a retry reopens it, so its
 * view is computed once and served from memory. Bounded: the oldest entry goes first. Every write
 * that touches a batch forgets its view (forgetting inside a transaction that then rolls back
 * only costs a recomputation).
 */
import type { Batch } from '../model/types.js';

export class FinishedViews {
  readonly #views = new Map<string, Batch>();

  constructor(readonly max = 1000) {}

  get(id: string): Batch | undefined {
    return this.#views.get(id);
  }

  /** Keeps the view if its batch has finished; an unfinished one changes at every transition. */
  remember(view: Batch): Batch {
    if (view.finishedAt === null) return view;
    if (this.#views.size >= this.max && !this.#views.has(view.id)) this.#views.delete(this.#views.keys().next().value!);
    this.#views.set(view.id, view);
    return view;
  }

  forget(id: string): void {
    this.#views.delete(id);
  }
}
