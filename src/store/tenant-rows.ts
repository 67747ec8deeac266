/** Rows of `tenants` and `api_keys` as both backends read them. */
import type { ApiKeyRecord, Quotas, Tenant } from '../model/tenants.js';

export interface TenantRow {
  id: string;
  quotas: string;
  created_at: number | string;
}

export interface ApiKeyRow {
  id: string;
  tenant: string;
  admin: number | boolean;
  hash: string;
  label: string | null;
  created_at: number | string;
  revoked_at: number | string | null;
}

export function tenantOf(row: TenantRow): Tenant {
  return { id: row.id, quotas: JSON.parse(row.quotas) as Quotas, createdAt: new Date(Number(row.created_at)).toISOString() };
}

export function keyOf(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id, tenant: row.tenant, admin: row.admin === true || row.admin === 1, hash: row.hash, label: row.label,
    createdAt: Number(row.created_at), revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}
