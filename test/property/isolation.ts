/**
 * The properties of keys and tenants, for any answer:
 * - no tenant reads another's data: an answer to anyone but an admin holds no batch or workflow
 *   id and no tenant marker (tenants.ts) of another tenant's batch, in its body or headers,
 *   unless the request itself carried that text (a 404 names the id it was asked for);
 * - a non-admin key acting on another tenant's batch or workflow gets a 404 (or a 4xx that comes
 *   before the batch is looked at: a bad query, body or content type, the rate limit), and the
 *   batch is as it was; anyone who may see it never gets a 404 for it;
 * - a listing holds only the key's tenant's batches (an admin's: any, or the one it names);
 * - a request nobody the service accepts sent is a 401 on every /v1 route, one with a valid key
 *   never is; every 401 carries `WWW-Authenticate: Bearer realm="clientflow"`;
 * - the admin routes answer 403 to tenant keys (or a 4xx that comes before the key is looked at);
 * - a 429 of the rate limit is problem+json with RateLimit-* and Retry-After, and only the tenant
 *   with the small quota ever gets one; `/v1/me` says who the key is.
 */
import type { Store } from '../../src/store/store.js';
import type { Answer, OpenApi } from './checks.js';
import type { Pools } from './pools.js';
import type { Resolved } from './request.js';
import { MARKER_RE, SLOW_RATE, type Identity } from './tenants.js';

/** Problems of a URL refused before routing (src/app.ts, frameworkErrors). */
export const PRE_ROUTING = new Set(['invalid-url', 'id-too-long']);

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Routes only an admin key may use. */
const ADMIN_ONLY = new Set(['POST /v1/keys', 'GET /v1/keys', 'DELETE /v1/keys/{id}', 'GET /v1/tenants', 'PUT /v1/tenants/{id}']);
/** 4xx answers a route gives before it looks at who owns what: the request itself is wrong, or comes too often. */
const BEFORE_OWNERSHIP = new Set([400, 413, 415, 429]);

/** Another tenant's ids and markers in an answer to `reader` (null: nobody the service accepts). */
export async function leakFaults(answer: Answer, reader: string | null, sent: string, pools: Pools): Promise<string[]> {
  const text = `${JSON.stringify(answer.headers)}\n${answer.body}`;
  const faults: string[] = [];
  for (const id of new Set(text.match(UUID_RE) ?? [])) {
    if (sent.includes(id)) continue;
    const owner = await pools.ownerOf(id);
    if (owner !== null && owner !== reader) faults.push(`leaks ${id} of tenant ${owner} to ${reader ?? 'a refused request'}`);
  }
  for (const [marker, tenant] of new Set([...text.matchAll(MARKER_RE)].map((m) => [m[0], m[1]!] as const))) {
    if (tenant !== reader && !sent.includes(marker)) faults.push(`leaks tenant ${tenant}'s data (${marker}) to ${reader ?? 'a refused request'}`);
  }
  return faults;
}

/**
 * What the store holds of a batch or workflow that only a cancel or a retry changes: the batch's
 * `batch.canceled` and `batch.retried` events (each logged by the request that cancels or
 * requeues), and whether the workflow is canceled.
 */
export async function snapshot(store: Store, target: NonNullable<Resolved['target']>): Promise<Snapshot> {
  const workflow = target.kind === 'workflow' ? await store.getWorkflow(target.id) : null;
  const batchId = workflow?.batchId ?? target.id;
  const events = (await store.listEvents(batchId, 0, 100_000)) ?? [];
  return {
    batchId,
    actions: events.filter((e) => e.type === 'batch.canceled' || e.type === 'batch.retried').length,
    canceled: workflow?.status === 'canceled',
  };
}

export interface Snapshot {
  batchId: string;
  actions: number;
  canceled: boolean;
}

/**
 * Whether the request changed what `before` and `after` show. A workflow may still end canceled
 * on its own when a cancel its owner sent earlier was pending (`cancelSent`: the ids of batches
 * and workflows a cancel was accepted for).
 */
export function changedByRequest(before: Snapshot, after: Snapshot, workflowId: string | null, cancelSent: Set<string>): boolean {
  if (after.actions !== before.actions) return true;
  const pending = cancelSent.has(before.batchId) || (workflowId !== null && cancelSent.has(workflowId));
  return !before.canceled && after.canceled && !pending;
}

/**
 * The key and tenant properties of one answer. `template` is the documented operation the
 * request landed on (null: none), `owner` the tenant of the batch or workflow its path names as is.
 */
export function accessFaults(o: {
  answer: Answer; request: Resolved; template: string | null; owner: string | null; openApi: OpenApi;
}): string[] {
  const { answer, request, template, owner } = o;
  const { identity } = request;
  const { method, url } = request.options;
  const status = answer.status;
  const faults: string[] = [];
  if (status === 401 && answer.headers['www-authenticate'] !== 'Bearer realm="clientflow"') {
    faults.push(`a 401 with WWW-Authenticate ${JSON.stringify(answer.headers['www-authenticate'])}`);
  }
  const problemType = status >= 400 ? problemSlug(answer) : null;
  if (status === 429 && problemType === 'rate-limited') faults.push(...rateLimitFaults(answer, identity));
  if (template === null || !template.startsWith('/v1/')) return faults;
  // A URL that does not decode, or an id too long to route, is refused before any key is looked at
  // (a HEAD answer has no body to say so: its URL does).
  if (problemType !== null ? PRE_ROUTING.has(problemType) : status === 400 && unroutable(url)) return faults;
  const op = `${method === 'HEAD' ? 'GET' : method} ${template}`;

  if (identity === 'refused') {
    if (status !== 401) faults.push(`${status}, not 401, to a request without a valid key`);
    return faults;
  }
  if (status === 401) faults.push('a 401 to a valid key');
  if (!identity.admin) {
    if (ADMIN_ONLY.has(op) && status !== 403 && !BEFORE_OWNERSHIP.has(status)) faults.push(`${status}, not 403, to a tenant key on an admin route`);
    if (owner !== null && owner !== identity.tenant && status !== 404 && !BEFORE_OWNERSHIP.has(status)) {
      faults.push(`${status}, not 404, to tenant ${identity.tenant} acting on tenant ${owner}'s ${request.target!.kind}`);
    }
    // The 404 says what it says of an id nobody has: nothing tells the batch exists.
    const missing = `no ${request.target?.kind} with id ${request.target?.id}`;
    if (owner !== null && owner !== identity.tenant && status === 404 && method !== 'HEAD' && (JSON.parse(answer.body) as { detail?: unknown }).detail !== missing) {
      faults.push(`another tenant's ${request.target!.kind} is a 404 unlike a missing one's`);
    }
    if (op === 'GET /v1/tenants/{id}' && status === 200 && method === 'GET') {
      const id = (JSON.parse(answer.body) as { id: string }).id;
      if (id !== identity.tenant) faults.push(`tenant ${identity.tenant} read tenant ${id}`);
    }
  }
  if (owner !== null && (identity.admin || owner === identity.tenant) && status === 404) {
    faults.push(`a 404 for a ${request.target!.kind} its reader may see`);
  }
  if (op === 'GET /v1/batches' && status === 200 && method === 'GET') {
    const named = new URLSearchParams(url.split('?')[1] ?? '').getAll('tenant');
    const only = identity.admin ? (named.length === 1 ? named[0]! : null) : identity.tenant;
    const items = (JSON.parse(answer.body) as { items: Array<{ tenant: string }> }).items;
    const strangers = only === null ? [] : items.filter((b) => b.tenant !== only).map((b) => b.tenant);
    if (strangers.length > 0) faults.push(`a listing for ${only} holds batches of ${[...new Set(strangers)].join(', ')}`);
  }
  if (op === 'GET /v1/me' && status === 200 && method === 'GET') {
    const me = JSON.parse(answer.body) as Identity;
    if (JSON.stringify(me) !== JSON.stringify(identity)) faults.push(`/v1/me says ${answer.body}, the key is ${JSON.stringify(identity)}`);
  }
  return faults;
}

/** Whether the router refuses the path: a segment that does not decode, or one past its parameter length (100). */
function unroutable(url: string): boolean {
  return url.split('?')[0]!.split('/').some((segment) => {
    try {
      return [...decodeURIComponent(segment)].length > 100;
    } catch {
      return true;
    }
  });
}

function problemSlug(answer: Answer): string | null {
  try {
    const type = (JSON.parse(answer.body) as { type?: unknown }).type;
    return typeof type === 'string' ? type.split('/').at(-1)! : null;
  } catch {
    return null;
  }
}

function rateLimitFaults(answer: Answer, identity: Identity): string[] {
  const faults: string[] = [];
  for (const name of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']) {
    if (answer.headers[name] === undefined) faults.push(`a rate-limit 429 without ${name}`);
  }
  if (Number(answer.headers['retry-after']) <= 0) faults.push(`Retry-After ${String(answer.headers['retry-after'])} is no wait`);
  if (answer.headers['ratelimit-limit'] !== undefined && Number(answer.headers['ratelimit-limit']) !== SLOW_RATE) {
    faults.push(`RateLimit-Limit ${String(answer.headers['ratelimit-limit'])}, the quota is ${SLOW_RATE}`);
  }
  if (identity === 'refused' || identity.tenant !== 'slow') faults.push(`rate-limited ${JSON.stringify(identity)}, whose quota no run reaches`);
  return faults;
}
