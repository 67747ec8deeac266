/**
 * HTTP cases 4–5: the service's req/s as a ratio of a bare Fastify server measured in the same
 * run, on the same machine, with the same autocannon settings. Ratios, not absolute req/s, because
 * the machines are shared: whatever noise there is hits both sides.
 *
 * Both servers are child processes so autocannon (here, in the parent) never shares their event
 * loop. The service runs exactly as deployed (`node dist/server.js`, built by `npm start`'s own step) with a fresh
 * SQLite file per case and LOG_LEVEL=warn; the baseline (baseline-server.ts) answers the same
 * routes with byte-for-byte the bodies the service sent, without logging, validation or storage.
 *
 * Drift control: each side gets the same warm-up, then the measured rounds alternate
 * (base, app, app, base, …) so a slow minute on the machine cannot favour one side, and the side
 * not being loaded is paused so its background work cannot either (see `turn`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  ROOT, childEnv, errorRow, freePort, log, makeTempDir, nodeWarnings, procCpuMs, removeTempDir, startChild, stopChild, verdict,
  waitHealthy, type BenchOptions, type CaseResult,
} from './lib.js';
import { json, startApp, type Server } from './app-server.js';

async function startBaseline(dir: string, postBody: string, getBody: string, profDir: string | null): Promise<Server> {
  const port = await freePort();
  const postFile = join(dir, 'post-body.json');
  const getFile = join(dir, 'get-body.json');
  writeFileSync(postFile, postBody);
  writeFileSync(getFile, getBody);
  const child = startChild('bench/baseline-server.ts', childEnv({
    PORT: String(port), BASELINE_POST_BODY: postFile, BASELINE_GET_BODY: getFile,
  }), profDir);
  const base = `http://127.0.0.1:${port}`;
  await waitHealthy(base, child);
  return { base, child };
}

/** The request both sides get. `body` undefined = GET. */
interface Shot {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  /** Sent as they are (case 5k: the Authorization header, to the baseline too). */
  headers?: Record<string, string>;
}

interface Load {
  ok: number;
  seconds: number;
  /** CPU the loaded server used during the turn (user + system, /proc), ms; null off Linux. */
  cpuMs: number | null;
  non2xx: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

async function fire(base: string, shot: Shot, seconds: number, connections: number): Promise<Load> {
  const headers = { ...shot.headers, ...(shot.body ? { 'content-type': 'application/json' } : {}) };
  const r = await autocannon({
    url: `${base}${shot.path}`, method: shot.method, connections, duration: seconds, pipelining: 1, headers,
    ...(shot.body ? { body: shot.body } : {}),
  });
  // Only 2xx answers count: a server that answers 500 fast must not look fast.
  return { ok: r['2xx'], seconds: r.duration, cpuMs: null, non2xx: r.non2xx, errors: r.errors, p50Ms: r.latency.p50, p99Ms: r.latency.p99 };
}

interface Comparison {
  appRps: number;
  baseRps: number;
  ratio: number;
  /**
   * The servers' CPU per 2xx answer, µs (null off Linux), and app ÷ bare. Less sensitive than
   * req/s to what else runs on the machine: a busy neighbour slows both, but costs neither CPU.
   */
  appCpuUs: number | null;
  baseCpuUs: number | null;
  cpuRatio: number | null;
  roundRatios: number[];
  app: Load[];
  baseline: Load[];
}

/**
 * Loads one side while the other is paused (SIGSTOP). Without the pause the service's engine,
 * still draining the workflows the POST case accepted, would eat CPU during the baseline's turn
 * and flatter the ratio; the pause gives each side the machine to itself.
 */
async function turn(active: Server, paused: Server, shot: Shot, seconds: number, connections: number): Promise<Load> {
  paused.child.proc.kill('SIGSTOP');
  try {
    const cpu0 = procCpuMs(active.child.proc.pid);
    const load = await fire(active.base, shot, seconds, connections);
    const cpu1 = procCpuMs(active.child.proc.pid);
    return { ...load, cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
  } finally {
    paused.child.proc.kill('SIGCONT');
  }
}

async function compare(app: Server, baseline: Server, appShot: Shot, baseShot: Shot, o: BenchOptions): Promise<Comparison> {
  if (o.warmup > 0) {
    await turn(baseline, app, baseShot, o.warmup, o.connections);
    await turn(app, baseline, appShot, o.warmup, o.connections);
  }
  const appLoads: Load[] = [];
  const baseLoads: Load[] = [];
  for (let r = 0; r < o.rounds; r++) {
    const order = r % 2 === 0 ? ['base', 'app'] : ['app', 'base'];
    for (const side of order) {
      if (side === 'base') baseLoads.push(await turn(baseline, app, baseShot, o.duration, o.connections));
      else appLoads.push(await turn(app, baseline, appShot, o.duration, o.connections));
    }
  }
  const rps = (loads: Load[]) => loads.reduce((n, l) => n + l.ok, 0) / loads.reduce((n, l) => n + l.seconds, 0);
  const roundRatios = appLoads.map((l, i) => {
    const b = baseLoads[i];
    return b && b.ok > 0 ? round(l.ok / l.seconds / (b.ok / b.seconds)) : NaN;
  });
  const appRps = rps(appLoads);
  const baseRps = rps(baseLoads);
  const appCpuUs = cpuPerAnswer(appLoads);
  const baseCpuUs = cpuPerAnswer(baseLoads);
  const cpuRatio = appCpuUs === null || baseCpuUs === null ? null : round(appCpuUs / baseCpuUs);
  return { appRps, baseRps, ratio: round(appRps / baseRps), appCpuUs, baseCpuUs, cpuRatio, roundRatios, app: appLoads, baseline: baseLoads };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function cpuPerAnswer(loads: Load[]): number | null {
  if (loads.some((l) => l.cpuMs === null)) return null;
  const ok = loads.reduce((n, l) => n + l.ok, 0);
  return ok > 0 ? Math.round((loads.reduce((n, l) => n + l.cpuMs!, 0) * 1000 * 10) / ok) / 10 : null;
}

function summarize(c: Comparison): string {
  const bad = c.app.reduce((n, l) => n + l.non2xx + l.errors, 0);
  const p99 = Math.max(...c.app.map((l) => l.p99Ms));
  const cpu = c.cpuRatio === null ? '' : `; CPU/answer app ${c.appCpuUs} µs vs bare ${c.baseCpuUs} µs (${c.cpuRatio}×)`;
  return `app ${Math.round(c.appRps).toLocaleString('en-US')} vs bare ${Math.round(c.baseRps).toLocaleString('en-US')} req/s; `
    + `rounds ${c.roundRatios.join('/')}${cpu}; app p99 ${p99} ms${bad ? `; ${bad} non-2xx/errors` : ''}`;
}

/** Ten ids, zero stage delays: every accepted batch is also run by the engine during the test. */
const BUSY_BODY = JSON.stringify({ clientIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], simulation: { fetchMs: 0, processMs: 0, storeMs: 0 } });
/** Ten ids at the default delays: the engine only trickles (50 × 6 s), so this isolates the POST path. */
const QUIET_BODY = JSON.stringify({ clientIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });

/** Case 5k's tenant: as long as `default`, so its batch's JSON has the keyless one's length. */
const KEYED_TENANT = 'tenant1';

/**
 * A tenant key made the operator's way (`clientflow keys create`) in the SQLite file `dbPath`,
 * before the service opens it. Returns the key (the last line the command prints).
 */
function createKey(dbPath: string): string {
  const out = execFileSync(process.execPath, ['dist/cli.js', 'keys', 'create', '--tenant', KEYED_TENANT, '--label', 'bench'], {
    cwd: ROOT, env: childEnv({ DB_PATH: dbPath, LOG_LEVEL: 'warn' }), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  const key = out.trim().split('\n').at(-1) ?? '';
  if (!key.startsWith('cf_')) throw new Error(`clientflow keys create printed no key: ${out}`);
  return key;
}

/** POSTs a 10-id zero-delay batch and polls it until it succeeded: the 202 and the finished batch. */
async function sampleBatch(base: string, headers: Record<string, string> = {}) {
  const accepted = await json(await fetch(`${base}/v1/batches`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: BUSY_BODY,
  }), 202);
  const path = `/v1/batches/${String(accepted.value.id)}`;
  let finished: { text: string; value: Record<string, unknown> } | undefined;
  for (const until = Date.now() + 15_000; Date.now() < until;) {
    finished = await json(await fetch(`${base}${path}`, { headers }), 200);
    if (finished.value.status === 'succeeded') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (finished?.value.status !== 'succeeded') throw new Error(`sample batch did not finish: ${finished?.text ?? ''}`);
  return { accepted, path, finished };
}

export async function runHttpCases(o: BenchOptions, wanted: { get: boolean; post: boolean; keyed: boolean }, profDir: string | null): Promise<CaseResult[]> {
  const rows: CaseResult[] = [];
  const dir = makeTempDir(o.tmpRoot, 'http');
  let baseline: Server | undefined;
  let app: Server | undefined;
  try {
    // Sample bodies from a real service, so the baseline sends the same bytes.
    app = await startApp(join(dir, 'get'), {}, profDir);
    const { accepted, path: batchPath, finished } = await sampleBatch(app.base);
    baseline = await startBaseline(dir, accepted.text, finished.text, profDir);

    // GET first, while this service is idle: the POST cases leave a backlog behind them.
    if (wanted.get) {
      log(`5 GET ${batchPath}: ${o.warmup} s warm-up + ${o.rounds} × ${o.duration} s per side`);
      const shot: Shot = { method: 'GET', path: batchPath };
      const c = await compare(app, baseline, shot, shot, o);
      const target = { op: '>=' as const, value: 0.8 };
      rows.push({
        id: '5', name: 'GET /v1/batches/{id} (finished)', metric: 'req/s app / bare', value: c.ratio, unit: '×', target,
        pass: verdict(c.ratio, target), notes: `${summarize(c)}; body ${finished.text.length} B`,
        details: { ...c, bodyBytes: finished.text.length, connections: o.connections },
      });
    }
    await stopChild(app.child);
    app = undefined;

    if (wanted.keyed) {
      // 5k: case 5 as a tenant would ask it. AUTH=required, a tenant key in every request: the
      // key's lookup (cached after the first), its rate limit (quota read from the tenant cache)
      // and the ownership check are what this row adds to case 5. The quota is raised so that no
      // answer is a 429; the limiter still counts every request.
      const keyedDir = join(dir, 'keyed');
      mkdirSync(keyedDir, { recursive: true });
      const key = createKey(join(keyedDir, 'app.db'));
      const auth = { authorization: `Bearer ${key}` };
      app = await startApp(keyedDir, { AUTH: 'required', ALLOW_SIMULATION: 'on', RATE_LIMIT_PER_MINUTE: '10000000' }, profDir);
      const sample = await sampleBatch(app.base, auth);
      log(`5k GET ${sample.path} with a tenant key, AUTH=required: ${o.warmup} s warm-up + ${o.rounds} × ${o.duration} s per side`);
      const shot: Shot = { method: 'GET', path: sample.path, headers: auth };
      const c = await compare(app, baseline, shot, shot, o);
      const case5 = rows.find((r) => r.id === '5');
      const keyless = case5?.value ?? null;
      const keylessCpuUs = (case5?.details as Partial<Comparison> | undefined)?.appCpuUs ?? null;
      const vs5 = keyless === null ? '' : `; ÷ case 5: ${round(c.ratio / keyless)}×`
        + (keylessCpuUs && c.appCpuUs !== null ? `, CPU/answer ${round(c.appCpuUs / keylessCpuUs)}× (${c.appCpuUs} vs ${keylessCpuUs} µs)` : '');
      rows.push({
        id: '5k', name: 'GET /v1/batches/{id}, tenant key', metric: 'req/s app / bare', value: c.ratio, unit: '×', target: null, pass: null,
        notes: `${summarize(c)}${vs5}; body ${sample.finished.text.length} B`,
        details: { ...c, bodyBytes: sample.finished.text.length, connections: o.connections, keylessRatio: keyless, keylessCpuUs },
      });
      await stopChild(app.child);
      app = undefined;
    }

    if (wanted.post) {
      // 4q is the case the target is for: the POST path alone (validate + durable insert, engine
      // nearly idle). 4 and 4n are diagnostics that split the cost around it: 4 = the same POSTs
      // while the engine runs every accepted workflow on the same cores, 4n = 4q with
      // DB_SYNC=normal, i.e. without an fsync per accepted batch (4q vs 4n is what durability costs).
      const variants: Array<{ id: string; name: string; body: string; env: Record<string, string>; target: number | null; what: string }> = [
        { id: '4', name: 'POST /v1/batches 10 ids, 0 ms stages', body: BUSY_BODY, env: {}, target: null, what: 'engine runs every accepted workflow (CONCURRENCY 50) during the test' },
        { id: '4q', name: 'POST 10 ids, default delays', body: QUIET_BODY, env: {}, target: 0.4, what: 'engine nearly idle: POST path alone (validate + durable insert, DB_SYNC=full)' },
        { id: '4n', name: 'POST 10 ids, default delays, DB_SYNC=normal', body: QUIET_BODY, env: { DB_SYNC: 'normal' }, target: null, what: 'as 4q without the fsync per batch' },
      ];
      for (const v of variants) {
        log(`${v.id} POST /v1/batches — ${v.what}: ${o.warmup} s warm-up + ${o.rounds} × ${o.duration} s per side`);
        // A fresh service and DB per variant: no backlog carried from one to the next.
        app = await startApp(join(dir, `post-${v.id}`), v.env, profDir);
        const c = await compare(app, baseline, { method: 'POST', path: '/v1/batches', body: v.body }, { method: 'POST', path: '/v1/batches', body: v.body }, o);
        const warnings = nodeWarnings(app.child.lines());
        const target = v.target === null ? null : { op: '>=' as const, value: v.target };
        rows.push({
          id: v.id, name: v.name, metric: 'req/s app / bare', value: c.ratio, unit: '×', target, pass: verdict(c.ratio, target),
          notes: summarize(c), details: { ...c, body: v.body, scenario: v.what, connections: o.connections, ...(warnings.length ? { nodeWarnings: warnings } : {}) },
        });
        await stopChild(app.child);
        app = undefined;
      }
    }
  } catch (e) {
    log(`http cases failed: ${e instanceof Error ? e.message : String(e)}`);
    rows.push(errorRow('4/5', 'http', 'req/s app / bare', null, e));
  } finally {
    if (app) await stopChild(app.child);
    if (baseline) await stopChild(baseline.child);
    removeTempDir(dir);
  }
  return rows;
}
