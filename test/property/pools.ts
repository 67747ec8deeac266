/**
 * What the run has learnt so far: the batches it created (with the workflow count each was
 * accepted with), their workflow and event ids, cursors the service issued and Idempotency-Keys
 * it accepted. Generators pick from these by index (`pick % length`) when a request is sent, so
 * a generated request stays a plain value that fast-check can print, shrink and replay, while
 * still hitting real ids.
 */
import type { TestService } from '../helpers.js';

export interface Accepted {
  id: string;
  total: number;
}

export class Pools {
  /** Every batch a 202 accepted, in order. */
  readonly accepted: Accepted[] = [];
  readonly #workflowIds = new Map<string, string[]>();
  readonly cursors: string[] = [];
  /** Idempotency-Keys with the body they were first accepted with (as sent). */
  readonly keys: Array<{ key: string; body: unknown; id: string }> = [];
  readonly #service: TestService;

  constructor(service: TestService) {
    this.#service = service;
  }

  /** (When principals own batches, the owner goes here too: "no tenant reads another's data" compares it with the reader.) */
  accept(id: string, total: number): void {
    this.accepted.push({ id, total });
  }

  addCursor(cursor: string | null | undefined): void {
    // A bounded pool: enough variety, no growth with the run.
    if (typeof cursor === 'string' && !this.cursors.includes(cursor)) {
      if (this.cursors.length >= 200) this.cursors.shift();
      this.cursors.push(cursor);
    }
  }

  addKey(key: string, body: unknown, id: string): void {
    if (this.keys.length >= 200) this.keys.shift();
    this.keys.push({ key, body, id });
  }

  batchId(pick: number): string | null {
    return this.accepted.length === 0 ? null : this.accepted[pick % this.accepted.length]!.id;
  }

  /** A workflow id of an accepted batch (read from the store once per batch). */
  async workflowId(pick: number): Promise<string | null> {
    const batchId = this.batchId(pick);
    if (!batchId) return null;
    let ids = this.#workflowIds.get(batchId);
    if (!ids) {
      const page = await this.#service.store.listWorkflows(batchId, { limit: 20 });
      ids = (page?.items ?? []).map((w) => w.id);
      this.#workflowIds.set(batchId, ids);
    }
    return ids.length === 0 ? null : ids[Math.floor(pick / 7) % ids.length]!;
  }

  /** An event id of the batch (its own, so Last-Event-ID resumes), or null when it has none yet. */
  async eventId(batchId: string, pick: number): Promise<number | null> {
    const events = (await this.#service.store.listEvents(batchId, 0, 100)) ?? [];
    return events.length === 0 ? null : events[pick % events.length]!.id;
  }

  /** Whether the batch is finished now (nothing else changes it between two requests of the run but the engine finishing it). */
  async finished(batchId: string): Promise<boolean> {
    const batch = await this.#service.store.getBatch(batchId, Date.now());
    return batch?.finishedAt != null;
  }
}
