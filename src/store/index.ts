import type { Config } from '../config.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { StoreInUseError, type Store, type Tenancy } from './store.js';
import { openTenantTable } from './sqlite/tenants.js';

export type { Store } from './store.js';

/** Opens the store the configuration names: PostgreSQL with DATABASE_URL, else the embedded SQLite file. */
export async function openStore(config: Pick<Config, 'DB_PATH' | 'DB_SYNC' | 'DATABASE_URL' | 'DB_SCHEMA' | 'DB_POOL_SIZE' | 'LEASE_MS' | 'TENANT_MAX_RUNNING'>): Promise<Store> {
  const tenantMaxRunning = defaultTenantCap(config);
  if (config.DATABASE_URL) {
    return PostgresStore.open({
      url: config.DATABASE_URL, schema: config.DB_SCHEMA, poolSize: config.DB_POOL_SIZE,
      // A frozen replica's locks go well before the leases it holds would be taken over.
      idleInTransactionMs: Math.max(1_000, config.LEASE_MS / 3),
      tenantMaxRunning,
    });
  }
  return new SqliteStore({ path: config.DB_PATH, sync: config.DB_SYNC, tenantMaxRunning });
}

/** A tenant's running cap when its quotas set none, from TENANT_MAX_RUNNING (0: no cap): null, no cap. */
export function defaultTenantCap(config: Pick<Config, 'TENANT_MAX_RUNNING'>): number | null {
  return config.TENANT_MAX_RUNNING === 0 ? null : config.TENANT_MAX_RUNNING;
}

/**
 * Tenants and keys of the configured store, for the CLI, whether or not a server runs on it: the
 * whole store when this process may open it, else (a server holds the SQLite file) just the
 * tenant tables over a connection of their own.
 */
export async function openTenancy(config: Parameters<typeof openStore>[0]): Promise<Tenancy & { close(): Promise<void> }> {
  try {
    return await openStore(config);
  } catch (error) {
    if (!(error instanceof StoreInUseError)) throw error;
  }
  const { table, close } = openTenantTable(config.DB_PATH);
  return {
    createKey: async (record) => table.createKey(record),
    findKey: async (id) => table.findKey(id),
    listKeys: async (tenant) => table.listKeys(tenant),
    revokeKey: async (id, now) => table.revokeKey(id, now),
    getTenant: async (id) => table.getTenant(id),
    listTenants: async () => table.listTenants(),
    putTenant: async (id, quotas, now) => table.putTenant(id, quotas, now),
    countRequests: async (key, now, n, windowMs) => table.countRequests(key, now, n, windowMs),
    close: async () => close(),
  };
}
