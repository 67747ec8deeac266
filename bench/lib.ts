/**
 * Shared plumbing for the benchmark: result rows and verdicts, the table, child processes that
 * are always cleaned up, temp dirs that are always removed, and a tiny CPU-profile summary.
 * Nothing here imports the service: the parent process stays light so it does not steal CPU
 * from the children it measures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NewBatch } from '../src/model/types.js';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = dirname(BENCH_DIR);

/** One line of the table. `target: null` marks an informational figure with no pass/fail. */
export interface CaseResult {
  id: string;
  name: string;
  metric: string;
  value: number | null;
  unit: string;
  target: { op: '<=' | '>='; value: number } | null;
  pass: boolean | null;
  notes: string;
  details: Record<string, unknown>;
  error?: string;
}

export function verdict(value: number | null, target: CaseResult['target']): boolean | null {
  if (target === null) return null;
  if (value === null || !Number.isFinite(value)) return false;
  return target.op === '<=' ? value <= target.value : value >= target.value;
}

/** A row for a case that crashed or timed out: it fails, and says why. */
export function errorRow(id: string, name: string, metric: string, target: CaseResult['target'], e: unknown): CaseResult {
  const error = e instanceof Error ? e.message : String(e);
  return { id, name, metric, value: null, unit: '', target, pass: target ? false : null, notes: `ERROR: ${error}`, details: {}, error };
}

// ---------------------------------------------------------------- options

export interface BenchOptions {
  /** Case names or groups (engine, http) to run; empty = all. */
  only: string[];
  /**
   * autocannon: seconds per measured round, rounds per server, warm-up seconds, connections.
   * Defaults: 4 alternating rounds of 2 s (8 s measured per side). On a shared machine, more and
   * shorter alternations cancel load spikes better than one long run each.
   */
  duration: number;
  rounds: number;
  warmup: number;
  connections: number;
  /** Case 7: SSE connections opened to the batch of its "with streams" side. */
  streams: number;
  /** Case 7: rounds per side (each "with streams" round drains for minutes, so fewer than `rounds`). */
  sseRounds: number;
  /** Also run the throughput case with DB_SYNC=normal. */
  normal: boolean;
  /** Also run the peer job queues (BullMQ, pg-boss, graphile-worker) after clientflow's cases. */
  peers: boolean;
  /**
   * The PostgreSQL cases (P3, P2, PR) and the SQLite cases they are compared with (2 and 3, no 3n),
   * on top of whatever `only` names; alone, just those (bench/pg-cases.ts).
   */
  postgres: boolean;
  /** PR (bench/pg-cases.ts): stage delays fetch/process/store in ms, and the batch's size. */
  prMs: [number, number, number];
  prWorkflows: number;
  /** Case 10: clients in the CPU-heavy batch, and ms of process CPU per client. */
  workersClients: number;
  cpuMs: number;
  /** Case 11: clients in the batch naming flow key crm:acme (one batch: at most MAX_BATCH_SIZE). */
  flowClients: number;
  /** Write .cpuprofile files for every measured child and print their top self-time functions. */
  cpuProf: boolean;
  /** Exit 1 when a target is missed (default: only when a case errors). */
  strict: boolean;
  /** Where temp SQLite files go: the OS temp dir unless BENCH_TMPDIR says otherwise. */
  tmpRoot: string;
}

export function parseArgs(argv: string[]): BenchOptions {
  const o: BenchOptions = {
    only: [], duration: 2, rounds: 4, warmup: 2, connections: 50, streams: 200, sseRounds: 2, normal: true, peers: false, postgres: false, prMs: [200, 300, 100], prWorkflows: 500, workersClients: 2_000, cpuMs: 20, flowClients: 10_000, cpuProf: false,
    strict: false,
    tmpRoot: process.env.BENCH_TMPDIR || tmpdir(),
  };
  for (const arg of argv) {
    const [key, value = ''] = arg.replace(/^--/, '').split('=', 2) as [string, string?];
    const num = (min: number, max: number): number => {
      const n = Number(value);
      if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${key} expects a number from ${min} to ${max}`);
      return n;
    };
    switch (key) {
      case 'only': o.only = value.split(',').map((s) => s.trim()).filter(Boolean); break;
      // Bounded so nobody runs a 10-minute load test on a shared machine by accident.
      case 'duration': o.duration = num(1, 30); break;
      case 'rounds': o.rounds = num(1, 6); break;
      case 'warmup': o.warmup = num(0, 10); break;
      case 'connections': o.connections = num(1, 200); break;
      // Below the service's watch cap (768: 3/4 of MAX_CONNECTIONS), which its long-polls count against too.
      case 'streams': o.streams = num(1, 700); break;
      case 'sse-rounds': o.sseRounds = num(1, 6); break;
      case 'no-normal': o.normal = false; break;
      case 'peers': o.peers = true; break;
      case 'postgres': o.postgres = true; break;
      case 'pr-ms': {
        const ms = value.split('/').map(Number);
        if (ms.length !== 3 || ms.some((n) => !Number.isInteger(n) || n < 0 || n > 10_000)) throw new Error('--pr-ms expects fetch/process/store in ms, e.g. 20/30/10');
        o.prMs = ms as [number, number, number];
        break;
      }
      case 'pr-workflows': o.prWorkflows = num(50, 10_000); break;
      case 'workers-clients': o.workersClients = num(10, 20_000); break;
      case 'cpu-ms': o.cpuMs = num(1, 1_000); break;
      case 'flow-clients': o.flowClients = num(100, 10_000); break;
      case 'cpu-prof': o.cpuProf = true; break;
      case 'strict': o.strict = true; break;
      case 'help': break;
      default: throw new Error(`unknown option ${arg} (see bench/README.md)`);
    }
  }
  return o;
}

/** True when `name` (or its group) was asked for, or nothing was singled out. */
export function selected(o: BenchOptions, name: string, group: string): boolean {
  return o.only.length === 0 || o.only.includes(name) || o.only.includes(group);
}

// ---------------------------------------------------------------- cleanup

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
const teardowns = new Set<() => Promise<void>>();

/**
 * Registers the removal of something that lives outside this process (a peer's throwaway
 * database, its Redis keys). It is async, so the 'exit' hook cannot run it: the caller runs it
 * itself on the normal path (and then calls the returned function), and Ctrl-C or a kill runs
 * every one still registered, after the children are killed, before the parent exits.
 */
export function onTeardown(teardown: () => Promise<void>): () => void {
  teardowns.add(teardown);
  return () => teardowns.delete(teardown);
}

export function makeTempDir(root: string, prefix: string): string {
  const dir = mkdtempSync(join(root, `clientflow-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Kills every child still alive and removes every temp dir; safe to call more than once. */
export function cleanupNow(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

let hooked = false;
/** Cleans up on every way out: normal exit, Ctrl-C, kill, or a crash of the parent. */
export function installCleanup(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', cleanupNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping children and removing temp dirs\n`);
      cleanupNow();
      // Children first (killed above), so nothing writes while their data is removed; bounded so
      // a server that stopped answering cannot hold Ctrl-C up.
      const pending = [...teardowns].map((teardown) => teardown().catch(() => undefined));
      teardowns.clear();
      void Promise.race([Promise.all(pending), sleep(5_000)]).finally(() => process.exit(130));
    });
  }
}

// ---------------------------------------------------------------- child processes

/** Every variable the service reads: stripped from children so a stray shell export cannot skew a run. */
const SERVICE_VARS = ['PORT', 'HOST', 'DB_PATH', 'DB_SYNC', 'DATABASE_URL', 'DB_SCHEMA', 'DB_POOL_SIZE', 'RUN_MODE', 'CONCURRENCY',
  'FETCH_MS', 'PROCESS_MS', 'STORE_MS', 'PROCESS_WORKERS', 'MAX_BATCH_SIZE', 'MAX_QUEUED', 'LEASE_MS', 'POLL_MS', 'SHUTDOWN_GRACE_MS', 'LOG_LEVEL',
  'AUTH', 'METRICS_AUTH', 'ALLOWED_HOSTS', 'RATE_LIMIT_PER_MINUTE',
  'DEFAULT_STAGES', 'CRM_URL_TEMPLATE', 'CRM_ALLOW_HOSTS', 'CRM_MAX_CONNECTIONS', 'FLOW_LIMITS'];

export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SERVICE_VARS) delete env[name];
  // tsx in the parent may have set loader flags; the child states its own.
  delete env.NODE_OPTIONS;
  return { ...env, ...extra };
}

/** node flags for a child (tsx for a TypeScript one), plus a CPU profile into `profDir` when asked. */
export function nodeArgs(profDir: string | null, typescript = true): string[] {
  return [...(typescript ? ['--import', 'tsx'] : []), ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])];
}

export interface Child {
  proc: ChildProcess;
  /** The last lines the child wrote, for error messages. */
  tail: () => string;
  /** Everything kept (the last 200 lines). */
  lines: () => string[];
  exited: Promise<number | null>;
}

export function startChild(script: string, env: NodeJS.ProcessEnv, profDir: string | null): Child {
  return adopt(spawn(process.execPath, [...nodeArgs(profDir, script.endsWith('.ts')), script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Tracks a child for cleanup and keeps the tail of what it writes (stdout and stderr must be pipes). */
export function adopt(proc: ChildProcess): Child {
  children.add(proc);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => {
    children.delete(proc);
    resolve(code);
  }));
  return { proc, tail: () => lines.slice(-15).join('\n'), lines: () => [...lines], exited };
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopChild(child: Child, graceMs = 8_000): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** A port nobody listens on right now (the child binds it a moment later; 127.0.0.1 only). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls GET /healthz every 100 ms until 200, the child dies, or `timeoutMs` passes. */
export async function waitHealthy(base: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  void child.exited.then(() => { died = true; });
  while (Date.now() < deadline) {
    if (died) throw new Error(`child exited before it was healthy:\n${child.tail()}`);
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`not healthy after ${timeoutMs} ms:\n${child.tail()}`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- output

function formatValue(r: CaseResult): string {
  if (r.value === null) return '—';
  const digits = ['wf/s', 'req/s', 'events', 'µs', 'MB'].includes(r.unit) ? 0 : r.unit === 'ms' ? 1 : 3;
  const n = r.value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return r.unit === '×' ? `${n}×` : `${n} ${r.unit}`;
}

function formatTarget(r: CaseResult): string {
  if (!r.target) return '(info)';
  const n = r.target.value.toLocaleString('en-US');
  return `${r.target.op === '<=' ? '≤' : '≥'} ${n}${r.unit === '×' ? '×' : ` ${r.unit}`}`;
}

export function formatTable(rows: CaseResult[]): string {
  const head = ['case', 'measure', 'measured', 'target', 'result', 'notes'];
  const body = rows.map((r) => [
    `${r.id} ${r.name}`, r.metric, formatValue(r), formatTarget(r),
    r.pass === null ? '—' : r.pass ? 'PASS' : 'FAIL', r.notes,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join(' │ ');
  const rule = widths.map((w, i) => '─'.repeat(i === widths.length - 1 ? Math.min(w, 40) : w)).join('─┼─');
  return [line(head), rule, ...body.map(line)].join('\n');
}

/** Linux clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on every mainstream kernel). */
const CLK_TCK = 100;

/** User + system CPU of a process in ms, from /proc (Linux); null elsewhere. */
export function procCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1_000) / CLK_TCK;
  } catch {
    return null;
  }
}

export const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

// ---------------------------------------------------------------- CPU profiles

/**
 * Top self-time functions of every .cpuprofile in `dir`. Profiles that are mostly idle (tsx's
 * loader thread, a server waiting for the next request) are skipped: they say nothing.
 */
export function summarizeProfiles(dir: string, top = 12): string {
  const out: string[] = [];
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  } catch {
    return '';
  }
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
      samples: number[];
      timeDeltas: number[];
    };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    let total = 0;
    // A server paused by SIGSTOP (see http-cases.ts) resumes with one sample whose delta spans
    // the whole pause; cap each delta at 4× the typical interval so pauses are not charged to
    // whatever function happened to be running.
    const sorted = [...profile.timeDeltas].sort((a, b) => a - b);
    const cap = 4 * (sorted[Math.floor(sorted.length / 2)] ?? 1_000);
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id)?.callFrame;
      const dt = Math.min(profile.timeDeltas[i] ?? 0, cap);
      total += dt;
      if (!frame) return;
      const where = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/');
      // No line numbers: tsx's transpiled output does not keep them, so they would mislead.
      const key = `${frame.functionName || '(anonymous)'}  ${where}`;
      self.set(key, (self.get(key) ?? 0) + dt);
    });
    const idle = self.get('(idle)  ') ?? 0;
    if (total === 0 || idle / total > 0.8) continue;
    out.push(`${file}  (${(total / 1e6).toFixed(1)} s sampled, ${((100 * idle) / total).toFixed(0)}% idle)`);
    for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      out.push(`  ${(us / 1e3).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
    }
  }
  return out.join('\n');
}

/** Node process warnings a child printed (e.g. MaxListenersExceededWarning), deduplicated. */
export function nodeWarnings(lines: string[]): string[] {
  const found = lines.filter((l) => /^\(node:\d+\) \w*Warning/.test(l)).map((l) => l.replace(/^\(node:\d+\) /, ''));
  return [...new Set(found)];
}

/** What a case's event listener calls on each `batch.finished`, to wake `submitThenWait`. */
export interface Waker {
  wake: () => void;
}

/**
 * Submits `inputs` one turn of the event loop apart (as separate POSTs would arrive), then waits
 * until `done` holds every id or `deadline` (performance.now()) passes. The caller subscribes to
 * the engine's events first (a small batch can finish before submit returns) and calls
 * `waker.wake()` on each batch.finished.
 */
export async function submitThenWait(
  engine: { submit(input: NewBatch): Promise<{ batch: { id: string } }> }, inputs: NewBatch[],
  done: ReadonlySet<string>, waker: Waker, deadline: number,
): Promise<{ ids: string[]; timedOut: boolean }> {
  const ids: string[] = [];
  for (const input of inputs) {
    ids.push((await engine.submit(input)).batch.id);
    await new Promise((resolve) => setImmediate(resolve));
  }
  while (!ids.every((id) => done.has(id))) {
    const left = deadline - performance.now();
    if (left <= 0) return { ids, timedOut: true };
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(left, 1_000));
      waker.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  return { ids, timedOut: false };
}
