/**
 * Case 10: does CPU-heavy processing hold up the event loop, and does PROCESS_WORKERS take it off?
 *
 * One service per side, as deployed (`node dist/server.js`, 127.0.0.1, temp DB,
 * LOG_LEVEL=warn, CONCURRENCY=1000), PROCESS_WORKERS=0 (inline) then =2 (worker threads), each
 * running one batch of `--workers-clients` (2,000) ids with zero stage delays and
 * `simulation.processCpuMs` (20 ms of CPU per client in the process stage). While the batch runs:
 *   - event-loop lag, from bench/loop-probe.ts preloaded into the service: a 10 ms tick whose
 *     late ticks also count the ticks they displaced, so its percentiles are shares of the time.
 *     Read (and reset) right before the POST and once the batch has finished. The service's own
 *     `nodejs_eventloop_lag_*_seconds` (perf_hooks, one sample per tick that ran, reset at every
 *     scrape) are read over the same span and kept in the JSON: a long block is one sample there;
 *   - GET /v1/batches/{id}: an open-loop paced client here, one request due every 50 ms whether or
 *     not the previous answered, over at most 8 keep-alive connections; each latency counts from
 *     when the request was due, so a stalled loop cannot hide the requests it delayed.
 * The figures are inline ÷ workers: how many times worse the loop and the reads are inline. A
 * third run, inline with no CPU work, shows what the engine alone costs the loop at this size.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { json, startApp, type Server } from './app-server.js';
import {
  BENCH_DIR, errorRow, log, makeTempDir, nodeWarnings, removeTempDir, sleep, stopChild, type BenchOptions, type CaseResult,
} from './lib.js';

/** One GET every this many ms during the batch. */
const PACE_MS = 50;
/** A side's batch must finish within this (inline, 2,000 × 20 ms is about 40 s of CPU on one thread). */
const BATCH_MS = 300_000;
const WORKERS = 2;

interface Lag {
  samples: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface Side {
  workers: number;
  batchId: string;
  makespanMs: number;
  lag: Lag;
  /** perf_hooks' view of the same span (samples are ticks that ran: a long block counts once). */
  perfHooksLag: { p50Ms: number; p99Ms: number; maxMs: number };
  get: { requests: number; failed: number; p50Ms: number; p99Ms: number; maxMs: number };
}

/** The value of one unlabelled series in a Prometheus text exposition. */
function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in /metrics`);
  return Number(line.slice(name.length + 1));
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function scrape(app: Server): Promise<string> {
  const res = await fetch(`${app.base}/metrics`, { signal: AbortSignal.timeout(BATCH_MS) });
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

/** Asks the probe for what it recorded since the last ask (SIGWINCH) and waits for its file. */
async function probe(app: Server, prefix: string, n: number): Promise<Lag> {
  app.child.proc.kill('SIGWINCH');
  const file = `${prefix}.${n}.json`;
  for (const deadline = Date.now() + BATCH_MS; !existsSync(file);) {
    if (Date.now() > deadline) throw new Error(`the loop probe wrote no ${file}`);
    await sleep(20);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Lag;
}

async function runSide(app: Server, probePrefix: string, workers: number, clients: number, cpuMs: number): Promise<Side> {
  const clientIds = Array.from({ length: clients }, (_, i) => i + 1);
  // Both lag recorders start afresh: what they report next covers the batch alone.
  await probe(app, probePrefix, 1);
  await scrape(app);
  const accepted = await json(await fetch(`${app.base}/v1/batches`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientIds, label: `bench workers=${workers}`, simulation: { fetchMs: 0, processMs: 0, storeMs: 0, processCpuMs: cpuMs } }),
  }), 202);
  const batchId = String(accepted.value.id);
  const url = `${app.base}/v1/batches/${batchId}`;
  const latencies: number[] = [];
  let failed = 0;
  let finishedAt: string | null = null;
  let createdAt = '';
  const inFlight = new Set<Promise<void>>();
  // A few connections, as a client would keep: requests due while all are busy wait their turn
  // here (and that wait counts), rather than opening hundreds of sockets during a stall.
  const agent = new Agent({ connections: 8, headersTimeout: BATCH_MS, bodyTimeout: BATCH_MS });
  const deadline = Date.now() + BATCH_MS;
  try {
    // Open loop: a request is due every PACE_MS on schedule; its latency counts from then.
    for (let due = performance.now(); finishedAt === null; due += PACE_MS) {
      if (Date.now() > deadline) throw new Error(`workers=${workers}: batch ${batchId} not finished within ${BATCH_MS} ms`);
      const t0 = due;
      const shot = request(url, { dispatcher: agent }).then(async (res) => {
        const body = await res.body.json() as { finishedAt: string | null; createdAt: string };
        if (res.statusCode !== 200) throw new Error(`GET answered ${res.statusCode}`);
        latencies.push(performance.now() - t0);
        createdAt = body.createdAt;
        if (body.finishedAt !== null) finishedAt = body.finishedAt;
      }).catch(() => { failed += 1; }).finally(() => inFlight.delete(shot));
      inFlight.add(shot);
      await sleep(Math.max(0, due + PACE_MS - performance.now()));
    }
    await Promise.all(inFlight);
  } finally {
    await agent.close();
  }
  const lag = await probe(app, probePrefix, 2);
  const metrics = await scrape(app);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    workers, batchId, makespanMs: Date.parse(finishedAt) - Date.parse(createdAt),
    lag,
    perfHooksLag: {
      p50Ms: round(metric(metrics, 'nodejs_eventloop_lag_p50_seconds') * 1_000),
      p99Ms: round(metric(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1_000),
      maxMs: round(metric(metrics, 'nodejs_eventloop_lag_max_seconds') * 1_000),
    },
    get: {
      requests: latencies.length, failed,
      p50Ms: round(quantile(sorted, 0.5)), p99Ms: round(quantile(sorted, 0.99)), maxMs: round(sorted[sorted.length - 1] ?? NaN),
    },
  };
}

export async function runWorkersCase(o: BenchOptions, profDir: string | null): Promise<CaseResult[]> {
  const dir = makeTempDir(o.tmpRoot, 'workers');
  const sides: Side[] = [];
  const warnings: string[] = [];
  try {
    // The third run has no CPU work: the lag and GET latency the engine alone causes at this size.
    for (const [workers, cpuMs] of [[0, o.cpuMs], [WORKERS, o.cpuMs], [0, 0]] as const) {
      const probePrefix = join(dir, `lag-w${workers}-${cpuMs}`);
      const app = await startApp(join(dir, `w${workers}-${cpuMs}`), {
        CONCURRENCY: '1000', PROCESS_WORKERS: String(workers), ALLOW_SIMULATION: 'on',
        NODE_OPTIONS: `--import=${pathToFileURL(join(BENCH_DIR, 'loop-probe.ts')).href}`, BENCH_LOOP_PROBE: probePrefix,
      }, profDir);
      try {
        log(`10 workers: PROCESS_WORKERS=${workers}, ${o.workersClients.toLocaleString('en-US')} clients × ${cpuMs} ms of process CPU`);
        const side = await runSide(app, probePrefix, workers, o.workersClients, cpuMs).catch((e: unknown) => {
          throw new Error(`PROCESS_WORKERS=${workers}: ${e instanceof Error ? e.message : String(e)}; the service's last lines:\n${app.child.tail()}`);
        });
        sides.push(side);
        warnings.push(...nodeWarnings(app.child.lines()));
        log(`10 workers: PROCESS_WORKERS=${workers}, ${cpuMs} ms: makespan ${side.makespanMs} ms; loop lag p50/p99/max ${side.lag.p50Ms}/${side.lag.p99Ms}/${side.lag.maxMs} ms `
          + `(perf_hooks p99 ${side.perfHooksLag.p99Ms} ms); `
          + `GET p50/p99/max ${side.get.p50Ms}/${side.get.p99Ms}/${side.get.maxMs} ms over ${side.get.requests} requests (${side.get.failed} failed)`);
      } finally {
        await stopChild(app.child);
      }
    }
    const [inline, pooled, bare] = sides as [Side, Side, Side];
    const ratio = (a: number, b: number) => round(a / b, 2);
    const details = { clients: o.workersClients, cpuMs: o.cpuMs, concurrency: 1000, paceMs: PACE_MS, workers: WORKERS, sides, ...(warnings.length ? { nodeWarnings: [...new Set(warnings)] } : {}) };
    return [
      {
        id: '10', name: 'event-loop lag, CPU-heavy batch', metric: 'lag p99 inline ÷ 2 workers', value: ratio(inline.lag.p99Ms, pooled.lag.p99Ms), unit: '×',
        target: null, pass: null,
        notes: `p99 ${inline.lag.p99Ms} vs ${pooled.lag.p99Ms} ms (max ${inline.lag.maxMs} vs ${pooled.lag.maxMs} ms; no CPU work: p99 ${bare.lag.p99Ms} ms); `
          + `${o.workersClients} clients × ${o.cpuMs} ms CPU`,
        details,
      },
      {
        id: '10g', name: 'GET batch during it', metric: 'GET p99 inline ÷ 2 workers', value: ratio(inline.get.p99Ms, pooled.get.p99Ms), unit: '×',
        target: null, pass: null,
        notes: `p99 ${inline.get.p99Ms} vs ${pooled.get.p99Ms} ms (p50 ${inline.get.p50Ms} vs ${pooled.get.p50Ms}; no CPU work: p99 ${bare.get.p99Ms} ms; `
          + `${inline.get.requests}/${pooled.get.requests} requests, ${inline.get.failed + pooled.get.failed} failed)`,
        details: {},
      },
      {
        id: '10m', name: 'makespan of it', metric: 'inline ÷ 2 workers', value: ratio(inline.makespanMs, pooled.makespanMs), unit: '×',
        target: null, pass: null,
        notes: `${(inline.makespanMs / 1_000).toFixed(1)} vs ${(pooled.makespanMs / 1_000).toFixed(1)} s (ideal inline: ${((o.workersClients * o.cpuMs) / 1_000).toFixed(0)} s of CPU on one thread)`,
        details: {},
      },
    ];
  } catch (e) {
    log(`10 workers failed: ${e instanceof Error ? e.message : String(e)}`);
    return [errorRow('10', 'event-loop lag, CPU-heavy batch', 'lag p99 inline ÷ 2 workers', null, e)];
  } finally {
    removeTempDir(dir);
  }
}
