/**
 * The dispatcher's waiting line for claimed work (a p-queue `queueClass`): the tenants take turns,
 * one task each, and a tenant's own tasks start highest priority first (in claim order within a
 * priority). One priority order across tenants would let one tenant's priority-10 work, claimed
 * later, start before every other tenant's work claimed before it, again and again: priority is
 * a tenant's order among its own work (store/claim-plan.ts), not a place ahead of other tenants.
 */
import type { Queue, QueueAddOptions, RunFunction } from 'p-queue';

export interface FairQueueOptions extends QueueAddOptions {
  /** Whose work this is; unset: one shared tenant. */
  tenant?: string;
}

interface Element {
  run: RunFunction;
  priority: number;
  id: string | undefined;
}

export class FairQueue implements Queue<RunFunction, FairQueueOptions> {
  /** Each tenant's waiting tasks, highest priority first; the map's order is the turn order. */
  readonly #tenants = new Map<string, Element[]>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  enqueue(run: RunFunction, options: Partial<FairQueueOptions> = {}): void {
    const element = { run, priority: options.priority ?? 0, id: options.id };
    const tenant = options.tenant ?? '';
    let line = this.#tenants.get(tenant);
    if (!line) this.#tenants.set(tenant, line = []);
    // After every task of the same or a higher priority: FIFO within a priority.
    let at = line.length;
    while (at > 0 && line[at - 1]!.priority < element.priority) at -= 1;
    line.splice(at, 0, element);
    this.#size += 1;
  }

  /** The next tenant's first task; that tenant goes to the end of the turn. */
  dequeue(): RunFunction | undefined {
    for (const [tenant, line] of this.#tenants) {
      this.#tenants.delete(tenant);
      const first = line.shift();
      if (line.length > 0) this.#tenants.set(tenant, line);
      if (first) {
        this.#size -= 1;
        return first.run;
      }
    }
    return undefined;
  }

  filter(options: Readonly<Partial<FairQueueOptions>>): RunFunction[] {
    return [...this.#tenants.values()].flat().filter((e) => e.priority === options.priority).map((e) => e.run);
  }

  setPriority(id: string, priority: number): void {
    for (const [tenant, line] of this.#tenants) {
      const index = line.findIndex((e) => e.id === id);
      if (index === -1) continue;
      const [element] = line.splice(index, 1);
      this.#size -= 1;
      this.enqueue(element!.run, { priority, id, tenant });
      return;
    }
    throw new ReferenceError(`No promise function with the id "${id}" exists in the queue.`);
  }

  remove(idOrRun: string | RunFunction): void {
    for (const [tenant, line] of this.#tenants) {
      const index = line.findIndex((e) => (typeof idOrRun === 'string' ? e.id === idOrRun : e.run === idOrRun));
      if (index === -1) continue;
      line.splice(index, 1);
      this.#size -= 1;
      if (line.length === 0) this.#tenants.delete(tenant);
      return;
    }
  }
}
