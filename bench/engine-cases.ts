/**
 * Engine cases 1–3 (and diagnostic 6): makespan and throughput of the real Engine over the real
 * SQLite store, and what a status read costs as a batch grows.
 *
 * Why in-process and not over HTTP: what is measured is the batch's own `timings.elapsedMs`
 * (createdAt → finishedAt, stamped by the store), so an HTTP hop would add nothing but noise from
 * the load generator. The service is wired exactly as src/server.ts wires it (loadConfig →
 * createLogger → openStore → new Engine → start), from the built dist/ as deployed (deployed.ts),
 * on a real file in a temp dir.
 *
 * Why a child process per case: each case starts from a fresh heap and JIT like a freshly started
 * server, a 100,000-workflow run cannot leave garbage behind for the next case, and the parent
 * (which later runs autocannon) never shares an event loop with an engine. The parent forks this
 * file with `--child`; the child reports its rows over IPC and exits.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Engine } from '../src/engine/engine.js';
import type { Batch, NewBatch } from '../src/model/types.js';
import type { Store } from '../src/store/store.js';
import { deployed } from './deployed.js';
import {
  adopt, childEnv, errorRow, log, makeTempDir, nodeArgs, nodeWarnings, removeTempDir, ROOT, submitThenWait, verdict,
  type BenchOptions, type CaseResult, type Waker,
} from './lib.js';

export type EngineCaseName = 'tutorial' | 'makespan' | 'throughput' | 'status' | 'queued' | 'fair';

interface ChildRequest {
  name: EngineCaseName;
  sync: 'full' | 'normal';
  dir: string;
  /** Wall-clock budget: past it the case reports what finished so far, marked as timed out. */
  budgetMs: number;
}

type ChildReply = { ok: true; rows: CaseResult[] } | { ok: false; error: string };

// ================================================================ parent side

/** Budgets keep the whole `npm run bench` bounded even on a slow, noisy machine. */
const BUDGET_MS: Record<EngineCaseName, number> = { tutorial: 30_000, makespan: 60_000, throughput: 90_000, status: 30_000, queued: 120_000, fair: 60_000 };

/** Runs one case in a fresh child; never throws (a crash becomes a failing row). */
export async function runEngineCase(
  name: EngineCaseName, sync: 'full' | 'normal', o: BenchOptions, profDir: string | null,
): Promise<CaseResult[]> {
  const dir = makeTempDir(o.tmpRoot, `${name}-${sync}`);
  const request: ChildRequest = { name, sync, dir, budgetMs: BUDGET_MS[name] };
  const child = adopt(fork(fileURLToPath(import.meta.url), ['--child', JSON.stringify(request)], {
    cwd: ROOT, env: childEnv({}), execArgv: nodeArgs(profDir), stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  }));
  // The child enforces its own budget; this is the backstop if it hangs.
  const killer = setTimeout(() => child.proc.kill('SIGKILL'), request.budgetMs + 30_000);
  try {
    const reply = await new Promise<ChildReply>((resolve) => {
      child.proc.once('message', (m) => resolve(m as ChildReply));
      void child.exited.then((code) => resolve({ ok: false, error: `child exited (${String(code)}) without a result:\n${child.tail()}` }));
    });
    await child.exited;
    if (!reply.ok) throw new Error(reply.error);
    // Node warnings the service printed under load are findings too (see README).
    const warnings = nodeWarnings(child.lines());
    for (const row of reply.rows) if (warnings.length) row.details.nodeWarnings = warnings;
    return reply.rows;
  } catch (e) {
    log(`${name} (${sync}) failed: ${e instanceof Error ? e.message : String(e)}`);
    const ids = {
      tutorial: ['1', 'tutorial'], makespan: ['2', 'makespan'], throughput: [sync === 'full' ? '3' : '3n', `throughput ${sync}`], status: ['6', 'status'],
      queued: ['9', 'queued'], fair: ['14', 'fair'],
    };
    const [id, label] = ids[name] as [string, string];
    return [errorRow(id, label, '', null, e)];
  } finally {
    clearTimeout(killer);
    removeTempDir(dir);
  }
}

// ================================================================ child side

export interface Service {
  engine: Engine;
  store: Store;
  concurrency: number;
  stageMs: number;
}

/**
 * The service as src/server.ts builds it, minus HTTP. LOG_LEVEL=warn like the HTTP cases. With
 * DATABASE_URL in `env` it runs on PostgreSQL (bench/pg-cases.ts) and DB_PATH/DB_SYNC mean nothing.
 */
export async function withService<T>(req: Pick<ChildRequest, 'dir' | 'sync'>, env: Record<string, string>, run: (s: Service) => Promise<T>): Promise<T> {
  const { loadConfig } = await deployed<typeof import('../src/config.js')>('config.js');
  const { createLogger } = await deployed<typeof import('../src/logger.js')>('logger.js');
  const { createService } = await deployed<typeof import('../src/service.js')>('service.js');
  const config = loadConfig({ ...env, DB_PATH: join(req.dir, 'bench.db'), DB_SYNC: req.sync, LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: '1000' });
  // tty=false: JSON lines into the pipe, never a pino-pretty worker thread competing for CPU.
  const service = await createService(config, { logger: createLogger(config, false) });
  await service.start();
  try {
    const { engine, store } = service;
    return await run({ engine, store, concurrency: config.CONCURRENCY, stageMs: config.FETCH_MS + config.PROCESS_MS + config.STORE_MS });
  } finally {
    await service.stop();
  }
}

interface BatchRun {
  batches: Batch[];
  timedOut: boolean;
  /** CPU the whole process used from the first submit to the last finish, in cores (1.0 = one core busy). */
  cores: number;
  /** The same CPU in µs (user + system), for a per-workflow figure beside the peers'. */
  cpuUs: number;
  wallMs: number;
}

/** Submits the batches one after another (as separate POSTs would arrive) and waits for all to finish. */
async function submitAndWait(s: Service, inputs: NewBatch[], budgetMs: number): Promise<BatchRun> {
  const deadline = performance.now() + budgetMs;
  const finished = new Set<string>();
  const waker: Waker = { wake: () => {} };
  // Subscribe before submitting: a small batch can finish before submit() returns.
  const off = s.engine.events.on((e) => {
    if (e.type === 'batch.finished') {
      finished.add(e.batchId);
      waker.wake();
    }
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let ids: string[];
  let timedOut: boolean;
  try {
    ({ ids, timedOut } = await submitThenWait(s.engine, inputs, finished, waker, deadline));
  } finally {
    off();
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const batches = await Promise.all(ids.map(async (id) => {
    const b = await s.store.getBatch(id, Date.now());
    if (!b) throw new Error(`batch ${id} vanished`);
    return b;
  }));
  return { batches, timedOut, cores: (cpu.user + cpu.system) / 1_000 / wallMs, cpuUs: cpu.user + cpu.system, wallMs };
}

export const ids = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => offset + i + 1);
export const newBatch = (clientIds: number[], label: string): NewBatch => ({
  clientIds, priority: 0, label, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
});
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

function row(r: Omit<CaseResult, 'pass'>): CaseResult {
  return { ...r, pass: verdict(r.value, r.target) };
}

/** Case 1: the tutorial. Five clients at the default delays run side by side: ideal 6000 ms. */
async function tutorial(req: ChildRequest): Promise<CaseResult[]> {
  return withService(req, {}, async (s) => {
    if (s.concurrency < 5) throw new Error(`default CONCURRENCY is ${s.concurrency}; the case needs ≥ 5`);
    const n = 5;
    const run = await submitAndWait(s, [newBatch(ids(n), 'bench tutorial')], req.budgetMs);
    const b = run.batches[0] as Batch;
    if (run.timedOut || b.status !== 'succeeded') throw new Error(`batch ended ${b.status}${run.timedOut ? ' (timed out)' : ''}`);
    const ideal = Math.ceil(n / s.concurrency) * s.stageMs;
    const elapsed = b.timings.elapsedMs ?? NaN;
    const details = { elapsedMs: elapsed, idealMs: ideal, concurrency: s.concurrency, sync: req.sync, timings: b.timings, stages: b.stages };
    return [
      row({
        id: '1', name: 'tutorial 5 × 2000/3000/1000 ms', metric: 'elapsed / ideal', value: round(elapsed / ideal, 4), unit: '×',
        target: { op: '<=', value: 1.005 }, notes: `${elapsed} ms vs ideal ${ideal} ms; CONCURRENCY ${s.concurrency}, DB_SYNC ${req.sync}`, details,
      }),
      row({
        id: '1s', name: 'tutorial speedup', metric: 'sequential / elapsed', value: b.timings.speedup, unit: '×', target: null,
        notes: `batch timings.speedup; ideal ${n}× (${b.timings.sequentialMs} ms sequential)`, details: { timings: b.timings },
      }),
    ];
  });
}

/** Case 2's workload (and P2's, bench/pg-cases.ts): 10,000 clients at 200/300/100 ms, all at once. */
export const MAKESPAN = { workflows: 10_000, env: { CONCURRENCY: '10000', FETCH_MS: '200', PROCESS_MS: '300', STORE_MS: '100' } } as const;

/** Case 2: 10,000 clients at 200/300/100 ms, all at once: ideal 600 ms. */
async function makespan(req: ChildRequest): Promise<CaseResult[]> {
  return withService(req, MAKESPAN.env, async (s) => {
    const n = MAKESPAN.workflows;
    const run = await submitAndWait(s, [newBatch(ids(n), 'bench makespan')], req.budgetMs);
    const b = run.batches[0] as Batch;
    if (run.timedOut) throw new Error(`not finished within ${req.budgetMs} ms (${b.progress.percent}% done)`);
    const ideal = Math.ceil(n / s.concurrency) * s.stageMs;
    const elapsed = b.timings.elapsedMs ?? NaN;
    return [row({
      id: '2', name: 'makespan 10k × 200/300/100 ms', metric: 'elapsed / ideal', value: round(elapsed / ideal), unit: '×',
      target: { op: '<=', value: 1.25 },
      notes: `${elapsed} ms vs ideal ${ideal} ms; queue wait p95 ${b.timings.queueWaitMs?.p95 ?? '—'} ms, workflow p95 ${b.timings.workflowMs?.p95 ?? '—'} ms; ${round(run.cores, 2)} cores, CPU ${Math.round(run.cpuUs / n)} µs/wf`,
      details: { elapsedMs: elapsed, idealMs: ideal, status: b.status, concurrency: s.concurrency, sync: req.sync, cpuCores: run.cores, cpuUsPerWorkflow: run.cpuUs / n, timings: b.timings, stages: b.stages },
    })];
  });
}

/**
 * Case 3: 100,000 zero-delay workflows, in ten batches of 10,000 (the default MAX_BATCH_SIZE, so
 * each is a batch one POST could carry). CONCURRENCY=1000: enough that group commits are large
 * (each fsync covers hundreds of transitions) without claiming the whole backlog into memory.
 * Throughput = finished workflows / (first batch createdAt → last batch finishedAt). P3
 * (bench/pg-cases.ts) runs the same batches and CONCURRENCY on PostgreSQL, with a smaller `size`.
 */
export const THROUGHPUT = { batches: 10, size: 10_000, env: { CONCURRENCY: '1000', FETCH_MS: '0', PROCESS_MS: '0', STORE_MS: '0' } } as const;

async function throughput(req: ChildRequest): Promise<CaseResult[]> {
  const { batches, size } = THROUGHPUT;
  return withService(req, THROUGHPUT.env, async (s) => {
    const inputs = Array.from({ length: batches }, (_, i) => newBatch(ids(size, i * size), `bench throughput ${i + 1}`));
    const run = await submitAndWait(s, inputs, req.budgetMs);
    const first = Date.parse(run.batches[0]?.createdAt ?? '');
    const done = run.batches.reduce((n, b) => n + b.progress.succeeded + b.progress.failed, 0);
    const failed = run.batches.reduce((n, b) => n + b.progress.failed, 0);
    const end = run.timedOut ? first + run.wallMs : Math.max(...run.batches.map((b) => Date.parse(b.finishedAt ?? '')));
    const spanMs = end - first;
    const wfps = (done / spanMs) * 1_000;
    const perBatch = run.batches.map((b) => b.timings.elapsedMs);
    const cpuUs = Math.round(run.cpuUs / Math.max(1, done));
    return [row({
      id: req.sync === 'full' ? '3' : '3n', name: `throughput 100k × 0 ms, DB_SYNC=${req.sync}`, metric: 'workflows/s',
      value: Math.round(wfps), unit: 'wf/s', target: { op: '>=', value: 20_000 },
      notes: `${done.toLocaleString('en-US')} wf in ${Math.round(spanMs)} ms${run.timedOut ? ' (TIMED OUT: partial)' : ''}${failed ? `, ${failed} failed` : ''}; CONCURRENCY ${s.concurrency}; ${round(run.cores, 2)} cores`,
      details: { workflows: done, failed, spanMs, timedOut: run.timedOut, concurrency: s.concurrency, sync: req.sync, cpuCores: run.cores, batchElapsedMs: perBatch },
    }), row({
      // All threads of the process (process.cpuUsage is getrusage(RUSAGE_SELF)), first submit to last finish.
      id: req.sync === 'full' ? '3c' : '3nc', name: `CPU per workflow, DB_SYNC=${req.sync}`, metric: 'service CPU ÷ workflows',
      value: cpuUs, unit: 'µs', target: { op: '<=', value: 50 },
      notes: `${round(run.cores, 2)} cores × ${Math.round(run.wallMs)} ms ÷ ${done.toLocaleString('en-US')} wf`,
      details: { cpuUs, cpuCores: run.cores, wallMs: run.wallMs, workflows: done },
    })];
  });
}

/** Median µs of one `getBatch` of each batch, the two alternated so machine noise hits both equally. */
async function readCost(store: Store, smallId: string, largeId: string): Promise<{ smallUs: number; largeUs: number }> {
  // 1 s of calls at most per side.
  const perCall = { small: [] as number[], large: [] as number[] };
  for (let i = 0; i < 40; i++) {
    for (const [key, id] of [['small', smallId], ['large', largeId]] as const) {
      const t0 = performance.now();
      for (let k = 0; k < 5; k++) await store.getBatch(id, Date.now());
      perCall[key].push((performance.now() - t0) / 5);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  return { smallUs: median(perCall.small) * 1_000, largeUs: median(perCall.large) * 1_000 };
}

/**
 * Case 6 (diagnostic, no target): what one status read costs for a running batch of 10,000
 * workflows vs one of 10. DESIGN.md budgets status calls as O(1) in batch size, so ≈1× is the
 * expectation. Measured on the store call the GET route makes, in-process: HTTP adds the same
 * constant to both sides and would only blur the ratio. 6d: the same read when the values are
 * spread out.
 */
async function status(req: ChildRequest): Promise<CaseResult[]> {
  return [...await statusEarly(req), await statusSpread(req)];
}

async function statusEarly(req: ChildRequest): Promise<CaseResult[]> {
  // Default delays: both batches stay `running` (a few workflows started) for the whole measurement.
  return withService(req, {}, async (s) => {
    const { batch: small } = await s.engine.submit(newBatch(ids(10), 'bench status small'));
    const { batch: large } = await s.engine.submit(newBatch(ids(10_000), 'bench status large'));
    const deadline = Date.now() + 10_000;
    const isRunning = async (id: string) => (await s.store.getBatch(id, Date.now()))?.status === 'running';
    while (!(await isRunning(small.id) && await isRunning(large.id))) {
      if (Date.now() > deadline) throw new Error('batches did not start within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { smallUs, largeUs } = await readCost(s.store, small.id, large.id);
    return [row({
      id: '6', name: 'status of a running batch, 10k vs 10', metric: 'getBatch time ratio', value: round(largeUs / smallUs, 1), unit: '×',
      target: { op: '<=', value: 2 }, notes: `store.getBatch ${Math.round(largeUs).toLocaleString('en-US')} µs (10,000 wf) vs ${Math.round(smallUs)} µs (10 wf); DESIGN expects O(1) ≈ 1×`,
      details: { smallUs, largeUs, calls: 200 },
    })];
  });
}

/**
 * Case 6d: the same read when a batch's values are spread out (docs/ARCHITECTURE.md, "p95s"): a
 * running 10,000-workflow batch whose queue waits all differ — each started 1 ms after the one
 * before, as when a large batch waits its turn at low concurrency — so 500 distinct values lie
 * above its wait p95, which a walk of the histogram would read; its stage times repeat, as whole
 * ms do. Written straight to a store of its own: no engine would leave 10,000 started workflows
 * running while it is measured.
 */
async function statusSpread(req: ChildRequest): Promise<CaseResult> {
  const { SqliteStore } = await deployed<typeof import('../src/store/sqlite/sqlite-store.js')>('store/sqlite/sqlite-store.js');
  const store = new SqliteStore({ path: join(req.dir, 'spread.db'), sync: 'normal' });
  try {
    const t0 = Date.now();
    const small = (await store.createBatch(newBatch(ids(10), 'bench status small'), t0)).batch;
    const large = (await store.createBatch(newBatch(ids(10_000), 'bench status spread'), t0)).batch;
    const writes: Array<Promise<void>> = [];
    for (const [i, wf] of (await store.claim('bench', 10_010, t0, 3_600_000)).entries()) {
      const at = t0 + i;
      writes.push(store.record({ kind: 'started', workflow: wf, stage: 'fetch', at }));
      writes.push(store.record({ kind: 'succeeded', workflow: wf, stage: 'fetch', at: at + 2_000 + (i % 7), output: {}, next: 'process' }));
      if (writes.length >= 2_000) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
    for (const id of [small.id, large.id]) {
      const b = await store.getBatch(id, Date.now());
      if (b?.status !== 'running' || b.progress.running !== b.progress.total) throw new Error(`batch ${id} is ${b?.status ?? 'missing'}`);
    }
    const { smallUs, largeUs } = await readCost(store, small.id, large.id);
    return row({
      id: '6d', name: 'status of a running batch, 10k distinct waits vs 10', metric: 'getBatch time ratio', value: round(largeUs / smallUs, 1),
      unit: '×', target: null,
      notes: `store.getBatch ${Math.round(largeUs).toLocaleString('en-US')} µs (10,000 wf, 10,000 distinct waits) vs ${Math.round(smallUs)} µs (10 wf)`,
      details: { smallUs, largeUs, calls: 200 },
    });
  } finally {
    await store.close();
  }
}

/**
 * Case 9: memory with a million workflows queued. 100 batches of 10,000 are admitted (the engine
 * runs at its default CONCURRENCY and delays meanwhile, as in production); the figure is the
 * process's RSS once all are in, with no forced GC (what a running server holds). Memory must not
 * grow with the backlog: the dispatcher holds only what it claimed.
 */
async function queued(req: ChildRequest): Promise<CaseResult[]> {
  return withService(req, {}, async (s) => {
    const batches = 100;
    const size = 10_000;
    const deadline = Date.now() + req.budgetMs - 10_000;
    let admitted = 0;
    for (let i = 0; i < batches && Date.now() < deadline; i++) {
      await s.engine.submit(newBatch(ids(size, i * size), `bench queued ${i + 1}`));
      admitted += size;
    }
    const rssMb = Math.round(process.memoryUsage().rss / 1_048_576);
    const heapMb = Math.round(process.memoryUsage().heapUsed / 1_048_576);
    return [row({
      id: '9', name: `RSS with ${admitted.toLocaleString('en-US')} queued`, metric: 'resident set size', value: rssMb, unit: 'MB',
      target: { op: '<=', value: 200 }, notes: `heap used ${heapMb} MB; ${admitted === batches * size ? 'all admitted' : 'PARTIAL: budget ran out'}`,
      details: { admitted, rssMb, heapMb },
    })];
  });
}

/**
 * Case 14: fair to every tenant at any priority. acme submits 2,000 workflows at priority 10,
 * then globex 100 at priority 0 (CONCURRENCY=20, fetch 5 ms): globex's share of the stages started
 * while both had work (an equal share is 0.5; priority across tenants gave it 0), and its batch's
 * elapsed time ÷ acme's. 14k: the same with both batches on one flow key limited to 4 at once.
 */
async function fair(req: ChildRequest): Promise<CaseResult[]> {
  const env = { CONCURRENCY: '20', FETCH_MS: '5', PROCESS_MS: '0', STORE_MS: '0', FLOW_LIMITS: 'crm:shared=conc=4' };
  return withService(req, env, async (s) => {
    const rows: CaseResult[] = [];
    for (const flowKey of [null, 'crm:shared'] as const) {
      const started = { acme: 0, globex: 0 };
      const tenantOf = new Map<string, 'acme' | 'globex'>();
      let contended = true;
      const finished = new Map<string, Batch>();
      const done = new Promise<void>((resolve) => {
        const off = s.engine.events.on((e) => {
          if (e.type === 'stage.started' && e.stage === 'fetch' && contended) {
            const tenant = tenantOf.get(e.batchId);
            if (tenant) started[tenant] += 1;
          }
          if (e.type === 'batch.finished' && tenantOf.has(e.batchId)) {
            if (tenantOf.get(e.batchId) === 'globex') contended = false;
            void s.store.getBatch(e.batchId, Date.now()).then((b) => {
              finished.set(e.batchId, b!);
              if (finished.size === 2) {
                off();
                resolve();
              }
            });
          }
        });
      });
      const submit = async (tenant: 'acme' | 'globex', n: number, priority: number, offset: number) => {
        const { batch } = await s.engine.submit({ ...newBatch(ids(n, offset), `bench fair ${tenant}`), tenant, priority, flowKey });
        tenantOf.set(batch.id, tenant);
        return batch.id;
      };
      const acme = await submit('acme', 2_000, 10, 0);
      const globex = await submit('globex', 100, 0, 10_000);
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, req.budgetMs / 2 - 5_000))]);
      const elapsed = (id: string) => {
        const b = finished.get(id);
        return b?.finishedAt ? Date.parse(b.finishedAt) - Date.parse(b.createdAt) : null;
      };
      const [a, g] = [elapsed(acme), elapsed(globex)];
      const share = started.acme + started.globex === 0 ? null : round(started.globex / (started.acme + started.globex));
      const suffix = flowKey === null ? '' : 'k';
      rows.push(row({
        id: `14${suffix}`, name: `fair: priority 10 vs 0${flowKey === null ? '' : ', one flow key (conc 4)'}`,
        metric: "globex's share of starts while both had work", value: share, unit: '',
        target: { op: '>=', value: 0.4 },
        notes: `globex elapsed ${g ?? '?'} ms ÷ acme ${a ?? '?'} ms = ${a && g ? round(g / a) : '?'}; starts acme ${started.acme}, globex ${started.globex}`,
        details: { started, acmeMs: a, globexMs: g },
      }));
    }
    return rows;
  });
}

const CASES: Record<EngineCaseName, (req: ChildRequest) => Promise<CaseResult[]>> = { tutorial, makespan, throughput, status, queued, fair };

async function childMain(): Promise<void> {
  const req = JSON.parse(process.argv[3] ?? '{}') as ChildRequest;
  let reply: ChildReply;
  try {
    reply = { ok: true, rows: await CASES[req.name](req) };
  } catch (e) {
    reply = { ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  // Exit on purpose (not by a kill) so --cpu-prof gets to write its profile.
  process.send?.(reply, () => process.exit(0));
}

if (process.argv[2] === '--child' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await childMain();
