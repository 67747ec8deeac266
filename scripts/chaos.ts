/**
 * `npm run chaos`: one large batch with injected transient failures, run by the real server while
 * this script SIGKILLs and restarts it (`--rounds`) and freezes it with SIGSTOP for longer than
 * its lease (`--stalls`). Then it checks, from the HTTP API and the batch's event log, that every
 * accepted workflow finished exactly once with one result, that no two attempts of a stage ran at
 * once, and that the batch's counters equal its rows (scripts/chaos-check.ts). It prints a table,
 * writes the JSON summary to bench/results/ and exits 1 when any check fails.
 *
 *   npm run chaos -- --rounds=50 --stalls=3 --clients=2000 --seed=42
 *
 * Only 127.0.0.1; the database lives in a temp dir removed at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createParser } from 'eventsource-parser';
import {
  checkChaos, failedChecks, type BatchCounters, type CheckResult, type Findings, type ProcessLife, type RefusedWrite, type WireEvent,
  type WorkflowRow,
} from './chaos-check.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

// ---------------------------------------------------------------- options

interface Options {
  rounds: number;
  stalls: number;
  clients: number;
  seed: number;
  concurrency: number;
  leaseMs: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    rounds: 50, stalls: 3, clients: 2000, seed: Math.floor(Math.random() * 2 ** 31), concurrency: 8, leaseMs: 1500,
  };
  for (const arg of argv) {
    const [key = '', value = ''] = arg.replace(/^--/, '').split('=', 2);
    const n = Number(value);
    const int = (min: number, max: number): number => {
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${key} expects an integer from ${min} to ${max}`);
      return n;
    };
    switch (key) {
      case 'rounds': o.rounds = int(0, 1000); break;
      case 'stalls': o.stalls = int(0, 100); break;
      case 'clients': o.clients = int(1, 10_000); break;
      case 'seed': o.seed = int(0, 2 ** 32 - 1); break;
      case 'concurrency': o.concurrency = int(1, 1000); break;
      // A short lease keeps the stalls short: each is 1.5–2× the lease.
      case 'lease-ms': o.leaseMs = int(300, 60_000); break;
      default: throw new Error(`unknown option ${arg} (options: --rounds --stalls --clients --seed --concurrency --lease-ms)`);
    }
  }
  if (o.stalls > o.rounds) throw new Error('--stalls must not exceed --rounds: each stall happens within a round');
  return o;
}

/** mulberry32: a small seeded PRNG, so one seed repeats the same schedule of kills and stalls. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const log = (line: string) => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------- the server process

interface Server {
  child: ChildProcess;
  url: string;
  life: ProcessLife;
  exited: Promise<string>;
}

/** Lines at warn level or above (other than a workflow's), by message, across every process. */
const warnings = new Map<string, number>();
const lives: ProcessLife[] = [];
/** Writes the store refused to a run that no longer held its claim, from every process's log. */
const refusedWrites: RefusedWrite[] = [];
let current: Server | null = null;
/** The temp dir holding the database, removed however the run ends. */
let tempDir: string | null = null;

async function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const startedAt = Date.now();
  // The built server (not tsx): restarts are the bulk of a run, and plain node starts faster.
  const child = spawn(process.execPath, ['dist/server.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const life: ProcessLife = { pid: child.pid ?? -1, startedAt, diedAt: null };
  lives.push(life);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(String(signal ?? code))));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: { level?: number; msg?: string; workflowId?: string; time?: number };
      try {
        line = JSON.parse(text) as typeof line;
      } catch {
        return;
      }
      const address = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line.msg ?? '')?.[1];
      if (address) resolve(address);
      // The dispatcher's line for a run whose write was refused (LeaseLostError: debug when the
      // workflow was canceled meanwhile, warn when another claim took it). It tells when a run
      // whose claim was taken away really ended.
      const refused = (line.level === 20 || line.level === 40) && /lease/.test(line.msg ?? '');
      if (refused && typeof line.workflowId === 'string' && typeof line.time === 'number') {
        refusedWrites.push({ pid: life.pid, workflowId: line.workflowId, at: line.time });
      }
      // Lines about one workflow echo its events, which the checks read themselves.
      if ((line.level ?? 0) >= 40 && line.workflowId === undefined) warnings.set(line.msg ?? '?', (warnings.get(line.msg ?? '?') ?? 0) + 1);
    });
    void exited.then((how) => reject(new Error(`server exited (${how}) before listening; stderr: ${stderr}`)));
  });
  current = { child, url, life, exited };
  return current;
}

/** SIGKILL: the process dies where it stands. Its death time bounds the attempts it had running. */
async function kill(server: Server): Promise<void> {
  server.life.diedAt = Date.now();
  server.child.kill('SIGKILL');
  await server.exited;
  current = null;
}

// ---------------------------------------------------------------- the API

interface BatchView extends BatchCounters {
  id: string;
  status: string;
}

async function api<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(90_000) });
  return { status: res.status, body: (await res.json()) as T };
}

async function getBatch(server: Server, id: string, wait = 0): Promise<BatchView> {
  return (await api<BatchView>(`${server.url}/v1/batches/${id}?wait=${wait}`)).body;
}

async function listWorkflows(server: Server, id: string): Promise<WorkflowRow[]> {
  const rows: WorkflowRow[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const page: { items: WorkflowRow[]; nextCursor: string | null } = (await api<{ items: WorkflowRow[]; nextCursor: string | null }>(
      `${server.url}/v1/batches/${id}/workflows?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )).body;
    rows.push(...page.items);
    cursor = page.nextCursor;
  }
  return rows;
}

/**
 * The batch's whole event log, replayed over SSE. The stream ends by itself after
 * `batch.finished`; for a batch that did not finish it is cut after two quiet seconds.
 */
async function readEvents(server: Server, id: string): Promise<WireEvent[]> {
  const events: WireEvent[] = [];
  const controller = new AbortController();
  let quiet = setTimeout(() => controller.abort(), 10_000);
  const parser = createParser({
    onEvent(message) {
      if (message.id === undefined) return; // batch.progress snapshots carry no id
      events.push(JSON.parse(message.data) as WireEvent);
      clearTimeout(quiet);
      quiet = setTimeout(() => controller.abort(), 2_000);
    },
  });
  try {
    const res = await fetch(`${server.url}/v1/batches/${id}/events`, { signal: controller.signal });
    if (!res.body) throw new Error(`events: HTTP ${res.status} without a body`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      parser.feed(decoder.decode(chunk.value, { stream: true }));
    }
  } catch (e) {
    if (!controller.signal.aborted) throw e;
  } finally {
    clearTimeout(quiet);
  }
  return events;
}

// ---------------------------------------------------------------- the run

interface RoundLog {
  round: number;
  pid: number;
  upMs: number;
  stallMs: number | null;
  /** Workflows running a stage when the process was killed (or stopped), per the batch counters. */
  running: number;
  percent: number;
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const random = prng(o.seed);
  const between = (min: number, max: number) => Math.round(min + random() * (max - min));
  const began = Date.now();
  log(`chaos: ${o.clients} clients, ${o.rounds} SIGKILL rounds, ${o.stalls} SIGSTOP stalls, LEASE_MS=${o.leaseMs}, `
    + `CONCURRENCY=${o.concurrency}, seed ${o.seed} (repeat with --seed=${o.seed})`);

  log('building dist/ (restarts run the built server)…');
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT, stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('build failed');

  const dir = mkdtempSync(join(tmpdir(), 'clientflow-chaos-'));
  tempDir = dir;
  const dbPath = join(dir, 'clientflow.db');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: '', // tsx's loader flags from this process are not the server's business
    // debug adds one line only, a refused write (see startServer), which the checks use.
    PORT: '0', HOST: '127.0.0.1', DB_PATH: dbPath, LOG_LEVEL: 'debug',
    CONCURRENCY: String(o.concurrency), LEASE_MS: String(o.leaseMs),
  };
  const clientIds = Array.from({ length: o.clients }, (_, i) => `chaos-${i + 1}`);
  // Stages of a few hundred ms with jitter and one attempt in ten failing transiently: the
  // batch runs for minutes at this concurrency, so every kill and stall lands on work in flight.
  const body = {
    clientIds,
    label: `chaos seed ${o.seed}`,
    retry: { maxAttempts: 8, baseMs: 50, maxMs: 1000 },
    simulation: { fetchMs: 150, processMs: 250, storeMs: 100, jitter: 0.5, failureRate: 0.1, seed: o.seed },
  };
  // Which rounds carry a stall, drawn up front from the seed.
  const stallRounds = new Set<number>();
  while (stallRounds.size < o.stalls) stallRounds.add(Math.floor(random() * o.rounds));

  const rounds: RoundLog[] = [];
  let result: CheckResult | null = null;
  let batchId = '';
  let finalStatus = 'unknown';
  let stopExit = '';
  try {
    let server = await startServer(env);
    const created = await api<{ id: string }>(`${server.url}/v1/batches`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    if (created.status !== 202) throw new Error(`POST /v1/batches answered ${created.status}`);
    batchId = created.body.id;
    log(`batch ${batchId} accepted (${o.clients} workflows)`);

    for (let round = 1; round <= o.rounds; round++) {
      const upSince = Date.now();
      let stallMs: number | null = null;
      if (stallRounds.has(round - 1)) {
        // Stop it mid-work for longer than the lease; once it continues it must not run again
        // what it still has in flight. Leave it running long enough afterwards for its lease
        // sweep, claims and stage writes to commit before the kill.
        await sleep(between(500, 1500));
        const before = await getBatch(server, batchId);
        stallMs = between(o.leaseMs * 1.5, o.leaseMs * 2);
        server.child.kill('SIGSTOP');
        await sleep(stallMs);
        server.child.kill('SIGCONT');
        log(`round ${round}/${o.rounds}: SIGSTOP pid ${server.life.pid} for ${seconds(stallMs)} with ${before.progress.running} running, SIGCONT`);
        await sleep(between(2500, 4000));
      } else {
        await sleep(between(800, 3500));
      }
      const batch = await getBatch(server, batchId);
      const pid = server.life.pid;
      await kill(server);
      const upMs = Date.now() - upSince;
      const percent = Math.round(100 * (batch.progress.succeeded + batch.progress.failed) / batch.progress.total);
      rounds.push({ round, pid, upMs, stallMs, running: batch.progress.running, percent });
      log(`round ${round}/${o.rounds}: SIGKILL pid ${pid} after ${seconds(upMs)}, ${batch.progress.running} running, `
        + `${percent}% finished (${seconds(Date.now() - began)} in)`);
      if (batch.status !== 'running' && batch.status !== 'queued') {
        log(`  note: the batch is ${batch.status} already, so the remaining rounds hit an idle server (more --clients keeps it busy)`);
      }
      server = await startServer(env);
    }

    log('rounds done; waiting for the batch to finish…');
    const deadline = Date.now() + 10 * 60_000;
    let batch = await getBatch(server, batchId);
    while ((batch.status === 'running' || batch.status === 'queued') && Date.now() < deadline) {
      batch = await getBatch(server, batchId, 30);
      log(`  ${batch.status}: ${batch.progress.succeeded} succeeded, ${batch.progress.failed} failed, `
        + `${batch.progress.running} running, ${batch.progress.queued} queued (${seconds(Date.now() - began)} in)`);
    }
    finalStatus = batch.status;

    log('reading the workflows and the event log…');
    const workflows = await listWorkflows(server, batchId);
    const events = await readEvents(server, batchId);
    batch = await getBatch(server, batchId);

    // A graceful stop of an idle server exits 0; then the file is ours to read.
    server.child.kill('SIGTERM');
    stopExit = await server.exited;
    server.life.diedAt = Date.now();
    current = null;
    const db = new Database(dbPath, { readonly: true });
    const resultRows = new Map((db.prepare('SELECT w.id, count(*) AS n FROM results r JOIN workflows w ON w.seq = r.workflow_seq GROUP BY w.id').all() as Array<{ id: string; n: number }>)
      .map((r) => [r.id, r.n]));
    db.close();

    result = checkChaos({ clientIds, batch, workflows, events, processes: lives, resultRows, refusedWrites });
    log(`${events.length} events, ${workflows.length} workflows, ${lives.length} server processes`);
  } finally {
    if (current) {
      current.child.kill('SIGCONT');
      current.child.kill('SIGKILL');
      await current.exited;
    }
    rmSync(dir, { recursive: true, force: true });
    tempDir = null;
  }
  if (!result) throw new Error('no result');

  const wallMs = Date.now() - began;
  // An unfinished batch shows as lost workflows; a graceful stop that fails is a failure too.
  const failures = failedChecks(result.findings) + (stopExit === '0' ? 0 : 1);
  printReport(o, result, rounds, wallMs, finalStatus, stopExit);
  const file = writeSummary(o, batchId, result, rounds, wallMs, finalStatus, stopExit);
  log(`\nJSON summary: ${file}`);
  log(failures === 0 ? 'chaos: every check passed' : `chaos: ${failures} failure(s)`);
  return failures === 0 ? 0 : 1;
}

// ---------------------------------------------------------------- report

const CHECKS: Array<{ key: keyof Findings; name: string }> = [
  { key: 'lost', name: 'lost' },
  { key: 'finishedTwice', name: 'finished twice' },
  { key: 'results', name: 'missing/duplicate results' },
  { key: 'overlaps', name: 'overlapping attempts' },
  { key: 'takenLive', name: 'runs taken from a live process' },
  { key: 'counters', name: 'counter mismatches' },
];

function printReport(o: Options, { findings, stats }: CheckResult, rounds: RoundLog[], wallMs: number, status: string, stopExit: string): void {
  const stalled = rounds.filter((r) => r.stallMs !== null);
  const rows: Array<[string, string]> = [
    ['SIGKILL rounds', `${rounds.length} (${rounds.filter((r) => r.running > 0).length} with stages in flight)`],
    ['SIGSTOP stalls', `${stalled.length} (${stalled.map((r) => seconds(r.stallMs!)).join(', ') || '-'}; lease ${seconds(o.leaseMs)})`],
    ['workflows', `${stats.workflows} (batch ${status})`],
    ['succeeded / failed', `${stats.succeeded} / ${stats.failed}`],
    ['stage attempts', String(stats.stageAttempts)],
    ['retries', String(stats.retries)],
    // Per stall: how many of its stages the store took back while the stalled process ran them.
    ['interrupted', `${stats.interrupted} (${stats.liveInterrupts} while their process was alive`
      + `${stalled.length ? `; per stall: ${stalled.map((r) => stats.liveInterruptsByPid[r.pid] ?? 0).join(', ')}` : ''})`],
    ...CHECKS.map(({ key, name }): [string, string] => [name, String(findings[key].length)]),
    ['graceful stop exit code', stopExit],
    ['wall time', seconds(wallMs)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  log('');
  log(`| ${'check'.padEnd(width)} | result |`);
  log(`| ${'-'.repeat(width)} | ------ |`);
  for (const [k, v] of rows) log(`| ${k.padEnd(width)} | ${v} |`);
  for (const { key, name } of CHECKS) {
    const list = findings[key];
    if (list.length === 0) continue;
    log(`\n${name}: ${list.length}, for example:`);
    for (const f of list.slice(0, 5)) {
      const where = [f.workflowId && `workflow ${f.workflowId}`, f.clientId !== undefined && `client ${f.clientId}`, f.stage && `stage ${f.stage}`]
        .filter(Boolean).join(', ');
      log(`  - ${where ? `${where}: ` : ''}${f.detail}`);
    }
  }
  if (warnings.size > 0) {
    log('\nserver warnings (level ≥ warn) by message:');
    for (const [msg, n] of warnings) log(`  ${n}× ${msg}`);
  }
}

function writeSummary(
  o: Options, batchId: string, { findings, stats }: CheckResult, rounds: RoundLog[], wallMs: number, status: string, stopExit: string,
): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `chaos-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify({
    options: o, batchId, batchStatus: status, gracefulStopExit: stopExit, wallMs, stats,
    counts: Object.fromEntries(CHECKS.map(({ key }) => [key, findings[key].length])),
    // Every finding would be megabytes on a bad run: the first 50 of each kind say enough.
    findings: Object.fromEntries(CHECKS.map(({ key }) => [key, findings[key].slice(0, 50)])),
    rounds, processes: lives, serverWarnings: Object.fromEntries(warnings),
  }, null, 2)}\n`);
  return file;
}

// Ctrl-C: leave no frozen or running server and no temp dir behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (current) {
      current.child.kill('SIGCONT');
      current.child.kill('SIGKILL');
    }
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    process.exit(130);
  });
}

main().then((code) => process.exit(code), (e: unknown) => {
  process.stderr.write(`chaos: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(2);
});
