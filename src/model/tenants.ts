/**
 * Tenants, their API keys and their quotas: the words every layer shares. A tenant owns its
 * batches (and through them workflows, events, results, idempotency keys); a key acts for one
 * tenant, and an admin key may also read and act on every tenant's data and manage keys and quotas.
 */

/** What a tenant id looks like: short, lower case, safe in a URL, a log line and a metric label. */
export const TENANT_PATTERN = '^[a-z0-9][a-z0-9_-]{0,62}$';
export const TENANT_RE = new RegExp(TENANT_PATTERN);

/** The tenant of every batch written before tenants existed, and of every request when AUTH=off. */
export const DEFAULT_TENANT = 'default';

/** Who a request acts for, once its key is checked. */
export interface Principal {
  tenant: string;
  /** Reads and acts on every tenant's data; manages keys and quotas. */
  admin: boolean;
  /** The key's public id (rate limits and logs); null when AUTH=off. */
  keyId: string | null;
}

/**
 * A tenant's limits. Every field is optional: an unset one takes the server's default (config.ts,
 * TENANT_* variables). Bounds on batch options are upper bounds on what a batch may ask for.
 */
export interface Quotas {
  /** Most workflows of the tenant waiting in the queue; a POST past it gets 429. */
  maxQueued?: number;
  /** Most workflows of the tenant leased at once across every replica (null: no cap). */
  maxRunning?: number | null;
  /** The range of `priority` the tenant may ask for. */
  priorityMin?: number;
  priorityMax?: number;
  /** Most attempts per stage a batch may ask for (`retry.maxAttempts`). */
  maxAttempts?: number;
  /** Longest stage timeout (`timeouts.*Ms`) and retry backoff (`retry.baseMs`, `retry.maxMs`) a batch may ask for, ms. */
  maxTimeoutMs?: number;
  /** Longest simulated stage delay (`simulation.*Ms`) a batch may ask for, ms. */
  maxDelayMs?: number;
  /**
   * Longest simulated CPU work (`simulation.processCpuMs`) a batch may ask for, ms: CPU is shared
   * by every tenant (inline it blocks the event loop), so the default grants none.
   */
  maxCpuMs?: number;
  /** Workflows the tenant stores, whatever their status, until retention purges them; a POST past it gets 507. */
  maxStored?: number;
  /** Event streams, long-polls and exports the tenant may hold open at once, per process. */
  maxStreams?: number;
  /** Requests per minute per key. */
  ratePerMinute?: number;
  /**
   * Flow keys and CRM keys the tenant may name beyond its own (`<tenant>` and `<tenant>:…`), granted
   * by an admin: a shared key such as `crm:acme` is granted to each tenant that may use its room
   * and its CRM identity.
   */
  flowKeys?: string[];
  /** Most schedules of the tenant. */
  maxSchedules?: number;
  /** Shortest time between two ticks of one of its schedules, ms. */
  minScheduleIntervalMs?: number;
  /** Most client ids the batch of one schedule tick may hold. */
  maxScheduleBatch?: number;
  /**
   * Days the tenant's finished batches are kept before retention deletes them (engine/retention.ts);
   * 0 keeps them forever, whatever the server's RETENTION_DAYS.
   */
  retentionDays?: number;
}

/**
 * Whether `tenant` may name `key` as a batch's flowKey or crmKey: its own (`<tenant>`, `<tenant>:…`)
 * or one an admin granted it. Another tenant's key would take that tenant's room and speak to the
 * CRM as that tenant.
 */
export function mayUseKey(tenant: string, key: string, granted: readonly string[]): boolean {
  return key === tenant || key.startsWith(`${tenant}:`) || granted.includes(key);
}

export type ResolvedQuotas = Required<Quotas>;

export interface Tenant {
  id: string;
  quotas: Quotas;
  createdAt: string;
}

/** An API key as stored: the secret itself is never kept, only its SHA-256. */
export interface ApiKeyRecord {
  /** Public part of the key (`cf_<id>_<secret>`): how it is looked up, shown in lists and logs. */
  id: string;
  tenant: string;
  admin: boolean;
  /** Hex SHA-256 of the whole key string. */
  hash: string;
  label: string | null;
  createdAt: number;
  revokedAt: number | null;
}
