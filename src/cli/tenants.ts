/**
 * `clientflow keys …` and `clientflow tenants …`: API keys and quotas straight in the configured
 * store, with or without a server running on it (store/index.ts openTenancy). How the first admin
 * key is made; after that, admin keys can do the same over HTTP (/v1/keys, /v1/tenants).
 */
import Value from 'typebox/value';
import { loadConfig } from '../config.js';
import { NewKeyFields, QuotasFields } from '../http/schemas.js';
import { mintKey } from '../model/api-keys.js';
import { TENANT_RE, type ApiKeyRecord, type Quotas } from '../model/tenants.js';
import { openTenancy } from '../store/index.js';
import type { Tenancy } from '../store/store.js';
import type { CommandInput } from './commands.js';

/** `tenants set` options → quota fields (integers; `none` for maxRunning: no cap). */
export const QUOTA_OPTIONS = {
  'max-queued': 'maxQueued',
  'max-running': 'maxRunning',
  'priority-min': 'priorityMin',
  'priority-max': 'priorityMax',
  'max-attempts': 'maxAttempts',
  'max-timeout-ms': 'maxTimeoutMs',
  'max-delay-ms': 'maxDelayMs',
  'max-cpu-ms': 'maxCpuMs',
  'max-streams': 'maxStreams',
  'max-stored': 'maxStored',
  'rate-per-minute': 'ratePerMinute',
  'max-schedules': 'maxSchedules',
  'min-schedule-interval-ms': 'minScheduleIntervalMs',
  'max-schedule-batch': 'maxScheduleBatch',
  'retention-days': 'retentionDays',
} as const satisfies Record<string, keyof Quotas>;

async function withTenancy<T>(env: CommandInput['env'], work: (store: Tenancy) => Promise<T>): Promise<T> {
  const store = await openTenancy(loadConfig(env));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

function tenantId(value: unknown, what = '--tenant'): string {
  if (typeof value !== 'string' || !TENANT_RE.test(value)) {
    throw new Error(`${what} must be a tenant id: lower-case letters, digits, - and _, up to 63 (got ${JSON.stringify(value ?? null)})`);
  }
  return value;
}

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

export async function createKey({ options, env, out }: CommandInput): Promise<number> {
  const tenant = tenantId(options.tenant);
  const label = typeof options.label === 'string' ? options.label : undefined;
  // The same rules as POST /v1/keys (a label PostgreSQL can store, of a sane length).
  const error = Value.Errors(NewKeyFields, { tenant, label })[0];
  if (error) throw new Error(`--${error.instancePath.replace(/^\//, '')} ${error.message}`);
  const { id, key, hash } = mintKey();
  const record: ApiKeyRecord = {
    id, hash, tenant, admin: options.admin === true, label: label ?? null, createdAt: Date.now(), revokedAt: null,
  };
  await withTenancy(env, (store) => store.createKey(record));
  out.write(`created ${record.admin ? 'admin ' : ''}key ${id} for tenant ${tenant}; it is shown only now (only its hash is stored):\n${key}\n`);
  return 0;
}

export async function listKeys({ options, env, out }: CommandInput): Promise<number> {
  const tenant = options.tenant === undefined ? undefined : tenantId(options.tenant);
  const keys = await withTenancy(env, (store) => store.listKeys(tenant));
  out.write(table(['id', 'tenant', 'admin', 'label', 'created', 'revoked'],
    keys.map((k) => [k.id, k.tenant, k.admin ? 'yes' : 'no', k.label ?? '-', iso(k.createdAt), iso(k.revokedAt)])));
  return 0;
}

export async function revokeKey({ args, env, out }: CommandInput): Promise<number> {
  const id = args[0]!;
  const revoked = await withTenancy(env, (store) => store.revokeKey(id, Date.now()));
  if (!revoked) throw new Error(`no key ${id} that is not revoked already`);
  // A server trusts a key it has read for 10 s (http/auth.ts KEY_CACHE_MS) and hears nothing from
  // this process, so even one on this machine's store may accept a key it used just now until then.
  out.write(`revoked key ${id}: every server refuses it within 10 s (a server trusts a key it has read for that long)\n`);
  return 0;
}

export async function listTenants({ env, out }: CommandInput): Promise<number> {
  const tenants = await withTenancy(env, (store) => store.listTenants());
  out.write(table(['tenant', 'quotas (unset: the server defaults)', 'created'],
    tenants.map((t) => [t.id, JSON.stringify(t.quotas), t.createdAt])));
  return 0;
}

export async function setTenant({ args, options, env, out }: CommandInput): Promise<number> {
  const id = tenantId(args[0], 'the tenant');
  const given: Record<string, number | null | string[]> = {};
  // Shared keys granted beyond the tenant's own: a comma list, or none.
  const keys = options['flow-keys'];
  if (typeof keys === 'string') given.flowKeys = keys === 'none' ? [] : keys.split(',').map((k) => k.trim()).filter(Boolean);
  for (const [option, field] of Object.entries(QUOTA_OPTIONS)) {
    const raw = options[option];
    if (raw === undefined) continue;
    if (field === 'maxRunning' && raw === 'none') given[field] = null;
    else if (typeof raw === 'string' && /^-?\d+$/.test(raw)) given[field] = Number(raw);
    else throw new Error(`--${option} must be an integer${field === 'maxRunning' ? ' or none' : ''} (got ${JSON.stringify(raw)})`);
  }
  const tenant = await withTenancy(env, async (store) => {
    const quotas = { ...(options.reset === true ? {} : (await store.getTenant(id))?.quotas), ...given };
    const error = Value.Errors(QuotasFields, quotas)[0];
    if (error) throw new Error(`quota ${error.instancePath.replace(/^\//, '') || '(all)'} ${error.message}`);
    if (quotas.priorityMin !== undefined && quotas.priorityMax !== undefined && quotas.priorityMin > quotas.priorityMax) {
      throw new Error(`quota priorityMin (${quotas.priorityMin}) must not be above priorityMax (${quotas.priorityMax})`);
    }
    return store.putTenant(id, quotas as Quotas, Date.now());
  });
  out.write(`tenant ${tenant.id} quotas: ${JSON.stringify(tenant.quotas)} (every replica applies them within 10 s)\n`);
  return 0;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}
