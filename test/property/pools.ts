/**
 * What the run has learnt so far: the batches it created (with the workflow count each was
 * accepted with and the tenant that owns it), their workflow and event ids, cursors the service
 * issued, Idempotency-Keys it accepted (per tenant) and API keys an admin created. Generators pick
 * from these by index (`pick % length`) when a request is sent, so a generated request stays a
 * plain value that fast-check can print, shrink and replay, while still hitting real ids.
 */
import type { TestService } from '../helpers.js';

export interface Accepted {
  id: string;
  total: number;
  tenant: string;
}

export class Pools {
  /** Every batch a 202 accepted, in order. */
  readonly accepted: Accepted[] = [];
  readonly #workflowIds = new Map<string, string[]>();
  /** The tenant of every batch and workflow id seen so far (a workflow's is read from the store once). */
  readonly #owners = new Map<string, string | null>();
  readonly cursors: string[] = [];
  /** Idempotency-Keys with the tenant that sent them and the body they were first accepted with (as sent). */
  readonly keys: Array<{ key: string; tenant: string; body: unknown; id: string }> = [];
  /** Batches and workflows a cancel was accepted for: their running workflows may still end canceled. */
  readonly cancelSent = new Set<string>();
  /** Ids of API keys created during the run (never the suite's own: revoking one would change who a principal is). */
  readonly apiKeyIds: string[] = [];
  readonly #service: TestService;

  constructor(service: TestService) {
    this.#service = service;
  }

  accept(id: string, total: number, tenant: string): void {
    this.accepted.push({ id, total, tenant });
    this.#owners.set(id, tenant);
  }

  addCursor(cursor: string | null | undefined): void {
    // A bounded pool: enough variety, no growth with the run.
    if (typeof cursor === 'string' && !this.cursors.includes(cursor)) {
      if (this.cursors.length >= 200) this.cursors.shift();
      this.cursors.push(cursor);
    }
  }

  addKey(key: string, tenant: string, body: unknown, id: string): void {
    if (this.keys.length >= 200) this.keys.shift();
    this.keys.push({ key, tenant, body, id });
  }

  addApiKey(id: string): void {
    if (this.apiKeyIds.length < 200) this.apiKeyIds.push(id);
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
      for (const id of ids) this.#owners.set(id, this.#owners.get(batchId) ?? null);
    }
    return ids.length === 0 ? null : ids[Math.floor(pick / 7) % ids.length]!;
  }

  /**
   * The tenant owning the batch or workflow with this id, or null when it is neither (a request
   * id, a made-up UUID). Ids the run has not met yet are looked up in the store once.
   */
  async ownerOf(id: string): Promise<string | null> {
    const known = this.#owners.get(id);
    if (known !== undefined) return known;
    const store = this.#service.store;
    const owner = (await store.getBatch(id, Date.now()))?.tenant ?? (await store.getWorkflow(id))?.tenant ?? null;
    // Only real ids are remembered: request ids are new every time and would only fill the map.
    if (owner !== null) this.#owners.set(id, owner);
    return owner;
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
