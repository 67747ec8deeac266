/**
 * The servers the peers need (Redis for BullMQ, PostgreSQL for pg-boss and graphile-worker), on
 * 127.0.0.1 only: is one answering, a throwaway database per run, removing what a run left, and
 * what CPU the server itself spent (the peers' storage runs there, clientflow's in its own process).
 */
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';

/** The default ports, or BENCH_REDIS_PORT / BENCH_PG_PORT (always on 127.0.0.1). */
const port = (name: string, fallback: number) => Number(process.env[name] || fallback);
export const REDIS = { host: '127.0.0.1', port: port('BENCH_REDIS_PORT', 6379) } as const;
export const PG = { host: '127.0.0.1', port: port('BENCH_PG_PORT', 5432) } as const;

/** True when something accepts a TCP connection on 127.0.0.1:`port` within `timeoutMs`. */
export function answers(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// ---------------------------------------------------------------- PostgreSQL

/**
 * The role to connect as. Trust auth on 127.0.0.1; the usual names differ between installs
 * (`postgres` from the package, `root` made for a root shell), so the first that connects wins.
 */
export async function pgUser(): Promise<string> {
  const pg = (await import('pg')).default;
  const errors: string[] = [];
  for (const user of ['postgres', 'root']) {
    const client = new pg.Client({ ...PG, user, database: 'postgres', connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      return user;
    } catch (e) {
      errors.push(`${user}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`PostgreSQL on 127.0.0.1:${PG.port} accepts no role tried (${errors.join('; ')})`);
}

export function pgUrl(user: string, database: string): string {
  return `postgres://${encodeURIComponent(user)}@${PG.host}:${PG.port}/${database}`;
}

/** Runs `sql` on the `postgres` database (CREATE/DROP DATABASE cannot run inside the one they name). */
async function admin<T>(user: string, run: (client: import('pg').Client) => Promise<T>): Promise<T> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ ...PG, user, database: 'postgres', connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Database names are made here from a fixed prefix, a pid and a word: never from input. */
const SAFE_NAME = /^[a-z0-9_]+$/;

export async function createDatabase(user: string, name: string): Promise<void> {
  if (!SAFE_NAME.test(name)) throw new Error(`unsafe database name ${name}`);
  await admin(user, (c) => c.query(`CREATE DATABASE ${name}`));
}

/**
 * Drops every database whose name starts with `prefix` (one run's throwaway databases).
 * WITH (FORCE) ends connections a killed child may have left half-open.
 */
export async function dropDatabases(user: string, prefix: string): Promise<string[]> {
  if (!SAFE_NAME.test(prefix)) throw new Error(`unsafe database prefix ${prefix}`);
  return admin(user, async (c) => {
    const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    return rows.map((r) => r.datname);
  });
}

/** What PostgreSQL counted for a database (pg_stat_database): commits, rollbacks, deadlocks. */
export interface DatabaseStats {
  commits: number;
  rollbacks: number;
  deadlocks: number;
}

/**
 * `name`'s counters, read from another database. A backend reports its counts when it exits (or
 * about once a second while busy): read them after the database's clients have disconnected.
 */
export async function databaseStats(user: string, name: string): Promise<DatabaseStats | null> {
  return admin(user, async (c) => {
    const { rows } = await c.query<{ commits: string; rollbacks: string; deadlocks: string }>(
      'SELECT xact_commit AS commits, xact_rollback AS rollbacks, deadlocks FROM pg_stat_database WHERE datname = $1', [name]);
    const r = rows[0];
    return r ? { commits: Number(r.commits), rollbacks: Number(r.rollbacks), deadlocks: Number(r.deadlocks) } : null;
  });
}

/** CPU ticks (user + system) of the backends serving `database` now, by pid. */
export async function pgBackendTicks(client: import('pg').Client, database: string): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  const ticks = new Map<number, number>();
  for (const { pid } of rows) {
    const t = procTicks(pid);
    if (t !== null) ticks.set(pid, t);
  }
  return ticks;
}

/**
 * CPU µs the database's backends spent between two samples. A backend that connected in between
 * counts from zero; one that disconnected in between is lost (the pools here keep theirs open).
 * The shared WAL writer and checkpointer are not counted: other databases share them.
 */
export function pgCpuUs(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return (ticks * 1e6) / CLOCK_TICKS;
}

/** USER_HZ: 100 on every Linux build this runs on (`getconf CLK_TCK`). */
const CLOCK_TICKS = 100;

/** CPU µs (user + system) a process has used since it started, from /proc (Linux); null where there is none. */
export function processCpuUs(pid: number): number | null {
  const t = procTicks(pid);
  return t === null ? null : (t * 1e6) / CLOCK_TICKS;
}

/** utime + stime of a process from /proc (Linux); null where there is none. */
function procTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- Redis

/** Deletes every key under `prefix:` (one run's BullMQ queues). SCAN, never KEYS: the server stays responsive. */
export async function deleteRedisKeys(prefix: string): Promise<number> {
  const { Redis } = await import('ioredis');
  const redis = new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000 });
  try {
    await redis.connect();
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/** What a write survives on this Redis, from its config: RDB snapshots (`save`) and the AOF. */
export async function redisDurability(redis: import('ioredis').Redis): Promise<string> {
  try {
    const [, save] = (await redis.config('GET', 'save')) as string[];
    const [, aof] = (await redis.config('GET', 'appendonly')) as string[];
    const [, fsync] = (await redis.config('GET', 'appendfsync')) as string[];
    if (aof === 'yes') return `Redis AOF, appendfsync ${fsync}`;
    return save ? `Redis RDB snapshots only (save "${save}"), no AOF` : 'Redis saves nothing to disk (save "", appendonly no)';
  } catch (e) {
    return `Redis persistence unknown (CONFIG GET: ${e instanceof Error ? e.message : String(e)})`;
  }
}

/** CPU µs the whole Redis server has used since it started (INFO cpu). */
export async function redisCpuUs(redis: import('ioredis').Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1e6;
}
