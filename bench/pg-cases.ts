/**
 * The PostgreSQL cases (`--postgres`, or `--only=postgres|p3|p2|pr`): the service on its
 * PostgreSQL store (DATABASE_URL) on the server at 127.0.0.1:5432 (BENCH_PG_PORT), each case on a
 * throwaway database of its own (`clientflow_bench_<pid>_pg_<case>`), created empty and dropped
 * after the case however it ended, and on Ctrl-C (lib.ts `onTeardown`). See bench/README.md.
 *
 * - P3: case 3's workload (zero-delay workflows in ten batches submitted one after another
 *   through `engine.submit`, CONCURRENCY 1000) on one process, 50,000 workflows: wf/s, and CPU per
 *   workflow of the service process and of the database's backends.
 * - P2: case 2's workload (10,000 clients at 200/300/100 ms, CONCURRENCY 10000, one batch).
 * - PR: 1, 2 and 4 replicas (`dist/server.js` processes, RUN_MODE=all) on one database, one
 *   delay-bound batch POSTed to the first: throughput(N) ÷ (N × throughput(1)).
 *
 * P3 and P2 run like the engine cases: the service wired as src/server.ts wires it (minus HTTP)
 * in a fresh child process (this file with `--child`) that reports its rows over IPC. PR's
 * replicas are child processes of their own; the parent submits one POST and polls the batch.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Batch, NewBatch } from '../src/model/types.js';
import { SERVER } from './deployed.js';
import { MAKESPAN, THROUGHPUT, ids, newBatch, withService, type Service } from './engine-cases.js';
import {
  adopt, childEnv, errorRow, freePort, log, nodeArgs, nodeWarnings, onTeardown, ROOT, sleep, startChild, stopChild, submitThenWait, verdict,
  waitHealthy, type BenchOptions, type CaseResult, type Child, type Waker,
} from './lib.js';
import {
  answers, createDatabase, databaseStats, dropDatabases, PG, pgBackendTicks, pgCpuUs, pgUrl, pgUser, processCpuUs,
  type DatabaseStats,
} from './peers/servers.js';

// ================================================================ what runs

/**
 * P3: case 3's ten batches and CONCURRENCY, 5,000 per batch (case 3: 10,000): at the goal of
 * 5,000 wf/s that is 10 s, well inside the budget; a slower store is cut there and its row gives
 * the rate over the workflows that finished, as the peers' rows do.
 */
const P3 = { batches: THROUGHPUT.batches, size: 5_000, target: 5_000 } as const;

/** PR: replicas, CONCURRENCY per replica (the default), goal. Delays and batch size: `--pr-ms`, `--pr-workflows`. */
const PR = { replicas: [1, 2, 4], concurrency: 50, target: 0.9 } as const;

/** How often the parent reads the batch while PR runs. */
const POLL_MS = 200;

/**
 * Wall-clock budgets. P3 past its budget reports the rate over what finished; P2 a lower bound
 * ("at least"); PR the rate over what finished, for that replica count.
 */
const BUDGET_MS = { p3: 60_000, p2: 45_000, pr: 45_000 } as const;

/** After a child reported, how long it may take to stop its service before it is killed. */
const STOP_GRACE_MS = 15_000;

type CaseName = 'p3' | 'p2' | 'pr';
type ChildCase = Exclude<CaseName, 'pr'>;

interface ChildRequest {
  name: ChildCase;
  url: string;
  database: string;
  budgetMs: number;
}

type ChildReply = { ok: true; rows: CaseResult[] } | { ok: false; error: string };

// ================================================================ selection

const NAMES: Record<CaseName, string[]> = {
  p3: ['p3', 'pg-throughput'],
  p2: ['p2', 'pg-makespan'],
  pr: ['pr', 'pg-replicas'],
};

/** Which Postgres cases `only` asks for: by name, or the group (`postgres`, `pg`); nothing named = all. */
export function postgresCases(only: string[]): CaseName[] {
  const all = only.length === 0 || only.includes('postgres') || only.includes('pg');
  return (['p3', 'p2', 'pr'] as const).filter((c) => all || NAMES[c].some((n) => only.includes(n)));
}

// ================================================================ parent side

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

const LABELS: Record<CaseName, string> = {
  p3: `throughput ${fmt((P3.batches * P3.size) / 1_000)}k × 0 ms, PostgreSQL, 1 process`,
  p2: 'makespan 10k × 200/300/100 ms, PostgreSQL',
  pr: 'replicas 1/2/4 on one PostgreSQL database',
};

function skipped(id: CaseName, why: string): CaseResult {
  return { id, name: LABELS[id], metric: '', value: null, unit: '', target: null, pass: null, notes: why, details: { skipped: why } };
}

/** Runs the asked Postgres cases one after another; never throws (a failure becomes a failing row). */
export async function runPostgresCases(which: CaseName[], o: BenchOptions, profDir: string | null): Promise<CaseResult[]> {
  if (!(await answers(PG.port))) {
    const why = `skipped: no PostgreSQL answering on 127.0.0.1:${PG.port}`;
    log(`postgres: ${why}`);
    return which.map((c) => skipped(c, why));
  }
  let user: string;
  try {
    user = await pgUser();
  } catch (e) {
    return which.map((c) => errorRow(c, LABELS[c], '', null, e));
  }
  const prefix = `clientflow_bench_${process.pid}_pg`;
  // Everything a case makes is under this prefix: dropped after each case, and on Ctrl-C — once
  // a database being created meanwhile exists, and with no new one created after.
  const teardown = async () => (await dropDatabases(user, prefix)).join(', ') || 'none left';
  const off = onTeardown(async () => {
    creating.stopped = true;
    await Promise.allSettled(creating.pending);
    await teardown();
  });
  const rows: CaseResult[] = [];
  try {
    for (const c of which) {
      const t0 = Date.now();
      try {
        rows.push(...(c === 'pr' ? await replicas(user, `${prefix}_pr`, o, profDir) : await inChild(c, user, `${prefix}_${c}`, profDir)));
      } catch (e) {
        log(`${c} failed: ${e instanceof Error ? e.message : String(e)}`);
        rows.push(errorRow(c, LABELS[c], '', c === 'p3' ? { op: '>=', value: P3.target } : null, e));
      } finally {
        const dropped = await teardown().catch((e: unknown) => `FAILED, drop by hand: ${e instanceof Error ? e.message : String(e)}`);
        log(`${c}: ${((Date.now() - t0) / 1000).toFixed(1)} s; databases dropped: ${dropped}`);
      }
    }
  } finally {
    off();
  }
  return rows;
}

/** Databases being created now, and whether Ctrl-C came (no new one then). */
const creating = { pending: new Set<Promise<void>>(), stopped: false };

async function newDatabase(user: string, name: string): Promise<void> {
  if (creating.stopped) throw new Error('interrupted');
  const created = createDatabase(user, name);
  creating.pending.add(created);
  try {
    await created;
  } finally {
    creating.pending.delete(created);
  }
}

/**
 * Counts the warn and error lines a service process logs (pino JSON, LOG_LEVEL=warn), by message:
 * a stage interrupted because its group commit failed, a lost lease, a failed sweep all show here.
 */
class LogTally {
  readonly counts = new Map<string, number>();
  #rest = '';

  constructor(proc: ChildProcess) {
    const take = (chunk: Buffer) => {
      const lines = (this.#rest + chunk.toString()).split('\n');
      this.#rest = lines.pop() ?? '';
      for (const line of lines) this.#line(line);
    };
    proc.stdout?.on('data', take);
    proc.stderr?.on('data', take);
  }

  #line(line: string): void {
    if (!line.startsWith('{')) return;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; stage?: string };
      if ((entry.level ?? 0) < 40) return;
      // "fetch interrupted; …" and "store interrupted; …" are one kind.
      const msg = (entry.msg ?? '?').replace(new RegExp(`^${entry.stage ?? '\\0'} `), '<stage> ').slice(0, 80);
      this.counts.set(msg, (this.counts.get(msg) ?? 0) + 1);
    } catch {
      // not a log line
    }
  }

  get total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  static summary(tallies: LogTally[]): string {
    const all = new Map<string, number>();
    for (const t of tallies) for (const [msg, n] of t.counts) all.set(msg, (all.get(msg) ?? 0) + n);
    if (all.size === 0) return 'no warnings logged';
    const top = [...all].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([msg, n]) => `${fmt(n)}× "${msg}"`);
    return `warnings logged: ${top.join(', ')}${all.size > 3 ? ', …' : ''}`;
  }
}

/** What the server counted for the case's database, read after its clients are gone. */
async function statsAfter(user: string, database: string): Promise<DatabaseStats | null> {
  // A backend reports its counts as it exits, a moment after its client disconnected.
  await sleep(500);
  return databaseStats(user, database).catch(() => null);
}

function statsNote(stats: DatabaseStats | null, workflows: number): string {
  if (!stats) return 'database counters unavailable';
  return `database: ${fmt(stats.commits)} commits${workflows > 0 ? ` (${round(stats.commits / workflows, 2)}/wf)` : ''}, `
    + `${fmt(stats.rollbacks)} rollbacks, ${fmt(stats.deadlocks)} deadlocks`;
}

/** P3 or P2 in a fresh child on a fresh database. */
async function inChild(name: ChildCase, user: string, database: string, profDir: string | null): Promise<CaseResult[]> {
  await newDatabase(user, database);
  const request: ChildRequest = { name, url: pgUrl(user, database), database, budgetMs: BUDGET_MS[name] };
  const child = adopt(fork(fileURLToPath(import.meta.url), ['--child', JSON.stringify(request)], {
    cwd: ROOT, env: childEnv({}), execArgv: nodeArgs(profDir), stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  }));
  const tally = new LogTally(child.proc);
  // The child enforces its own budget and reports before it stops its service; this is the backstop.
  let killer = setTimeout(() => child.proc.kill('SIGKILL'), request.budgetMs + 60_000);
  try {
    const reply = await new Promise<ChildReply>((resolve) => {
      child.proc.once('message', (m) => resolve(m as ChildReply));
      void child.exited.then((code) => resolve({ ok: false, error: `child exited (${String(code)}) without a result:\n${child.tail()}` }));
    });
    // Stopping a service with many workflows claimed can take a while: the figures are in already.
    clearTimeout(killer);
    killer = setTimeout(() => {
      log(`${name}: the child did not stop within ${STOP_GRACE_MS / 1_000} s of reporting; killed`);
      child.proc.kill('SIGKILL');
    }, STOP_GRACE_MS);
    await child.exited;
    if (!reply.ok) throw new Error(reply.error);
    const warnings = nodeWarnings(child.lines());
    const stats = await statsAfter(user, database);
    const [main] = reply.rows;
    if (main) {
      const workflows = Number(main.details.workflows ?? 0);
      main.notes += `; ${statsNote(stats, workflows)}; ${LogTally.summary([tally])}`;
      Object.assign(main.details, { database: stats, serviceLog: Object.fromEntries(tally.counts) });
    }
    for (const row of reply.rows) if (warnings.length) row.details.nodeWarnings = warnings;
    return reply.rows;
  } finally {
    clearTimeout(killer);
  }
}

// ---------------------------------------------------------------- PR: replicas

interface PrSettings {
  concurrency: number;
  delays: { FETCH_MS: string; PROCESS_MS: string; STORE_MS: string };
  stageMs: number;
  workflows: number;
}

interface ReplicaRun {
  replicas: number;
  /** createdAt → finishedAt; when cut, the wait until the budget ran out. */
  makespanMs: number;
  finished: number;
  timedOut: boolean;
  wfps: number;
  idealMs: number;
  /** CPU of all replica processes and of the database's backends over the batch, in cores. */
  replicaCores: number;
  serverCores: number;
  replicaUsPerWf: number;
  serverUsPerWf: number;
  /** Each replica's CPU over the batch, in cores: every one took part if none is near 0. */
  perReplicaCores: number[];
  database: DatabaseStats | null;
  warnings: string;
  timings: Batch['timings'] | null;
}

/** One replica: `node dist/server.js` on 127.0.0.1, the shared database, RUN_MODE=all. */
async function startReplica(url: string, s: PrSettings, profDir: string | null): Promise<{ base: string; child: Child; tally: LogTally }> {
  const port = await freePort();
  const child = startChild(SERVER, childEnv({
    PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: url, RUN_MODE: 'all', LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: '1000',
    CONCURRENCY: String(s.concurrency), ...s.delays,
  }), profDir);
  const tally = new LogTally(child.proc);
  const base = `http://127.0.0.1:${port}`;
  await waitHealthy(base, child);
  return { base, child, tally };
}

async function replicaRun(n: number, s: PrSettings, user: string, database: string, profDir: string | null): Promise<ReplicaRun> {
  await newDatabase(user, database);
  const url = pgUrl(user, database);
  const started: Array<{ base: string; child: Child; tally: LogTally }> = [];
  const pg = (await import('pg')).default;
  const meter = new pg.Client({ connectionString: url });
  // A database dropped under it (Ctrl-C) ends this connection with an error: not a crash.
  meter.on('error', () => undefined);
  let measured: Omit<ReplicaRun, 'database' | 'warnings'> | null = null;
  try {
    // One after another: the first applies the migrations, the others find them applied.
    for (let i = 0; i < n; i++) started.push(await startReplica(url, s, profDir));
    await meter.connect();
    const first = started[0]!;
    const last = started.at(-1)!;
    const backends0 = await pgBackendTicks(meter, database);
    const cpu0 = started.map((r) => processCpuUs(r.child.proc.pid ?? -1) ?? 0);
    const t0 = performance.now();
    const res = await fetch(`${first.base}/v1/batches`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientIds: ids(s.workflows * n), label: `bench replicas ${n}` }),
    });
    const body = await res.json() as { id?: string };
    if (res.status !== 202 || !body.id) throw new Error(`POST /v1/batches answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    // Polled, not long-polled, on the last replica (from 2 on, another process than the one that
    // took the POST): a `?wait=` there reads the batch again on every commit another replica
    // makes (each one's notice names the batch), a load of its own. The figure is the batch's
    // own createdAt → finishedAt, so the poll's period only delays when the parent sees the end.
    let batch: Batch | null = null;
    const deadline = t0 + BUDGET_MS.pr;
    while (performance.now() < deadline) {
      const got = await fetch(`${last.base}/v1/batches/${body.id}`, { signal: AbortSignal.timeout(10_000) });
      batch = await got.json() as Batch;
      if (batch.finishedAt) break;
      await sleep(POLL_MS);
    }
    const wallMs = performance.now() - t0;
    const perReplicaUs = started.map((r, i) => (processCpuUs(r.child.proc.pid ?? -1) ?? 0) - (cpu0[i] ?? 0));
    const replicaUs = perReplicaUs.reduce((a, b) => a + b, 0);
    const serverUs = pgCpuUs(backends0, await pgBackendTicks(meter, database));
    if (!batch) throw new Error(`${n} replicas: the batch could not be read`);
    const timedOut = !batch.finishedAt;
    const makespanMs = timedOut ? wallMs : (batch.timings.elapsedMs ?? NaN);
    const finished = batch.progress.succeeded + batch.progress.failed;
    const perWf = (us: number) => us / Math.max(1, finished);
    measured = {
      replicas: n, makespanMs, finished, timedOut, wfps: (finished / makespanMs) * 1_000,
      idealMs: Math.ceil(s.workflows / s.concurrency) * s.stageMs,
      replicaCores: replicaUs / 1_000 / wallMs, serverCores: serverUs / 1_000 / wallMs,
      replicaUsPerWf: perWf(replicaUs), serverUsPerWf: perWf(serverUs),
      perReplicaCores: perReplicaUs.map((us) => round(us / 1_000 / wallMs, 2)), timings: batch.timings,
    };
  } finally {
    await meter.end().catch(() => undefined);
    await Promise.all(started.map((r) => stopChild(r.child)));
  }
  if (!measured) throw new Error(`${n} replicas: nothing measured`);
  const stats = await statsAfter(user, database);
  await dropDatabases(user, database);
  return { ...measured, database: stats, warnings: LogTally.summary(started.map((r) => r.tally)) };
}

async function replicas(user: string, prefix: string, o: BenchOptions, profDir: string | null): Promise<CaseResult[]> {
  const [fetchMs, processMs, storeMs] = o.prMs;
  const s: PrSettings = {
    concurrency: PR.concurrency, workflows: o.prWorkflows, stageMs: fetchMs + processMs + storeMs,
    delays: { FETCH_MS: String(fetchMs), PROCESS_MS: String(processMs), STORE_MS: String(storeMs) },
  };
  // Weak scaling: N replicas run N times the workflows, so each has as many waves of CONCURRENCY
  // to run whatever N, and the last, partly filled wave weighs the same in every run.
  const how = `one batch of ${fmt(s.workflows)} × replicas POSTed to replica 1, polled on the last every ${POLL_MS} ms; per replica CONCURRENCY ${s.concurrency}, `
    + `stages ${fetchMs}/${processMs}/${storeMs} ms, DB_POOL_SIZE 10; each replica a dist/server.js process, RUN_MODE=all; a fresh database per replica count`;
  const runs = new Map<number, ReplicaRun | Error>();
  for (const n of PR.replicas) {
    try {
      const run = await replicaRun(n, s, user, `${prefix}${n}`, profDir);
      log(`pr: ${n} replica(s): ${fmt(run.wfps)} wf/s, makespan ${fmt(run.makespanMs)} ms${run.timedOut ? ' (cut)' : ''}`);
      runs.set(n, run);
    } catch (e) {
      log(`pr: ${n} replica(s) failed: ${e instanceof Error ? e.message : String(e)}`);
      runs.set(n, e instanceof Error ? e : new Error(String(e)));
    }
  }
  const cut = (r: ReplicaRun) => (r.timedOut ? ` (cut at ${BUDGET_MS.pr / 1_000} s with ${fmt(r.finished)} of ${fmt(s.workflows * r.replicas)} finished: the rate over those)` : '');
  const figures = (r: ReplicaRun) => `makespan ${fmt(r.makespanMs)} ms${cut(r)} vs ideal ${fmt(r.idealMs)} ms (${round(r.makespanMs / r.idealMs, 2)}×); `
    + `replicas ${round(r.replicaCores, 2)} cores (${r.perReplicaCores.join(' + ')}; ${fmt(r.replicaUsPerWf)} µs/wf), `
    + `PostgreSQL backends ${round(r.serverCores, 2)} cores (${fmt(r.serverUsPerWf)} µs/wf); ${statsNote(r.database, r.finished)}; ${r.warnings}`;
  const details = (r: ReplicaRun) => ({ ...r, workflows: s.workflows * r.replicas, concurrencyPerReplica: s.concurrency, stageMs: s.delays });
  const one = runs.get(1);
  const rows: CaseResult[] = [one instanceof Error || !one
    ? errorRow('pr1', 'replicas: 1, delay-bound', '', null, one ?? 'not run')
    : {
      id: 'pr1', name: 'replicas: 1, delay-bound', metric: 'workflows/s', value: Math.round(one.wfps), unit: 'wf/s', target: null, pass: null,
      notes: `${figures(one)}; ${how}`, details: details(one),
    }];
  for (const n of PR.replicas.slice(1)) {
    const r = runs.get(n);
    const target = { op: '>=' as const, value: PR.target };
    const name = `replicas: ${n}, scaling efficiency`;
    if (r instanceof Error || !r) {
      rows.push(errorRow(`pr${n}`, name, '', target, r ?? 'not run'));
    } else if (one instanceof Error || !one) {
      rows.push(errorRow(`pr${n}`, name, '', target, `no 1-replica figure to compare with (${figures(r)})`));
    } else {
      const efficiency = round(r.wfps / (n * one.wfps));
      rows.push({
        id: `pr${n}`, name, metric: `wf/s ÷ (${n} × 1 replica's)`, value: efficiency, unit: '×', target, pass: verdict(efficiency, target),
        notes: `${fmt(r.wfps)} wf/s vs ${fmt(one.wfps)} on 1; ${figures(r)}`, details: { ...details(r), oneReplicaWfps: one.wfps },
      });
    }
  }
  return rows;
}

// ---------------------------------------------------------------- comparisons

/**
 * Puts the figures of the same run beside P3 and P2 (first in their notes): SQLite's case 3 / 2
 * and the PostgreSQL peers (`--peers`). P3's ratio > 1: the PostgreSQL store did more wf/s.
 */
export function addPostgresComparisons(rows: CaseResult[]): void {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const value = (id: string) => byId.get(id)?.value ?? null;
  const p3 = byId.get('p3');
  if (p3?.value) {
    const beside: string[] = [];
    const ratios: Record<string, number> = {};
    for (const [id, label] of [['3', 'SQLite case 3'], ['3-pg-boss', 'pg-boss'], ['3-graphile-worker', 'graphile-worker']] as const) {
      const other = value(id);
      if (!other) continue;
      ratios[id] = round(p3.value / other, 3);
      beside.push(`${ratios[id]}× ${label}'s ${fmt(other)} wf/s`);
    }
    p3.notes = `${beside.length ? `this ÷ same run: ${beside.join(', ')}` : 'SQLite case 3 not in this run'}; ${p3.notes}`;
    p3.details.sameRunRatios = ratios;
  }
  const p2 = byId.get('p2');
  if (p2?.value) {
    const beside: string[] = [];
    for (const [id, label] of [['2', 'SQLite case 2'], ['2-pg-boss', 'pg-boss'], ['2-graphile-worker', 'graphile-worker']] as const) {
      const other = value(id);
      if (other) beside.push(`${label} ${other}×`);
    }
    p2.notes = `${beside.length ? `same run: ${beside.join(', ')}` : 'SQLite case 2 not in this run'}; ${p2.notes}`;
  }
}

// ================================================================ child side

/** A meter of the CPU the database's backends use (servers.ts), on a connection of its own. */
async function backendMeter(url: string, database: string): Promise<{
  start: () => Promise<() => Promise<number>>; durability: string; end: () => Promise<void>;
}> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  const { rows } = await client.query<{ fsync: string; sync: string }>(
    "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync");
  return {
    durability: `PostgreSQL fsync=${rows[0]?.fsync}, synchronous_commit=${rows[0]?.sync}`,
    start: async () => {
      const before = await pgBackendTicks(client, database);
      return async () => pgCpuUs(before, await pgBackendTicks(client, database));
    },
    end: () => client.end().then(() => undefined, () => undefined),
  };
}

interface PgRun {
  /** First `batch.created` → last `batch.finished` (the batches' own stamps), or → the budget's end when cut. */
  spanMs: number;
  timedOut: boolean;
  /** Workflows finished (`workflow.finished` events, as committed), and of those failed. */
  finished: number;
  failed: number;
  /** Stages given back (a failed group commit, a lost lease) and retried: each ran again. */
  interrupted: number;
  retried: number;
  wallMs: number;
  cpuUs: number;
  cores: number;
  serverUs: number | null;
  /** The batches as read back at the end (null if the store did not answer within 5 s). */
  batches: Batch[] | null;
}

/**
 * Submits `inputs` one after another through `engine.submit` (as case 3 does) and waits for their
 * `batch.finished` until the budget runs out. Progress is counted from the committed events the
 * store publishes, not read back, so a store that is stuck (locks held for seconds) cannot hold
 * the report up; the batches are read back at the end only if the store answers in 5 s.
 */
async function submitAndCount(s: Service, inputs: NewBatch[], budgetMs: number, meter: () => Promise<() => Promise<number>>): Promise<PgRun> {
  const deadline = performance.now() + budgetMs;
  let createdAt = Infinity;
  let finishedAt = 0;
  const done = new Set<string>();
  let finished = 0;
  let failed = 0;
  let interrupted = 0;
  let retried = 0;
  const waker: Waker = { wake: () => {} };
  const off = s.engine.events.on((e) => {
    if (e.type === 'batch.created') createdAt = Math.min(createdAt, e.at);
    else if (e.type === 'workflow.finished') {
      finished++;
      if (e.status === 'failed') failed++;
    } else if (e.type === 'stage.interrupted') interrupted++;
    else if (e.type === 'stage.retrying') retried++;
    else if (e.type === 'batch.finished') {
      done.add(e.batchId);
      finishedAt = Math.max(finishedAt, e.at);
      waker.wake();
    }
  });
  const stopMeter = await meter();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let ids: string[];
  let timedOut: boolean;
  try {
    ({ ids, timedOut } = await submitThenWait(s.engine, inputs, done, waker, deadline));
  } finally {
    off();
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const serverUs = await within(stopMeter(), 5_000);
  const batches = await within(Promise.all(ids.map(async (id) => (await s.store.getBatch(id, Date.now()))!)), 5_000);
  return {
    spanMs: timedOut ? wallMs : finishedAt - createdAt, timedOut, finished, failed, interrupted, retried,
    wallMs, cpuUs: cpu.user + cpu.system, cores: (cpu.user + cpu.system) / 1_000 / wallMs, serverUs, batches,
  };
}

/** `promise`'s value, or null if it fails or takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => { timer = setTimeout(resolve, ms, null); });
  try {
    return await Promise.race([promise.catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What ran again, for the notes. */
const reruns = (r: PgRun) => `${fmt(r.interrupted)} stages interrupted, ${fmt(r.retried)} retried`;

function row(r: Omit<CaseResult, 'pass'>): CaseResult {
  return { ...r, pass: verdict(r.value, r.target) };
}

/** The service on the case's database, with the case's `env`. */
async function onPostgres(req: ChildRequest, env: Record<string, string>, run: (s: Service) => Promise<void>): Promise<void> {
  await withService({ dir: '', sync: 'full' }, { ...env, DATABASE_URL: req.url }, run);
}

/** P3: case 3's workload on PostgreSQL, one process, 50,000 workflows. */
async function p3(req: ChildRequest, report: (rows: CaseResult[]) => void): Promise<void> {
  const m = await backendMeter(req.url, req.database);
  try {
    await onPostgres(req, THROUGHPUT.env, async (s) => {
      const total = P3.batches * P3.size;
      const inputs = Array.from({ length: P3.batches }, (_, i) => newBatch(ids(P3.size, i * P3.size), `bench pg throughput ${i + 1}`));
      const run = await submitAndCount(s, inputs, req.budgetMs, m.start);
      const done = run.finished;
      const serverUs = run.serverUs === null ? null : run.serverUs / Math.max(1, done);
      const serverCores = run.serverUs === null ? null : run.serverUs / 1_000 / run.wallMs;
      const cut = run.timedOut ? ` (cut at ${req.budgetMs / 1_000} s: the rate over those finished)` : '';
      report([row({
        id: 'p3', name: LABELS.p3, metric: 'workflows/s', value: Math.round((done / run.spanMs) * 1_000), unit: 'wf/s', target: { op: '>=', value: P3.target },
        notes: `${fmt(done)} of ${fmt(total)} wf in ${fmt(run.spanMs)} ms${cut}${run.failed ? `, ${run.failed} failed` : ''}; `
          + `${P3.batches} batches of ${fmt(P3.size)} via engine.submit, CONCURRENCY ${s.concurrency}, DB_POOL_SIZE 10; `
          + `service ${round(run.cores, 2)} cores, PostgreSQL backends ${serverCores === null ? '?' : round(serverCores, 2)} cores; ${reruns(run)}; ${m.durability}`,
        details: {
          workflows: done, failed: run.failed, spanMs: run.spanMs, timedOut: run.timedOut, interrupted: run.interrupted, retried: run.retried,
          concurrency: s.concurrency, batches: P3.batches, batchSize: P3.size, cpuCores: run.cores, serverCores,
          batchElapsedMs: run.batches?.map((b) => b.timings.elapsedMs) ?? null, durability: m.durability,
        },
      }), row({
        id: 'p3c', name: 'CPU per workflow, PostgreSQL', metric: 'service CPU ÷ workflows', value: Math.round(run.cpuUs / Math.max(1, done)),
        unit: 'µs', target: null,
        notes: `+ PostgreSQL backends ${serverUs === null ? '?' : fmt(serverUs)} µs/wf (the database's connections, from /proc; WAL writer and checkpointer not counted; `
          + `SQLite's 3c is all in its process); service ${round(run.cores, 2)} cores × ${fmt(run.wallMs)} ms ÷ ${fmt(done)} wf`,
        details: { serviceUsPerWorkflow: run.cpuUs / Math.max(1, done), serverUsPerWorkflow: serverUs, cpuCores: run.cores, serverCores, wallMs: run.wallMs, workflows: done },
      })]);
    });
  } finally {
    await m.end();
  }
}

/** P2: case 2's workload on PostgreSQL. Cut at the budget, its figure is a lower bound. */
async function p2(req: ChildRequest, report: (rows: CaseResult[]) => void): Promise<void> {
  const m = await backendMeter(req.url, req.database);
  try {
    await onPostgres(req, MAKESPAN.env, async (s) => {
      const n = MAKESPAN.workflows;
      const run = await submitAndCount(s, [newBatch(ids(n), 'bench pg makespan')], req.budgetMs, m.start);
      const b = run.batches?.[0] ?? null;
      const ideal = Math.ceil(n / s.concurrency) * s.stageMs;
      const done = run.finished;
      const serverUs = run.serverUs === null ? null : run.serverUs / Math.max(1, done);
      const head = run.timedOut
        ? `at least this: cut at ${req.budgetMs / 1_000} s with ${fmt(done)} of ${fmt(n)} finished`
        : `${fmt(run.spanMs)} ms vs ideal ${ideal} ms`;
      const p95s = b ? `queue wait p95 ${b.timings.queueWaitMs?.p95 ?? '—'} ms, workflow p95 ${b.timings.workflowMs?.p95 ?? '—'} ms; ` : '';
      report([row({
        id: 'p2', name: LABELS.p2, metric: 'elapsed / ideal', value: round(run.spanMs / ideal), unit: '×', target: null,
        notes: `${head}; one batch via engine.submit, CONCURRENCY ${s.concurrency}, DB_POOL_SIZE 10; ${p95s}`
          + `service ${round(run.cores, 2)} cores, PostgreSQL backends ${run.serverUs === null ? '?' : round(run.serverUs / 1_000 / run.wallMs, 2)} cores`
          + `${done > 0 ? ` (CPU ${fmt(run.cpuUs / done)} + ${serverUs === null ? '?' : fmt(serverUs)} µs/wf)` : ''}; `
          + `${reruns(run)}; ${m.durability}`,
        details: {
          elapsedMs: run.spanMs, idealMs: ideal, timedOut: run.timedOut, workflows: done, interrupted: run.interrupted, retried: run.retried,
          status: b?.status ?? null, concurrency: s.concurrency, cpuCores: run.cores, cpuUsPerWorkflow: run.cpuUs / Math.max(1, done),
          serverUsPerWorkflow: serverUs, timings: b?.timings ?? null, stages: b?.stages ?? null, durability: m.durability,
        },
      })]);
    });
  } finally {
    await m.end();
  }
}

const CASES: Record<ChildCase, (req: ChildRequest, report: (rows: CaseResult[]) => void) => Promise<void>> = { p3, p2 };

async function childMain(): Promise<void> {
  const req = JSON.parse(process.argv[3] ?? '{}') as ChildRequest;
  let sent: Promise<void> | null = null;
  const send = (reply: ChildReply) => {
    sent ??= new Promise<void>((resolve) => {
      if (!process.send?.(reply, () => resolve())) resolve();
    });
  };
  try {
    // The rows go out as soon as they are known: stopping a service that holds many claims
    // (a run cut at its budget) takes a while, and the parent need not wait for it.
    await CASES[req.name](req, (rows) => send({ ok: true, rows }));
    send({ ok: false, error: 'the case reported nothing' });
  } catch (e) {
    send({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
  await sent;
  // Exit on purpose (not by a kill) so --cpu-prof gets to write its profile.
  process.exit(0);
}

if (process.argv[2] === '--child' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await childMain();
