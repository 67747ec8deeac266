/**
 * `--peers`: the same workloads on other job queues, measured in the same run on the same
 * machine, printed as rows beside clientflow's: BullMQ (Redis), pg-boss and graphile-worker
 * (PostgreSQL). See bench/README.md "Peers" for what each runs and how to read the figures.
 *
 * Rows: `2-<peer>` makespan, `3-<peer>` throughput, `8` clientflow's own POST → first start
 * latency and `8-<peer>` each peer's, so each sorts right under the clientflow case it compares
 * with; `3-vs-bullmq` is clientflow's throughput ÷ BullMQ's against the goal (≥ 1.4×).
 *
 * Each peer runs in a child (bench/peers/child.ts) bounded in time. Its server must answer on
 * 127.0.0.1, else its rows say "skipped". The parent removes what the child made — the run's
 * databases (`clientflow_bench_<pid>_…`) or Redis keys (`clientflow-bench-<pid>:…`) — after the
 * child is gone, however it ended, and on Ctrl-C (lib.ts `onTeardown`).
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import {
  adopt, BENCH_DIR, childEnv, errorRow, log, makeTempDir, nodeArgs, onTeardown, removeTempDir, ROOT, verdict,
  type BenchOptions, type CaseResult,
} from './lib.js';
import type { PeerName, PeerReply, PeerRequest } from './peers/child.js';
import { answers, deleteRedisKeys, dropDatabases, PG, pgUser, REDIS } from './peers/servers.js';
import { BUDGET_MS, LATENCY, MAKESPAN, THROUGHPUT, type Measured, type WorkloadName } from './peers/workloads.js';

const PEERS = ['bullmq', 'pg-boss', 'graphile-worker'] as const satisfies PeerName[];
const WORKLOADS: WorkloadName[] = ['throughput', 'makespan', 'latency'];
/** Table ids: the clientflow case each workload compares with. */
const CASE: Record<WorkloadName, string> = { makespan: '2', throughput: '3', latency: '8' };
const IDEAL_MS = MAKESPAN.delays.fetchMs + MAKESPAN.delays.processMs + MAKESPAN.delays.storeMs;

/** `--peers`, or `--only=` naming peers, one of them, or the latency case alone. */
export function peersWanted(o: BenchOptions): boolean {
  return o.peers || o.only.some((n) => ['peers', 'latency', '8', ...PEERS].includes(n));
}

function peerWanted(o: BenchOptions, peer: PeerName): boolean {
  return o.peers || o.only.includes('peers') || o.only.includes(peer);
}

export async function runPeers(o: BenchOptions, profDir: string | null): Promise<CaseResult[]> {
  const rows = await runClientflowLatency(o, profDir);
  for (const peer of PEERS) if (peerWanted(o, peer)) rows.push(...await runPeer(peer, o, profDir));
  return rows;
}

// ---------------------------------------------------------------- children

/** Forks bench/peers/child.ts; resolves with its reply or throws with its last lines. */
async function runChild(req: PeerRequest, profDir: string | null): Promise<PeerReply> {
  const child = adopt(fork(join(BENCH_DIR, 'peers', 'child.ts'), ['--child', JSON.stringify(req)], {
    // NO_LOG_SUCCESS: graphile-worker's switch for its per-job success line (as LOG_LEVEL=warn is clientflow's).
    cwd: ROOT, env: childEnv({ NO_LOG_SUCCESS: '1' }), execArgv: nodeArgs(profDir), stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  }));
  // The workload bounds itself; this is the backstop if it hangs (set-up and tear-down included).
  const backstopMs = BUDGET_MS[req.workload] + 40_000;
  const killer = setTimeout(() => child.proc.kill('SIGKILL'), backstopMs);
  try {
    const reply = await new Promise<PeerReply | null>((resolve) => {
      child.proc.once('message', (m) => resolve(m as PeerReply));
      void child.exited.then(() => resolve(null));
    });
    await child.exited;
    if (!reply) throw new Error(`child exited without a result:\n${child.tail()}`);
    return reply;
  } finally {
    clearTimeout(killer);
  }
}

async function runClientflowLatency(o: BenchOptions, profDir: string | null): Promise<CaseResult[]> {
  const dir = makeTempDir(o.tmpRoot, 'latency');
  try {
    const reply = await runChild({ peer: 'clientflow', workload: 'latency', pgUser: '', dbPrefix: '', redisPrefix: '', dir }, profDir);
    return [rowOf('clientflow', reply)];
  } catch (e) {
    log(`8 latency failed: ${e instanceof Error ? e.message : String(e)}`);
    return [errorRow('8', 'POST → first stage start, clientflow', 'p50', null, e)];
  } finally {
    removeTempDir(dir);
  }
}

async function runPeer(peer: (typeof PEERS)[number], o: BenchOptions, profDir: string | null): Promise<CaseResult[]> {
  const redis = peer === 'bullmq';
  const server = redis ? { what: 'Redis', ...REDIS } : { what: 'PostgreSQL', ...PG };
  if (!(await answers(server.port))) {
    log(`${peer}: no ${server.what} answering on 127.0.0.1:${server.port}, skipped`);
    return WORKLOADS.map((w) => skippedRow(peer, w, `skipped: no ${server.what} answering on 127.0.0.1:${server.port}`));
  }
  const dbPrefix = `clientflow_bench_${process.pid}_${peer.replace(/-/g, '_')}`;
  const redisPrefix = `clientflow-bench-${process.pid}`;
  let user = '';
  try {
    if (!redis) user = await pgUser();
  } catch (e) {
    return WORKLOADS.map((w) => errorRow(`${CASE[w]}-${peer}`, names(peer)[w], '', null, e));
  }
  // Everything a child makes is under these prefixes: removed here after each workload, however
  // its child ended, so no workload starts on another's leftovers.
  const teardown = async () => (redis
    ? `leftover Redis keys removed: ${await deleteRedisKeys(redisPrefix)}`
    : `leftover databases dropped: ${(await dropDatabases(user, dbPrefix)).join(', ') || 'none'}`);
  const off = onTeardown(async () => { await teardown(); });
  const rows: CaseResult[] = [];
  try {
    for (const workload of WORKLOADS) {
      try {
        rows.push(rowOf(peer, await runChild({ peer, workload, pgUser: user, dbPrefix, redisPrefix, dir: '' }, profDir)));
      } catch (e) {
        log(`${peer} ${workload} failed: ${e instanceof Error ? e.message : String(e)}`);
        rows.push(errorRow(`${CASE[workload]}-${peer}`, names(peer)[workload], '', null, e));
      } finally {
        log(`${peer} ${workload}: cleaned up (${await teardown().catch((e: unknown) => `FAILED, remove by hand: ${e instanceof Error ? e.message : String(e)}`)})`);
      }
    }
  } finally {
    off();
  }
  return rows;
}

// ---------------------------------------------------------------- rows

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile of ascending `xs`. */
function percentile(xs: number[], p: number): number {
  return xs[Math.max(0, Math.ceil(p * xs.length) - 1)] ?? NaN;
}

function names(label: string): Record<WorkloadName, string> {
  return {
    throughput: `throughput 100k × 0 ms, ${label}`,
    makespan: `makespan 10k × 200/300/100 ms, ${label}`,
    latency: `POST → first stage start, ${label}`,
  };
}

function skippedRow(peer: PeerName, w: WorkloadName, why: string): CaseResult {
  return { id: `${CASE[w]}-${peer}`, name: names(peer)[w], metric: '', value: null, unit: '', target: null, pass: null, notes: why, details: { skipped: why } };
}

function cpuNote(m: Measured): string {
  if (m.cpuUsPerWorkflow === null) return '';
  return `; CPU ${fmt(m.cpuUsPerWorkflow)} µs/wf${m.serverCpuUsPerWorkflow === null ? '' : ` + server ${fmt(m.serverCpuUsPerWorkflow)}`}`;
}

function rowOf(peer: PeerName, reply: PeerReply): CaseResult {
  const id = (w: WorkloadName) => (peer === 'clientflow' ? CASE[w] : `${CASE[w]}-${peer}`);
  const name = names(reply.label);
  const r = reply.result;
  if (reply.strays.length) log(`${peer}: errors nobody handled in the child (after its shutdown?): ${reply.strays.join(' | ')}`);
  if (!r.ok) return errorRow(id(r.workload), name[r.workload], '', null, r.error);
  const m = r.measured;
  const details = { ...m, label: reply.label, node: reply.node, ...(reply.strays.length ? { strays: reply.strays } : {}) };
  const base = { id: id(m.workload), name: name[m.workload], target: null, pass: null, details };
  switch (m.workload) {
    case 'throughput': {
      const wfps = m.finished ? (m.finished / m.spanMs) * 1_000 : 0;
      const cut = m.timedOut ? ` (cut at ${BUDGET_MS.throughput / 1_000} s: the rate over those finished)` : '';
      return {
        ...base, metric: 'workflows/s', value: Math.round(wfps), unit: 'wf/s',
        notes: `${fmt(m.finished)} of ${fmt(THROUGHPUT.workflows)} wf in ${fmt(m.finished ? m.spanMs : m.wallMs)} ms${cut}; ${m.settings}${cpuNote(m)}; ${m.durability}`,
      };
    }
    case 'makespan': {
      // Cut short, the makespan is at least the time waited: a lower bound.
      const ratio = round((m.timedOut ? m.wallMs : m.spanMs) / IDEAL_MS);
      const head = m.timedOut
        ? `at least this: cut at ${BUDGET_MS.makespan / 1_000} s with ${fmt(m.finished)} of ${fmt(MAKESPAN.workflows)} finished`
        : `${fmt(m.spanMs)} ms vs ideal ${IDEAL_MS} ms`;
      return { ...base, metric: 'elapsed / ideal', value: ratio, unit: '×', notes: `${head}; ${m.settings}${cpuNote(m)}; ${m.durability}` };
    }
    case 'latency': {
      const xs = [...(m.samplesMs ?? [])].sort((a, b) => a - b);
      const p50 = round(percentile(xs, 0.5), 2);
      const p99 = round(percentile(xs, 0.99), 2);
      const cut = m.timedOut ? ` (cut at ${BUDGET_MS.latency / 1_000} s)` : '';
      return {
        ...base, metric: 'p50 (ms)', value: xs.length ? p50 : null, unit: 'ms',
        notes: `p99 ${p99} ms, max ${round(xs.at(-1) ?? NaN, 1)} ms over ${xs.length} of ${LATENCY.samples} samples${cut}; ${m.settings}; ${m.durability}`,
        details: { ...details, p50Ms: p50, p99Ms: p99 },
      };
    }
  }
}

/**
 * Puts clientflow's figures of the same run beside each peer's row (first in its notes), and adds
 * the goal row: clientflow case 3 ÷ BullMQ ≥ 1.4×. Rows whose clientflow case did not run get none.
 */
export function addComparisons(rows: CaseResult[]): CaseResult[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const value = (id: string) => byId.get(id)?.value ?? null;
  const out: CaseResult[] = [];
  for (const r of rows) {
    out.push(r);
    const [caseId, peer] = r.id.split(/-(.*)/s) as [string, string?];
    if (!peer || !PEERS.includes(peer as (typeof PEERS)[number]) || r.value === null) continue;
    const own = value(caseId);
    if (own === null) continue;
    if (caseId === '3') {
      const ratio = round(own / r.value, 2);
      r.notes = `clientflow 3 ÷ this: ${ratio}×; ${r.notes}`;
      r.details.clientflowRatio = ratio;
      if (peer === 'bullmq') {
        const target = { op: '>=' as const, value: 1.4 };
        out.push({
          id: '3-vs-bullmq', name: 'clientflow 3 ÷ BullMQ throughput', metric: 'wf/s ratio', value: ratio, unit: '×', target,
          pass: verdict(ratio, target),
          notes: `clientflow ${fmt(own)} wf/s (case 3, DB_SYNC=full: every group commit fsynced) vs BullMQ ${fmt(r.value)} wf/s; ${String(r.details.durability)}`,
          details: { clientflowWfps: own, bullmqWfps: r.value },
        });
      }
    } else if (caseId === '2') {
      r.notes = `clientflow 2: ${own}×; ${r.notes}`;
    } else if (caseId === '8') {
      const p99 = byId.get('8')?.details.p99Ms;
      r.notes = `clientflow p50 ${own} / p99 ${String(p99)} ms; ${r.notes}`;
    }
  }
  return out;
}
