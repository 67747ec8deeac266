/**
 * A schedule every 2 s for 30 s makes exactly one batch per tick, checked by the ticks' times:
 * on PostgreSQL with two replicas (real servers) and one of them killed with SIGKILL midway, and
 * on SQLite with its one process killed and started again on the same file. The test waits on
 * the servers' log lines ("schedule fired"), never on time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type ChildServer, type LogLine } from './child-server.js';
import { useTestDatabase } from './postgres/database.js';

const db = useTestDatabase();
const servers: ChildServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.child.kill('SIGKILL');
    await s.exited;
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const EVERY_MS = 2_000;
const SPAN_MS = 30_000;
const SETTINGS = { CONCURRENCY: '4', SCHEDULE_POLL_MS: '200', LEASE_MS: '3000' };

async function boot(env: Record<string, string>): Promise<ChildServer> {
  const server = await startServer({ ...SETTINGS, ...env });
  servers.push(server);
  return server;
}

async function api<T>(server: ChildServer, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method, ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true);
  return (await res.json()) as T;
}

/** Creates the schedule; returns its id and first tick. */
async function schedule(server: ChildServer): Promise<{ id: string; first: number }> {
  const created = await api<{ id: string; nextRuns: string[] }>(server, 'POST', '/v1/schedules', {
    everyMs: EVERY_MS, overlap: 'allow', catchUp: 'all', catchUpWindowMs: 600_000,
    batch: { clientIds: ['a', 'b', 'c'], label: 'tick {tick}', simulation: { fetchMs: 5, processMs: 5, storeMs: 5 } },
  });
  return { id: created.id, first: Date.parse(created.nextRuns[0]!) };
}

/** A "schedule fired" line of a tick at or after `at`. */
const firedFrom = (at: number) => (l: LogLine) => l.msg === 'schedule fired' && Date.parse(String(l.tickAt)) >= at;

/** Every batch's tick time (from its label), oldest first. */
async function tickTimes(server: ChildServer): Promise<number[]> {
  const page = await api<{ items: Array<{ label: string }> }>(server, 'GET', '/v1/batches?limit=1000');
  return page.items.map((b) => Date.parse(b.label.replace('tick ', ''))).sort((a, b) => a - b);
}

/** Exactly one batch per tick from the first to the last: no tick twice, none left out. */
function expectOncePerTick(ticks: number[], first: number): void {
  const last = ticks[ticks.length - 1]!;
  expect(last - first).toBeGreaterThanOrEqual(SPAN_MS);
  expect(ticks).toEqual(Array.from({ length: (last - first) / EVERY_MS + 1 }, (_, i) => first + i * EVERY_MS));
}

describe('a schedule every 2 s for 30 s, exactly one batch per tick', () => {
  it('on PostgreSQL with two replicas, one killed with SIGKILL midway', async () => {
    const env = { DATABASE_URL: db.url(), DB_SCHEMA: db.schema('schedules') };
    const a = await boot(env);
    const b = await boot(env);
    const { id, first } = await schedule(a);
    // Midway: as soon as either replica has fired the tick 14 s in.
    await Promise.race([a.waitForLog(firedFrom(first + 14_000)), b.waitForLog(firedFrom(first + 14_000))]);
    a.child.kill('SIGKILL');
    await a.exited;
    await b.waitForLog(firedFrom(first + SPAN_MS));
    await api(b, 'POST', `/v1/schedules/${id}/pause`);
    const ticks = await tickTimes(b);
    expectOncePerTick(ticks, first);
    // The tick records agree: one per batch, each naming its own.
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string; batches: string }>(
        `SELECT count(*) AS n, count(DISTINCT batch_id) AS batches FROM ${env.DB_SCHEMA}.schedule_ticks WHERE outcome = 'fired'`,
      );
      expect(rows[0]).toEqual({ n: String(ticks.length), batches: String(ticks.length) });
    } finally {
      await client.end();
    }
  }, 180_000);

  it('on SQLite with its process killed midway and started again on the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientflow-schedules-'));
    dirs.push(dir);
    const env = { DB_PATH: join(dir, 'clientflow.db') };
    const before = await boot(env);
    const { first } = await schedule(before);
    await before.waitForLog(firedFrom(first + 14_000));
    before.child.kill('SIGKILL');
    await before.exited;
    // The ticks that fell while it was down are caught up (catch-up all) as it starts again.
    const after = await boot(env);
    await after.waitForLog(firedFrom(first + SPAN_MS));
    const ticks = await tickTimes(after);
    expectOncePerTick(ticks, first);
    after.child.kill('SIGKILL');
    await after.exited;
    const file = new Database(env.DB_PATH, { readonly: true });
    try {
      expect(file.prepare("SELECT count(*) AS n, count(DISTINCT batch_id) AS batches FROM schedule_ticks WHERE outcome = 'fired'").get())
        .toEqual({ n: ticks.length, batches: ticks.length });
    } finally {
      file.close();
    }
  }, 180_000);
});
