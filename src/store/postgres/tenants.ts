/** Tenants and API keys on PostgreSQL: plain statements on the pool, off the hot path. */
import type { ApiKeyRecord, Quotas, Tenant } from '../../model/tenants.js';
import { keyOf, tenantOf, type ApiKeyRow, type TenantRow } from '../tenant-rows.js';
import type { Queryable } from './database.js';

export async function createKey(db: Queryable, record: ApiKeyRecord): Promise<void> {
  await db.query(`WITH tenant AS (INSERT INTO tenants (id, created_at) VALUES ($2, $6) ON CONFLICT (id) DO NOTHING)
    INSERT INTO api_keys (id, tenant, admin, hash, label, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  [record.id, record.tenant, record.admin, record.hash, record.label, record.createdAt, record.revokedAt]);
}

export async function findKey(db: Queryable, id: string): Promise<ApiKeyRecord | null> {
  const { rows } = await db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
  return rows[0] ? keyOf(rows[0]) : null;
}

export async function listKeys(db: Queryable, tenant?: string): Promise<ApiKeyRecord[]> {
  const { rows } = tenant === undefined
    ? await db.query<ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at, id')
    : await db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE tenant = $1 ORDER BY created_at, id', [tenant]);
  return rows.map(keyOf);
}

export async function revokeKey(db: Queryable, id: string, now: number): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [now, id]);
  return (rowCount ?? 0) > 0;
}

export async function getTenant(db: Queryable, id: string): Promise<Tenant | null> {
  const { rows } = await db.query<TenantRow>('SELECT * FROM tenants WHERE id = $1', [id]);
  return rows[0] ? tenantOf(rows[0]) : null;
}

export async function listTenants(db: Queryable): Promise<Tenant[]> {
  const { rows } = await db.query<TenantRow>('SELECT * FROM tenants ORDER BY id');
  return rows.map(tenantOf);
}

export async function putTenant(db: Queryable, id: string, quotas: Quotas, now: number): Promise<Tenant> {
  const { rows } = await db.query<TenantRow>(`INSERT INTO tenants (id, quotas, created_at) VALUES ($1, $2, $3)
    ON CONFLICT (id) DO UPDATE SET quotas = excluded.quotas RETURNING *`, [id, JSON.stringify(quotas), now]);
  return tenantOf(rows[0]!);
}

export async function countRequests(db: Queryable, key: string, now: number, n: number, windowMs: number): Promise<{ count: number; startedAt: number }> {
  const { rows } = await db.query<{ count: string; started_at: string }>(`INSERT INTO request_counts AS r (key, started_at, count) VALUES ($1, $2, $3)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN excluded.started_at >= r.started_at + $4 THEN excluded.count ELSE r.count + excluded.count END,
      started_at = CASE WHEN excluded.started_at >= r.started_at + $4 THEN excluded.started_at ELSE r.started_at END
    RETURNING count, started_at`, [key, now, n, windowMs]);
  return { count: Number(rows[0]!.count), startedAt: Number(rows[0]!.started_at) };
}
