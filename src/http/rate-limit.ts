/**
 * Requests per minute per API key (`@fastify/rate-limit`). The limit is the key's tenant's
 * `ratePerMinute` quota. Requests without a key (AUTH=off) and public routes (health, docs) are
 * not limited. Answers carry the draft-standard `RateLimit-*` headers; past the limit, a 429
 * problem+json with Retry-After.
 *
 * Where the count lives follows the store's owner (StoreCapabilities): a store that replicas
 * share counts in the store (`Tenancy.countRequests`), so N replicas allow a tenant its
 * `ratePerMinute`, not N times it. A store one process owns leaves the count to that process's
 * memory (the plugin's own store): its count is every request's already, and a statement per
 * request would cost it 8 % of a keyed GET's CPU (bench case 5k). Either way a key's window
 * starts at its first request and lasts a minute.
 * In the store, a key's requests that arrive while its count is on its way go together in the
 * next statement: one statement per key per round trip, however many arrive.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store, Tenancy } from '../store/store.js';
import { HttpError } from './problem.js';
import type { QuotaBook } from './quotas.js';

const WINDOW_MS = 60_000;

const keyOf = (request: FastifyRequest): string | null => (request.principal as typeof request.principal | null)?.keyId ?? null;

type Answer = (error: Error | null, result?: { current: number; ttl: number }) => void;

interface Waiting {
  answer: Answer;
  now: number;
}

/** @fastify/rate-limit's store interface, over the store's counts. */
export class StoreCounts {
  readonly #store: Pick<Tenancy, 'countRequests'>;
  readonly #now: () => number;
  /** Per key: requests waiting for the statement in flight to return (absent: none in flight). */
  readonly #queued = new Map<string, Waiting[]>();

  constructor(store: Pick<Tenancy, 'countRequests'>, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  incr(key: string, answer: Answer): void {
    const waiting = { answer, now: this.#now() };
    const queued = this.#queued.get(key);
    if (queued) queued.push(waiting);
    else void this.#count(key, [waiting]);
  }

  child(): StoreCounts {
    return this;
  }

  async #count(key: string, group: Waiting[]): Promise<void> {
    this.#queued.set(key, []);
    try {
      const { count, startedAt } = await this.#store.countRequests(key, group.at(-1)!.now, group.length, WINDOW_MS);
      // The group's requests took the last `group.length` of the count, in arrival order.
      group.forEach((w, i) => w.answer(null, { current: count - group.length + 1 + i, ttl: Math.max(0, startedAt + WINDOW_MS - w.now) }));
    } catch (e) {
      for (const w of group) w.answer(e as Error);
    }
    const next = this.#queued.get(key)!;
    if (next.length === 0) this.#queued.delete(key);
    else void this.#count(key, next);
  }
}

/** The plugin takes a store as a class it instantiates: this one hands it `counts`. */
function storeClass(counts: StoreCounts): never {
  return class {
    constructor() {
      return counts;
    }
  } as never;
}

export async function registerRateLimit(app: FastifyInstance, quotas: QuotaBook, store: Pick<Store, 'countRequests' | 'capabilities'>): Promise<void> {
  const counts = store.capabilities.owner === 'shared' ? new StoreCounts(store) : null;
  await app.register(rateLimit, {
    global: true,
    // After auth.ts's onRequest hook, which registered first: the principal is known.
    hook: 'onRequest',
    timeWindow: WINDOW_MS,
    enableDraftSpec: true,
    // A store that cannot count (unavailable) lets requests through: the routes answer 503 themselves.
    skipOnError: true,
    ...(counts === null ? {} : { store: storeClass(counts) }),
    allowList: (request) => keyOf(request) === null,
    keyGenerator: (request) => keyOf(request)!,
    max: async (request) => (await quotas.of(request.principal.tenant)).ratePerMinute,
    errorResponseBuilder: (_request, context) => new HttpError(429, 'rate-limited',
      `this API key made more than ${context.max} requests in a minute; retry after ${Math.ceil(context.ttl / 1000)} s`),
  });
}
