import type { Config } from '../config.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

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
