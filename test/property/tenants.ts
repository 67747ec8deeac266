/**
 * The tenants of a run and the keys the suite holds, minted straight into the store (as
 * `clientflow keys create` does): tenant A (`alpha`) and B (`bravo`) with quotas wide enough that
 * every body the generators call valid is admitted and a rate limit no run reaches; an admin key
 * (tenant `ops`); a revoked key; and a key of tenant `slow`, whose quota is a few requests a
 * minute, so its answers are mostly 429s whose form the suite checks.
 *
 * Every batch a tenant creates carries its tenant's marker (`qxalphaq`…) in its label and in its
 * string client ids (request.ts puts it there), so a leak of its data shows in any answer — JSON,
 * SSE or SVG — even where no id of it appears.
 */
import { mintKey } from '../../src/model/api-keys.js';
import { DEFAULT_TENANT } from '../../src/model/tenants.js';
import type { TestService } from '../helpers.js';
import type { KeyRing, KeyRole, Principal } from './principal.js';

export type AuthMode = 'off' | 'required';

/** The tenant each key role acts for. */
export const TENANT_OF: Record<KeyRole, string> = { alpha: 'alpha', bravo: 'bravo', admin: 'ops', revoked: 'alpha', slow: 'slow' };
/** Requests a minute the `slow` tenant's keys may make. */
export const SLOW_RATE = 3;
/** Tenants whose quotas the run must not change: a generated PUT by an admin goes elsewhere (request.ts). */
export const SUITE_TENANTS = new Set(['alpha', 'bravo', 'ops', 'slow']);

/** Text only one tenant's batches carry: ASCII letters, so JSON, SSE and SVG keep it as is. */
export const markerOf = (tenant: string): string => `qx${tenant}q`;
/** Any tenant's marker in a text; the group is the tenant. */
export const MARKER_RE = /qx(alpha|bravo|ops|slow|default)q/g;

/** Who the service must take a principal for: a tenant (admin or not), or nobody it accepts (401). */
export type Identity = { tenant: string; admin: boolean; keyId: string | null } | 'refused';

export interface Tenancy {
  mode: AuthMode;
  ring: KeyRing;
  /** The public id of each key role. */
  keyIds: Record<KeyRole, string>;
}

/** Mints the keys and sets the quotas of the suite's tenants. */
export async function setUpTenants(service: TestService, mode: AuthMode): Promise<Tenancy> {
  const ring = {} as KeyRing;
  const keyIds = {} as Record<KeyRole, string>;
  const now = Date.now();
  for (const role of ['alpha', 'bravo', 'admin', 'revoked', 'slow'] as const) {
    const { id, key, hash } = mintKey();
    await service.store.createKey({ id, hash, tenant: TENANT_OF[role], admin: role === 'admin', label: `property ${role}`, createdAt: now, revokedAt: null });
    // A key is stored unrevoked whatever the record says: revoked as `clientflow keys revoke` does.
    if (role === 'revoked') await service.store.revokeKey(id, now);
    ring[role] = `Bearer ${key}`;
    keyIds[role] = id;
  }
  const wide = {
    maxQueued: 1_000_000_000, priorityMin: -1000, priorityMax: 1000, maxAttempts: 100, maxTimeoutMs: 86_400_000, maxDelayMs: 3_600_000, maxCpuMs: 3_600_000, maxStreams: 100_000, maxStored: 1_000_000_000_000,
    ratePerMinute: 10_000_000,
  };
  for (const tenant of ['alpha', 'bravo', 'ops']) await service.store.putTenant(tenant, wide, now);
  await service.store.putTenant('slow', { ...wide, ratePerMinute: SLOW_RATE }, now);
  return { mode, ring, keyIds };
}

/** Who the service must take `principal` for, in `mode`. */
export function identityOf(principal: Principal, tenancy: Tenancy): Identity {
  if (principal.kind === 'authorization') return 'refused';
  if (principal.kind === 'anonymous') return tenancy.mode === 'off' ? { tenant: DEFAULT_TENANT, admin: true, keyId: null } : 'refused';
  if (principal.role === 'revoked') return 'refused';
  return { tenant: TENANT_OF[principal.role], admin: principal.role === 'admin', keyId: tenancy.keyIds[principal.role] };
}
