/**
 * Per-tenant quotas: a tenant's own values (store, `PUT /v1/tenants/{id}`, `clientflow tenants
 * set`) over the server's defaults (TENANT_* variables), and the checks a batch must pass before
 * it is admitted. An admin key is the operator: its batches are bound by none of these.
 */
import type { Config } from '../config.js';
import type { Quotas, ResolvedQuotas } from '../model/tenants.js';
import { mayUseKey, type Principal } from '../model/tenants.js';
import type { Tenancy } from '../store/store.js';
import type { Watcher } from './watchers.js';
import type { Static } from 'typebox';
import { HttpError, type FieldError } from './problem.js';
import type { createBatchBody } from './schemas.js';

/** How long a tenant's quotas read from the store are used before being read again, ms. */
export const QUOTA_CACHE_MS = 10_000;

export function defaultQuotas(config: Config): ResolvedQuotas {
  return {
    maxQueued: config.TENANT_MAX_QUEUED,
    maxRunning: config.TENANT_MAX_RUNNING === 0 ? null : config.TENANT_MAX_RUNNING,
    priorityMin: config.TENANT_PRIORITY_MIN,
    priorityMax: config.TENANT_PRIORITY_MAX,
    maxAttempts: config.TENANT_MAX_ATTEMPTS,
    maxTimeoutMs: config.TENANT_MAX_TIMEOUT_MS,
    maxDelayMs: config.TENANT_MAX_DELAY_MS,
    maxCpuMs: config.TENANT_MAX_CPU_MS,
    maxStreams: config.TENANT_MAX_STREAMS,
    maxStored: config.TENANT_MAX_STORED,
    ratePerMinute: config.RATE_LIMIT_PER_MINUTE,
    flowKeys: [],
    maxSchedules: config.TENANT_MAX_SCHEDULES,
    minScheduleIntervalMs: config.TENANT_MIN_SCHEDULE_INTERVAL_MS,
    maxScheduleBatch: config.TENANT_MAX_SCHEDULE_BATCH,
    retentionDays: config.RETENTION_DAYS,
  };
}

/** Tenants' quotas, read from the store at most once per QUOTA_CACHE_MS each. */
export class QuotaBook {
  readonly #store: Pick<Tenancy, 'getTenant'>;
  readonly #defaults: ResolvedQuotas;
  readonly #entries = new Map<string, { quotas: Promise<ResolvedQuotas>; until: number }>();

  constructor(store: Pick<Tenancy, 'getTenant'>, defaults: ResolvedQuotas) {
    this.#store = store;
    this.#defaults = defaults;
  }

  of(tenant: string, now = Date.now()): Promise<ResolvedQuotas> {
    const hit = this.#entries.get(tenant);
    if (hit && hit.until > now) return hit.quotas;
    if (this.#entries.size >= 10_000) this.#entries.clear();
    const quotas = this.#store.getTenant(tenant).then((t) => resolve(this.#defaults, t?.quotas ?? {}));
    // A failed read is not remembered.
    quotas.catch(() => this.#entries.delete(tenant));
    this.#entries.set(tenant, { quotas, until: now + QUOTA_CACHE_MS });
    return quotas;
  }

  /** Quotas just changed here: read them again next time. */
  forget(tenant: string): void {
    this.#entries.delete(tenant);
  }
}

function resolve(defaults: ResolvedQuotas, own: Quotas): ResolvedQuotas {
  const set = Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined));
  return { ...defaults, ...set } as ResolvedQuotas;
}

type BatchBody = Static<ReturnType<typeof createBatchBody>>;

/**
 * Throws a 403 naming every option of `body` past the tenant's bounds (`quotas`; null for an
 * admin), or `simulation` when the server does not allow it; nothing is admitted then.
 */
export function checkBatchOptions(body: BatchBody, quotas: ResolvedQuotas | null, allowSimulation: boolean, tenant: string, at = '/body'): void {
  const errors: FieldError[] = [];
  if (body.simulation !== undefined && !allowSimulation) {
    errors.push({ path: `${at}/simulation`, message: 'is not allowed on this server (ALLOW_SIMULATION is off)' });
  }
  if (quotas !== null) boundsOf(body, quotas, tenant, errors, at);
  if (errors.length > 0) {
    throw new HttpError(403, 'quota-exceeded', `this batch asks for more than its tenant may: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}; nothing was accepted`, errors);
  }
}

function boundsOf(body: BatchBody, quotas: ResolvedQuotas, tenant: string, errors: FieldError[], at: string): void {
  const atMost = (path: string, value: number | undefined, max: number, what: string) => {
    if (value !== undefined && value > max) errors.push({ path, message: `must be at most ${max} (${what} of this tenant)` });
  };
  const priority = body.priority ?? 0;
  if (priority < quotas.priorityMin || priority > quotas.priorityMax) {
    errors.push({ path: `${at}/priority`, message: `must be from ${quotas.priorityMin} to ${quotas.priorityMax} (the priority range of this tenant)` });
  }
  atMost(`${at}/retry/maxAttempts`, body.retry?.maxAttempts, quotas.maxAttempts, 'the most attempts');
  for (const field of ['baseMs', 'maxMs'] as const) {
    atMost(`${at}/retry/${field}`, body.retry?.[field], quotas.maxTimeoutMs, 'the longest backoff');
  }
  for (const field of ['fetchMs', 'processMs', 'storeMs'] as const) {
    atMost(`${at}/timeouts/${field}`, body.timeouts?.[field], quotas.maxTimeoutMs, 'the longest timeout');
    atMost(`${at}/simulation/${field}`, body.simulation?.[field], quotas.maxDelayMs, 'the longest simulated delay');
  }
  for (const field of ['flowKey', 'crmKey'] as const) {
    const key = body[field];
    if (key !== undefined && !mayUseKey(tenant, key, quotas.flowKeys)) {
      errors.push({ path: `${at}/${field}`, message: `is not granted to tenant ${tenant} (its own are "${tenant}" and "${tenant}:…"; an admin grants others in its quota flowKeys)` });
    }
  }
  atMost(`${at}/simulation/processCpuMs`, body.simulation?.processCpuMs, Math.min(quotas.maxDelayMs, quotas.maxCpuMs), 'the longest simulated CPU work');
}

/** Who opens a stream, long-poll or export, with the tenant's `maxStreams` (none for an admin key, as for every quota). */
export async function watcherOf(principal: Principal, book: QuotaBook): Promise<Watcher> {
  const maxStreams = principal.admin ? null : (await book.of(principal.tenant)).maxStreams;
  return { tenant: principal.tenant, keyId: principal.keyId, maxStreams };
}
