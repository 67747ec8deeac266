/**
 * Case 10: does CPU-heavy processing hold up the event loop, and does PROCESS_WORKERS take it off?
 *
 * One service per side, as deployed (`node --import tsx src/server.ts`, 127.0.0.1, temp DB,
 * LOG_LEVEL=warn, CONCURRENCY=1000), PROCESS_WORKERS=0 (inline) then =2 (worker threads), each
 * running one batch of `--workers-clients` (2,000) ids with zero stage delays and
 * `simulation.processCpuMs` (20 ms of CPU per client in the process stage). While the batch runs:
 *   - event-loop lag: the service's own `nodejs_eventloop_lag_p99_seconds` (perf_hooks
 *     monitorEventLoopDelay, reset at every scrape): scraped once right before the POST and once
 *     when the batch has finished, so the second scrape covers exactly the batch;
 *   - GET /v1/batches/{id}: an open-loop paced client here, one request every 50 ms whether or
 *     not the previous answered (a stalled loop cannot hide requests it delayed), latency p50/p99/max.
 * The figures are inline ÷ workers: how many times worse the loop and the reads are inline.
 */
import { join } from 'node:path';
import { json, startApp, type Server } from './http-cases.js';
import {
  errorRow, log, makeTempDir, nodeWarnings, removeTempDir, stopChild, type BenchOptions, type CaseResult,
} from './lib.js';

/** One GET every this many ms during the batch. */
const PACE_MS = 50;
/** A side's batch must finish within this (inline, 2,000 × 20 ms is about 40 s of CPU on one thread). */
const BATCH_MS = 300_000;
const WORKERS = 2;

interface Side {
  workers: number;
  batchId: string;
  makespanMs: number;
  lag: { p50Ms: number; p99Ms: number; maxMs: number };
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

async function runSide(app: Server, workers: number, clients: number, cpuMs: number): Promise<Side> {
  const clientIds = Array.from({ length: clients }, (_, i) => i + 1);
  // Resets the lag histogram: the next scrape covers the batch alone.
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
  const deadline = Date.now() + BATCH_MS;
  // Open loop: a request leaves every PACE_MS on schedule; each one's latency is from its own send.
  while (finishedAt === null) {
    if (Date.now() > deadline) throw new Error(`workers=${workers}: batch ${batchId} not finished within ${BATCH_MS} ms`);
    const t0 = performance.now();
    const shot = fetch(url, { signal: AbortSignal.timeout(BATCH_MS) }).then(async (res) => {
      const body = await res.json() as { finishedAt: string | null; createdAt: string };
      if (res.status !== 200) throw new Error(`GET answered ${res.status}`);
      latencies.push(performance.now() - t0);
      createdAt = body.createdAt;
      if (body.finishedAt !== null) finishedAt = body.finishedAt;
    }).catch(() => { failed += 1; }).finally(() => inFlight.delete(shot));
    inFlight.add(shot);
    await new Promise((resolve) => setTimeout(resolve, PACE_MS));
  }
  await Promise.all(inFlight);
  const metrics = await scrape(app);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    workers, batchId, makespanMs: Date.parse(finishedAt) - Date.parse(createdAt),
    lag: {
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
    for (const workers of [0, WORKERS]) {
      const app = await startApp(join(dir, `w${workers}`), { CONCURRENCY: '1000', PROCESS_WORKERS: String(workers), ALLOW_SIMULATION: 'on' }, profDir);
      try {
        log(`10 workers: PROCESS_WORKERS=${workers}, ${o.workersClients.toLocaleString('en-US')} clients × ${o.cpuMs} ms of process CPU`);
        const side = await runSide(app, workers, o.workersClients, o.cpuMs);
        sides.push(side);
        warnings.push(...nodeWarnings(app.child.lines()));
        log(`10 workers: PROCESS_WORKERS=${workers}: makespan ${side.makespanMs} ms; loop lag p50/p99/max ${side.lag.p50Ms}/${side.lag.p99Ms}/${side.lag.maxMs} ms; `
          + `GET p50/p99/max ${side.get.p50Ms}/${side.get.p99Ms}/${side.get.maxMs} ms over ${side.get.requests} requests (${side.get.failed} failed)`);
      } finally {
        await stopChild(app.child);
      }
    }
    const [inline, pooled] = sides as [Side, Side];
    const ratio = (a: number, b: number) => round(a / b, 2);
    const details = { clients: o.workersClients, cpuMs: o.cpuMs, concurrency: 1000, paceMs: PACE_MS, workers: WORKERS, sides, ...(warnings.length ? { nodeWarnings: [...new Set(warnings)] } : {}) };
    return [
      {
        id: '10', name: 'event-loop lag, CPU-heavy batch', metric: 'lag p99 inline ÷ 2 workers', value: ratio(inline.lag.p99Ms, pooled.lag.p99Ms), unit: '×',
        target: null, pass: null,
        notes: `p99 ${inline.lag.p99Ms} vs ${pooled.lag.p99Ms} ms (max ${inline.lag.maxMs} vs ${pooled.lag.maxMs} ms); ${o.workersClients} clients × ${o.cpuMs} ms CPU`,
        details,
      },
      {
        id: '10g', name: 'GET batch during it', metric: 'GET p99 inline ÷ 2 workers', value: ratio(inline.get.p99Ms, pooled.get.p99Ms), unit: '×',
        target: null, pass: null,
        notes: `p99 ${inline.get.p99Ms} vs ${pooled.get.p99Ms} ms (p50 ${inline.get.p50Ms} vs ${pooled.get.p50Ms}; ${inline.get.requests}/${pooled.get.requests} requests, `
          + `${inline.get.failed + pooled.get.failed} failed)`,
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
