/**
 * Who is asking: `Authorization: Bearer <key>` on every /v1 route (and /metrics unless
 * METRICS_AUTH=off) becomes `request.principal` before the route runs. Everything else (health,
 * docs, the dashboard's files) is public. Keys are looked up by their public id and compared by
 * hash in constant time (model/api-keys.ts). A record read from the store is trusted for
 * KEY_CACHE_MS, so a key revoked elsewhere (the CLI, another replica) stops working within that.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { keyIdOf, keyMatches } from '../model/api-keys.js';
import { DEFAULT_TENANT, type ApiKeyRecord, type Principal } from '../model/tenants.js';
import type { Batch, Workflow } from '../model/types.js';
import type { Reads, Tenancy } from '../store/store.js';
import { HttpError, notFound } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every route that needs one; see auth.ts. */
    principal: Principal;
  }
}

/** How long a key read from the store is trusted, ms: the most a revocation elsewhere takes. */
export const KEY_CACHE_MS = 10_000;
const KEY_CACHE_SIZE = 10_000;

/** Without a key and with AUTH=off: the operator on their own machine. */
export const ANONYMOUS: Principal = Object.freeze({ tenant: DEFAULT_TENANT, admin: true, keyId: null });

export interface AuthOptions {
  store: Pick<Tenancy, 'findKey'>;
  /** A request without a key is refused (else it is ANONYMOUS). */
  required: boolean;
  /** /metrics needs an admin key. */
  metricsRequired: boolean;
  now?: () => number;
}

export const unauthorized = (detail: string) => new HttpError(401, 'unauthorized', detail, undefined, {
  'www-authenticate': 'Bearer realm="clientflow"',
});

interface CachedKey {
  record: ApiKeyRecord;
  until: number;
  /**
   * The key that last hashed to `record.hash`, as bytes. Later requests with it are compared with
   * these in constant time instead of hashing again: SHA-256 was 4 µs of a keyed GET's 83 (5 %).
   * Only in memory, and only until the record is read again; the store keeps only the hash.
   */
  verified?: Buffer;
}

/** Whether `key` is the key of `entry`: the remembered bytes, else the stored hash. */
function matches(entry: CachedKey, key: string): boolean {
  // keyIdOf has checked the form: ASCII of a fixed length, so the lengths only differ for a wrong key.
  const given = Buffer.from(key);
  const known = entry.verified;
  if (known !== undefined && known.length === given.length && timingSafeEqual(known, given)) return true;
  // Another key with this id (a guess, a typo) is hashed and refused, as without the memory.
  if (!keyMatches(key, entry.record.hash)) return false;
  entry.verified = given;
  return true;
}

/** Keys read from the store, by id, each trusted until KEY_CACHE_MS after it was read. */
export class KeyCache {
  readonly #store: Pick<Tenancy, 'findKey'>;
  readonly #now: () => number;
  readonly #entries = new Map<string, CachedKey>();

  constructor(store: Pick<Tenancy, 'findKey'>, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  /** The principal `key` stands for, or null when it is unknown, revoked or wrong. */
  async principal(key: string): Promise<Principal | null> {
    const id = keyIdOf(key);
    if (id === null) return null;
    let entry = this.#entries.get(id);
    if (!entry || entry.until <= this.#now()) {
      // Only keys that exist are cached: made-up ids cannot fill the cache.
      const record = await this.#store.findKey(id);
      if (!record) return null;
      if (this.#entries.size >= KEY_CACHE_SIZE) this.#entries.delete(this.#entries.keys().next().value!);
      entry = { record, until: this.#now() + KEY_CACHE_MS };
      this.#entries.set(id, entry);
    }
    const { record } = entry;
    if (record.revokedAt !== null || !matches(entry, key)) return null;
    return { tenant: record.tenant, admin: record.admin, keyId: record.id };
  }

  /** Drops what is known of a key (revoked here: no wait for the cache). */
  forget(id: string): void {
    this.#entries.delete(id);
  }
}

/** Which requests need a principal: the route pattern decides, never the raw URL. */
function guarded(request: FastifyRequest, metricsRequired: boolean): 'key' | 'admin' | null {
  const route = request.routeOptions.url;
  if (route === undefined) return null;
  if (route.startsWith('/v1/')) return 'key';
  if (route === '/metrics') return metricsRequired ? 'admin' : null;
  return null;
}

export function registerAuth(app: FastifyInstance, options: AuthOptions): KeyCache {
  const keys = new KeyCache(options.store, options.now);
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request) => {
    const need = guarded(request, options.metricsRequired);
    if (need === null) return;
    const header = request.headers.authorization;
    if (header === undefined) {
      if (options.required || need === 'admin') throw unauthorized('this endpoint needs an API key: send Authorization: Bearer <key>');
      request.principal = ANONYMOUS;
      return;
    }
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match) throw unauthorized('the Authorization header must be "Bearer <key>"');
    const principal = await keys.principal(match[1]!);
    if (!principal) throw unauthorized('the API key is unknown, revoked or malformed');
    if (need === 'admin' && !principal.admin) throw new HttpError(403, 'forbidden', 'this endpoint needs an admin key');
    request.principal = principal;
  });
  return keys;
}

/** Throws the 403 unless the request acts with an admin key (or AUTH=off without a key). */
export function requireAdmin(request: FastifyRequest): void {
  if (!request.principal.admin) throw new HttpError(403, 'forbidden', 'this endpoint needs an admin key');
}

/** Whether `principal` may see data of `tenant`: its own, or any with an admin key. */
export function canSee(principal: Principal, tenant: string): boolean {
  return principal.admin || principal.tenant === tenant;
}

/**
 * Whose data a cross-batch list shows: an admin every tenant's unless it names one; any other key
 * only its own tenant's, and naming another is a 403.
 */
export function tenantScope(principal: Principal, asked: string | undefined, what: string): string | undefined {
  if (asked !== undefined && !canSee(principal, asked)) {
    throw new HttpError(403, 'forbidden', `only an admin key lists another tenant's ${what}`, [{ path: '/querystring/tenant', message: 'is not this key\'s tenant' }]);
  }
  return principal.admin ? asked : principal.tenant;
}

/** The batch, when it exists and `principal` may see it; another tenant's batch is a 404 like a missing one. */
export async function ownedBatch(store: Pick<Reads, 'getBatch'>, principal: Principal, id: string, now = Date.now()): Promise<Batch> {
  const batch = await store.getBatch(id, now);
  if (!batch || !canSee(principal, batch.tenant)) throw notFound('batch', id);
  return batch;
}

/** The workflow, when it exists and `principal` may see it (a 404 otherwise). */
export async function ownedWorkflow(store: Pick<Reads, 'getWorkflow'>, principal: Principal, id: string): Promise<Workflow> {
  const workflow = await store.getWorkflow(id);
  if (!workflow || !canSee(principal, workflow.tenant)) throw notFound('workflow', id);
  return workflow;
}
