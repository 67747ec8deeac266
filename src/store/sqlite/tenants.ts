/**
 * Tenants and API keys in the SQLite file. Small and synchronous: the store calls it inside its
 * connection, and the CLI (`clientflow keys …`) on a connection of its own while the server runs
 * (a key written there is seen by the server's next lookup).
 */
import Database, { type Database as DB, type Statement } from 'better-sqlite3';
import type { ApiKeyRecord, Quotas, Tenant } from '../../model/tenants.js';
import { keyOf, tenantOf, type ApiKeyRow, type TenantRow } from '../tenant-rows.js';

export class TenantTable {
  readonly #ensureTenant: Statement;
  readonly #putTenant: Statement;
  readonly #tenant: Statement;
  readonly #tenants: Statement;
  readonly #insertKey: Statement;
  readonly #key: Statement;
  readonly #keys: Statement;
  readonly #keysOf: Statement;
  readonly #revoke: Statement;
  readonly #countRequests: Statement<[{ key: string; now: number; n: number; windowMs: number }], { count: number; started_at: number }>;

  constructor(db: DB) {
    // Request counts live in a TEMP table: this connection's own, in memory, never in the file or
    // its WAL (one process owns the file, so its count is every request's). The server itself
    // counts in the rate-limit plugin's memory (http/rate-limit.ts); this keeps the port whole for
    // the contract suite and the CLI's tenancy.
    db.exec('CREATE TEMP TABLE IF NOT EXISTS request_counts (key TEXT PRIMARY KEY, started_at INTEGER NOT NULL, count INTEGER NOT NULL)');
    this.#countRequests = db.prepare(`INSERT INTO temp.request_counts AS r (key, started_at, count) VALUES (@key, @now, @n)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN excluded.started_at >= r.started_at + @windowMs THEN excluded.count ELSE r.count + excluded.count END,
        started_at = CASE WHEN excluded.started_at >= r.started_at + @windowMs THEN excluded.started_at ELSE r.started_at END
      RETURNING count, started_at`);
    this.#ensureTenant = db.prepare('INSERT INTO tenants (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING');
    this.#putTenant = db.prepare(`INSERT INTO tenants (id, quotas, created_at) VALUES (?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET quotas = excluded.quotas RETURNING *`);
    this.#tenant = db.prepare('SELECT * FROM tenants WHERE id = ?');
    this.#tenants = db.prepare('SELECT * FROM tenants ORDER BY id');
    this.#insertKey = db.prepare(`INSERT INTO api_keys (id, tenant, admin, hash, label, created_at, revoked_at)
      VALUES (@id, @tenant, @admin, @hash, @label, @createdAt, @revokedAt)`);
    this.#key = db.prepare('SELECT * FROM api_keys WHERE id = ?');
    this.#keys = db.prepare('SELECT * FROM api_keys ORDER BY created_at, id');
    this.#keysOf = db.prepare('SELECT * FROM api_keys WHERE tenant = ? ORDER BY created_at, id');
    this.#revoke = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  }

  countRequests(key: string, now: number, n: number, windowMs: number): { count: number; startedAt: number } {
    const row = this.#countRequests.get({ key, now, n, windowMs })!;
    return { count: row.count, startedAt: row.started_at };
  }

  createKey(record: ApiKeyRecord): void {
    this.#ensureTenant.run(record.tenant, record.createdAt);
    this.#insertKey.run({ ...record, admin: record.admin ? 1 : 0 });
  }

  findKey(id: string): ApiKeyRecord | null {
    const row = this.#key.get(id) as ApiKeyRow | undefined;
    return row ? keyOf(row) : null;
  }

  listKeys(tenant?: string): ApiKeyRecord[] {
    return ((tenant === undefined ? this.#keys.all() : this.#keysOf.all(tenant)) as ApiKeyRow[]).map(keyOf);
  }

  revokeKey(id: string, now: number): boolean {
    return this.#revoke.run(now, id).changes > 0;
  }

  getTenant(id: string): Tenant | null {
    const row = this.#tenant.get(id) as TenantRow | undefined;
    return row ? tenantOf(row) : null;
  }

  listTenants(): Tenant[] {
    return (this.#tenants.all() as TenantRow[]).map(tenantOf);
  }

  putTenant(id: string, quotas: Quotas, now: number): Tenant {
    return tenantOf(this.#putTenant.get(id, JSON.stringify(quotas), now) as TenantRow);
  }
}

/**
 * The tenant tables of a SQLite file another process (the server) holds, for the CLI: a plain
 * connection that waits its turn for the write lock. The server migrated the file when it opened it.
 */
export function openTenantTable(path: string): { table: TenantTable; close(): void } {
  const db = new Database(path, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const tables = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('tenants', 'api_keys')").pluck().get() as number;
  if (tables !== 2) {
    db.close();
    throw new Error(`the database at ${path} has no tenant tables yet: the server running on it is older than this command`);
  }
  return { table: new TenantTable(db), close: () => db.close() };
}
