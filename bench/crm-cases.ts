/**
 * Cases 11 and 12: the http stage set against the mock CRM (scripts/mock-crm/server.ts), which
 * runs in this process (it only answers; the service it measures is a child, as in the others).
 *
 * - 11 flow: the CRM allows `crm:acme` 500 requests/s (a bucket of one second); the service has
 *   FLOW_LIMITS=crm:acme=500/s,burst=50, CONCURRENCY=1000, POLL_MS=100, and gets one batch of
 *   `--flow-clients` (10,000) clients naming flowKey crm:acme. Measured at the CRM: requests it
 *   answered 200 per second over the batch and after its first second, 429s after the first
 *   second, and the most requests open at once; at the service, the most workflows of the key
 *   leased at once (GET /v1/limits/crm:acme every 100 ms). A workflow waiting for a token holds no
 *   slot, so both stay far below CONCURRENCY.
 * - 12 crm makespan: 10,000 clients, CRM latency 100 ms, no quota, CONCURRENCY=1000 and
 *   CRM_MAX_CONNECTIONS=1000 (1,000 requests in flight), no simulated delays in process/store:
 *   ideal 10 waves × 100 ms = 1 s plus what the same batch costs against a CRM answering at once
 *   (12z: engine, round trips, process, store); elapsed ÷ ideal, as case 2's ratio. 12p: the same
 *   at the default CRM_MAX_CONNECTIONS (64), which bounds the waves: ideal 157 × 100 ms.
 */
import { join } from 'node:path';
import { startMockCrm, type MockCrm } from '../scripts/mock-crm/server.js';
import { json, startApp, type Server } from './app-server.js';
import {
  errorRow, log, makeTempDir, nodeWarnings, removeTempDir, sleep, stopChild, verdict, type BenchOptions, type CaseResult,
} from './lib.js';

const FLOW_KEY = 'crm:acme';
const QUOTA = 500;
/** A case must finish within this: each is meant to take well under two minutes. */
const BUDGET_MS = 110_000;
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** What the CRM saw: every answer with its time, and the most requests open at once. */
interface CrmWatch {
  answers: Array<{ at: number; status: number }>;
  peakOpen: number;
}

/**
 * Starts the mock CRM with a watch on it: a request counts as open from its arrival until its
 * answer is logged (the log line is written right after the answer, or when the client closes it).
 */
async function startWatchedCrm(latencyMs: number, quotas: Map<string, number>): Promise<{ crm: MockCrm; watch: CrmWatch }> {
  const watch: CrmWatch = { answers: [], peakOpen: 0 };
  let open = 0;
  const crm = await startMockCrm({
    port: 0, latencyMs, quotas,
    log: (line) => {
      open -= 1;
      const status = /→ (\d{3})/.exec(line);
      watch.answers.push({ at: performance.now(), status: status ? Number(status[1]) : 0 });
    },
  });
  crm.events.on('request', () => {
    open += 1;
    watch.peakOpen = Math.max(watch.peakOpen, open);
  });
  return { crm, watch };
}

interface BatchRun {
  id: string;
  postedAt: number;
  status: string;
  elapsedMs: number;
  timings: Record<string, unknown>;
  /** Most workflows of the flow key leased at once, from GET /v1/limits (null: not read). */
  peakInUse: number | null;
}

/** POSTs one batch and polls it every 100 ms until it finishes (and the key's limit, when given). */
async function runBatch(app: Server, body: Record<string, unknown>, flowKey: string | null): Promise<BatchRun> {
  const postedAt = performance.now();
  const accepted = await json(await fetch(`${app.base}/v1/batches`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  }), 202);
  const id = String(accepted.value.id);
  let peakInUse: number | null = null;
  const deadline = Date.now() + BUDGET_MS;
  for (;;) {
    if (flowKey !== null) {
      const res = await fetch(`${app.base}/v1/limits/${encodeURIComponent(flowKey)}`);
      if (res.ok) {
        const limit = await res.json() as { inUse: number };
        peakInUse = Math.max(peakInUse ?? 0, limit.inUse);
      } else {
        await res.body?.cancel();
      }
    }
    const b = (await json(await fetch(`${app.base}/v1/batches/${id}`), 200)).value as {
      status: string; finishedAt: string | null; timings: { elapsedMs: number | null } & Record<string, unknown>; progress: { percent: number };
    };
    if (b.finishedAt !== null) {
      return { id, postedAt, status: b.status, elapsedMs: b.timings.elapsedMs ?? NaN, timings: b.timings, peakInUse };
    }
    if (Date.now() > deadline) throw new Error(`batch ${id} not finished within ${BUDGET_MS} ms (${b.progress.percent}% done)`);
    await sleep(100);
  }
}

const clientIds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function flow(o: BenchOptions, dir: string, profDir: string | null): Promise<CaseResult[]> {
  const { crm, watch } = await startWatchedCrm(0, new Map([[FLOW_KEY, QUOTA]]));
  let app: Server | null = null;
  try {
    app = await startApp(join(dir, 'flow'), {
      CRM_URL_TEMPLATE: crm.template, CRM_ALLOW_HOSTS: '127.0.0.1', FLOW_LIMITS: `${FLOW_KEY}=${QUOTA}/s,burst=50`,
      CONCURRENCY: '1000', POLL_MS: '100',
    }, profDir);
    const n = o.flowClients;
    log(`11 flow: ${n.toLocaleString('en-US')} clients, flowKey ${FLOW_KEY}, CRM quota ${QUOTA}/s`);
    const run = await runBatch(app, { clientIds: clientIds(n), stages: 'http', flowKey: FLOW_KEY, label: 'bench crm flow' }, FLOW_KEY);
    if (run.status !== 'succeeded') throw new Error(`batch ended ${run.status}`);
    const warnings = nodeWarnings(app.child.lines());
    const steadyFrom = run.postedAt + 1_000;
    const ok = watch.answers.filter((a) => a.status === 200);
    const okAfter = ok.filter((a) => a.at >= steadyFrom);
    const lastOk = ok.at(-1)?.at ?? NaN;
    const steadyRate = okAfter.length / ((lastOk - steadyFrom) / 1_000);
    const overall = n / (run.elapsedMs / 1_000);
    const throttledAfter = watch.answers.filter((a) => a.status === 429 && a.at >= steadyFrom).length;
    const throttled = watch.answers.filter((a) => a.status === 429).length;
    const details = {
      clients: n, quotaPerSecond: QUOTA, flowLimits: `${FLOW_KEY}=${QUOTA}/s,burst=50`, concurrency: 1000, pollMs: 100,
      elapsedMs: run.elapsedMs, clientsPerSecond: round(overall, 1), steadyClientsPerSecond: round(steadyRate, 1),
      crmAnswered: Object.fromEntries(crm.answered), crm429AfterFirstSecond: throttledAfter, crm429: throttled,
      peakOpenAtCrm: watch.peakOpen, peakLeasedOfKey: run.peakInUse, crmConnections: { ...crm.connections },
      timings: run.timings, ...(warnings.length ? { nodeWarnings: warnings } : {}),
    };
    log(`11 flow: ${round(overall, 1)} clients/s over the batch, ${round(steadyRate, 1)}/s after its first second; `
      + `429s ${throttled} (${throttledAfter} after the first second); at the CRM at once ≤ ${watch.peakOpen}, leased ≤ ${run.peakInUse ?? '—'}`);
    const within = { op: '>=', value: 0.95 * QUOTA } as const;
    return [
      {
        id: '11', name: `flow ${n / 1000}k @ ${QUOTA}/s quota`, metric: 'clients/s after 1st second', value: round(steadyRate, 1), unit: 'wf/s',
        target: within, pass: verdict(steadyRate, within) === true && steadyRate <= 1.05 * QUOTA,
        notes: `target ${QUOTA} ± 5 %; ${round(overall, 1)}/s over the whole batch (${(run.elapsedMs / 1_000).toFixed(1)} s, ramp and tail included)`,
        details,
      },
      {
        id: '11r', name: '429s after 1st second', metric: 'CRM 429 answers', value: throttledAfter, unit: 'events',
        target: { op: '<=', value: 0 }, pass: throttledAfter === 0,
        notes: `${throttled} in all`, details: {},
      },
      {
        id: '11c', name: 'in flight at the CRM', metric: 'most requests open at once', value: watch.peakOpen, unit: 'events',
        target: null, pass: null,
        notes: `vs CONCURRENCY 1000; most workflows of ${FLOW_KEY} leased at once ${run.peakInUse ?? '—'} (GET /v1/limits every 100 ms)`,
        details: {},
      },
    ];
  } finally {
    if (app) await stopChild(app.child);
    await crm.close();
  }
}

interface MakespanSide {
  pool: number;
  elapsedMs: number;
  idealMs: number;
  peakOpenAtCrm: number;
  crmConnections: MockCrm['connections'];
  crmAnswered: Record<number, number>;
  timings: Record<string, unknown>;
  nodeWarnings: string[];
}

const MAKESPAN = { clients: 10_000, latencyMs: 100, concurrency: 1000 } as const;

/** One service with CRM_MAX_CONNECTIONS=pool against a fresh CRM; the ideal counts the waves the smaller of pool and CONCURRENCY allows. */
async function makespanSide(dir: string, pool: number, profDir: string | null, latencyMs: number = MAKESPAN.latencyMs): Promise<MakespanSide> {
  const { clients: n, concurrency } = MAKESPAN;
  const { crm, watch } = await startWatchedCrm(latencyMs, new Map());
  let app: Server | null = null;
  try {
    app = await startApp(join(dir, `makespan-${pool}-${latencyMs}`), {
      CRM_URL_TEMPLATE: crm.template, CRM_ALLOW_HOSTS: '127.0.0.1', CONCURRENCY: String(concurrency), CRM_MAX_CONNECTIONS: String(pool),
    }, profDir);
    log(`12 crm makespan: ${n.toLocaleString('en-US')} clients, CRM latency ${latencyMs} ms, CONCURRENCY ${concurrency}, CRM_MAX_CONNECTIONS ${pool}`);
    const run = await runBatch(app, { clientIds: clientIds(n), stages: 'http', label: `bench crm makespan pool ${pool}` }, null);
    if (run.status !== 'succeeded') throw new Error(`batch ended ${run.status}`);
    const idealMs = Math.ceil(n / Math.min(pool, concurrency)) * latencyMs;
    log(`12 crm makespan: pool ${pool}, latency ${latencyMs} ms: ${run.elapsedMs} ms vs ideal ${idealMs} ms; at the CRM at once ≤ ${watch.peakOpen}, ${crm.connections.peak} connections`);
    return {
      pool, elapsedMs: run.elapsedMs, idealMs, peakOpenAtCrm: watch.peakOpen, crmConnections: { ...crm.connections },
      crmAnswered: Object.fromEntries(crm.answered), timings: run.timings, nodeWarnings: nodeWarnings(app.child.lines()),
    };
  } finally {
    if (app) await stopChild(app.child);
    await crm.close();
  }
}

/**
 * Case 12 with CRM_MAX_CONNECTIONS=1000, so 1,000 requests can be in flight as CONCURRENCY allows;
 * 12p with the default pool (64), which then bounds the waves (ideal 157 × 100 ms).
 */
async function makespan(dir: string, profDir: string | null): Promise<CaseResult[]> {
  const { clients: n, latencyMs, concurrency } = MAKESPAN;
  const wide = await makespanSide(dir, concurrency, profDir);
  const pooled = await makespanSide(dir, 64, profDir);
  // The same batch against a CRM that answers at once: what the engine, the HTTP round trips,
  // process and store cost without the latency (the "+ process/store" part of the ideal).
  const floor = await makespanSide(dir, concurrency, profDir, 0);
  const ratio = (s: MakespanSide) => round(s.elapsedMs / s.idealMs);
  // The ideal: the waves of latency, plus what the same batch costs with none (12z).
  const ideal = wide.idealMs + floor.elapsedMs;
  const value = round(wide.elapsedMs / ideal);
  const target = { op: '<=', value: 1.25 } as const;
  return [
    {
      id: '12', name: `crm makespan 10k × ${latencyMs} ms`, metric: 'elapsed / ideal', value, unit: '×',
      target, pass: verdict(value, target),
      notes: `${wide.elapsedMs} ms vs ideal ${ideal} ms (${n / concurrency} waves × ${latencyMs} ms + 12z's ${floor.elapsedMs} ms); `
        + `vs the waves alone ${ratio(wide)}×; CONCURRENCY and CRM_MAX_CONNECTIONS ${concurrency}; at the CRM at once ≤ ${wide.peakOpenAtCrm}`,
      details: { clients: n, latencyMs, concurrency, sides: [wide, pooled, floor] },
    },
    {
      id: '12p', name: 'same, default CRM pool (64)', metric: 'elapsed / pool-bound ideal', value: ratio(pooled), unit: '×',
      target: null, pass: null,
      notes: `${pooled.elapsedMs} ms vs ideal ${pooled.idealMs} ms (${Math.ceil(n / 64)} waves of 64 × ${latencyMs} ms); at the CRM at once ≤ ${pooled.peakOpenAtCrm}`,
      details: {},
    },
    {
      id: '12z', name: 'same, CRM answering at once', metric: 'makespan at 0 ms latency', value: floor.elapsedMs, unit: 'ms',
      target: null, pass: null,
      notes: `the engine, the round trips, process and store alone; case 12 − this = ${wide.elapsedMs - floor.elapsedMs} ms for ${n / concurrency} waves of ${latencyMs} ms`,
      details: {},
    },
  ];
}

export async function runCrmCases(o: BenchOptions, which: { flow: boolean; makespan: boolean }, profDir: string | null): Promise<CaseResult[]> {
  const dir = makeTempDir(o.tmpRoot, 'crm');
  const rows: CaseResult[] = [];
  try {
    if (which.flow) {
      rows.push(...await flow(o, dir, profDir).catch((e: unknown) => {
        log(`11 flow failed: ${e instanceof Error ? e.message : String(e)}`);
        return [errorRow('11', 'flow @ 500/s quota', 'clients/s after 1st second', { op: '>=', value: 0.95 * QUOTA }, e)];
      }));
    }
    if (which.makespan) {
      rows.push(...await makespan(dir, profDir).catch((e: unknown) => {
        log(`12 crm makespan failed: ${e instanceof Error ? e.message : String(e)}`);
        return [errorRow('12', 'crm makespan 10k × 100 ms', 'elapsed / ideal', { op: '<=', value: 1.25 }, e)];
      }));
    }
    return rows;
  } finally {
    removeTempDir(dir);
  }
}

/** Puts case 2's ratio beside case 12's when both ran: the same 10k wave shape, simulated vs over HTTP. */
export function addCrmComparisons(rows: CaseResult[]): void {
  const two = rows.find((r) => r.id === '2');
  const twelve = rows.find((r) => r.id === '12');
  if (two?.value != null && twelve?.value != null) twelve.notes += `; case 2 (simulated) ${two.value}×`;
}
