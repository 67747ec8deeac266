/**
 * Builds the upgrade fixtures: a database written by an older release with work in flight, the
 * process killed mid-batch. Run it against a checkout of that release (its `npm ci` done):
 *
 *   OLD=/path/to/checkout-at-a94832e DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     npx tsx test/upgrade/make-fixtures.ts
 *
 * It writes test/upgrade/fixtures/<release>/ — `sqlite.db` and `postgres.sql`
 * (pg_dump --inserts) — each holding three batches: `done` (finished before the kill),
 * `in-flight` (some finished, some running, some retrying, some queued when killed) and `queued`
 * (none started). upgrade.test.ts starts today's code on them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import pg from 'pg';

const OLD = process.env.OLD;
if (!OLD) throw new Error('OLD names the checkout of the older release');
const release = spawnSync('git', ['-C', OLD, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
const out = join(import.meta.dirname, 'fixtures', release);
mkdirSync(out, { recursive: true });

/** Starts the old server; resolves with its URL and a way to wait for log lines. */
async function start(env: Record<string, string>) {
  // The store is the one `env` names: neither a DATABASE_URL nor a DB_PATH of this shell's.
  const inherited = { ...process.env };
  delete inherited.DATABASE_URL;
  delete inherited.DB_PATH;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: OLD, env: { ...inherited, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', CONCURRENCY: '6', ...env }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<[(l: Record<string, unknown>) => boolean, () => void]> = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    lines.push(line);
    for (const w of [...waiters]) {
      if (!w[0](line)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w[1]();
    }
  });
  const until = (match: (l: Record<string, unknown>) => boolean) =>
    new Promise<void>((resolve) => (lines.some(match) ? resolve() : waiters.push([match, resolve])));
  await until((l) => String(l.msg).startsWith('Server listening at'));
  const url = /(http:\/\/[^\s,]+)/.exec(String(lines.find((l) => String(l.msg).startsWith('Server listening at'))!.msg))![1]!;
  return { child, url, until, count: (match: (l: Record<string, unknown>) => boolean) => lines.filter(match).length };
}

async function post(url: string, body: unknown): Promise<string> {
  const res = await fetch(`${url}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 202) throw new Error(`POST ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);
const retry = { maxAttempts: 4, baseMs: 200 };

/** The three batches, then a kill while `in-flight` is a third done. */
async function writeWork(env: Record<string, string>): Promise<void> {
  const server = await start(env);
  const done = await post(server.url, { clientIds: ids('done', 10), label: 'done', simulation: { fetchMs: 5, processMs: 5, storeMs: 5 } });
  await server.until((l) => l.batchId === done && l.msg === 'batch succeeded');
  const inFlight = await post(server.url, {
    clientIds: ids('flight', 60), label: 'in-flight', retry,
    simulation: { fetchMs: 40, processMs: 60, storeMs: 30, failureRate: 0.3, seed: 7 },
  });
  await post(server.url, { clientIds: ids('queued', 8), label: 'queued', priority: -1, simulation: { fetchMs: 5, processMs: 5, storeMs: 5 } });
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (server.count((l) => l.batchId === inFlight && String(l.msg).startsWith('workflow succeeded')) >= 20) {
        clearInterval(check);
        resolve();
      }
    }, 5);
  });
  server.child.kill('SIGKILL');
  await new Promise((resolve) => server.child.once('exit', resolve));
}

// SQLite: what the killed process committed, its WAL folded into the file (a few MB less to keep;
// the same rows a restart would read).
const dir = mkdtempSync(join(tmpdir(), 'upgrade-fixture-'));
try {
  await writeWork({ DB_PATH: join(dir, 'clientflow.db') });
  const db = new Database(join(dir, 'clientflow.db'));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('journal_mode = DELETE');
  db.close();
  copyFileSync(join(dir, 'clientflow.db'), join(out, 'sqlite.db'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// PostgreSQL: a database of its own, dumped as plain INSERTs (loadable by any client).
const server = process.env.DATABASE_URL;
if (server) {
  const name = `upgrade_fixture_${process.pid}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  try {
    await writeWork({ DATABASE_URL: url.toString() });
    const dump = spawnSync('pg_dump', ['--inserts', '--no-owner', '--no-privileges', '--schema=public', url.toString()], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (dump.status !== 0) throw new Error(dump.stderr);
    // Plain SQL any client can send: no psql meta-commands, and the schema a new database has already.
    const sql = dump.stdout.split('\n').filter((line) => !line.startsWith('\\') && line !== 'CREATE SCHEMA public;').join('\n');
    writeFileSync(join(out, 'postgres.sql'), sql);
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
}
console.log(`fixtures written to ${out}`);
