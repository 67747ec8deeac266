/**
 * Case 7: do hundreds of open event streams (GET /v1/batches/{id}/events) slow the engine?
 *
 * One service, as deployed (`node dist/server.js`, 127.0.0.1, temp DB, LOG_LEVEL=warn,
 * CONCURRENCY=1000 as in case 3), runs two sides alternately, a fresh batch each round:
 *   (a) POST one batch of 10,000 zero-delay ids, no stream open;
 *   (b) the same, with `--streams` (200) SSE connections to that batch's events URL opened right
 *       after the 202 and read to their end by this (parent) process.
 * Both measure the engine's throughput = ids / (createdAt → finishedAt) as GET /v1/batches/{id}
 * reports it (long-polled with ?wait=60); the figure is (b) / (a).
 *
 * Every stream must deliver the batch's whole event log (counted in the SQLite file, read-only,
 * once the round is over) with the same ids, then `batch.finished`, then end by itself. A round
 * starts only when the previous one's streams have all ended, so no drain spills into the next.
 *
 * The parent scans the streams with Buffer.indexOf (no per-line strings, no JSON.parse) so it
 * stays cheap; its CPU and the service's (/proc/<pid>/stat) are reported for every side, so a
 * parent that became the bottleneck would show up as ≈1.0 cores.
 */
import { get, type ClientRequest } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { json, startApp, type Server } from './app-server.js';
import {
  errorRow, log, makeTempDir, nodeWarnings, procCpuMs, removeTempDir, stopChild, verdict, type BenchOptions, type CaseResult,
} from './lib.js';

/** Ids per measured batch (the default MAX_BATCH_SIZE: one POST's worth). */
const N = 10_000;
/** Ids per warm-up batch (one per side, not measured). */
const WARMUP_N = 1_000;
/** A batch must finish within this; then its streams must end within DRAIN_MS. */
const BATCH_MS = 90_000;
const DRAIN_MS = 240_000;
/** Backstop for the whole case, warm-up included. */
const CASE_MS = 20 * 60_000;

const ZERO = { fetchMs: 0, processMs: 0, storeMs: 0 };

// ---------------------------------------------------------------- one stream

interface Tally {
  status: number;
  bytes: number;
  /** Messages with an `id:` line (the batch's events; `batch.progress` has none). */
  events: number;
  idSum: number;
  /** `event: batch.finished` lines seen. */
  finished: number;
  /** The server ended the response normally. */
  ended: boolean;
  error: string | null;
  /** ms after the stream was opened: headers in, response ended. */
  headersMs: number | null;
  endMs: number | null;
  endedAt: number | null;
  /** Date.now() when the headers came: compared with the batch's finishedAt. */
  headersAt: number | null;
}

const NL = 0x0a;
const ID_LINE = Buffer.from('\nid: ');
const FINISHED_LINE = Buffer.from('\nevent: batch.finished\n');

/**
 * Reads one event stream to its end, counting without building strings: every `id:` line starts
 * with "\n" (the first message, `batch.progress`, has no id) and JSON `data:` never holds a raw
 * newline, so "\nid: " can only be an id line. Only complete lines are scanned; the partial last
 * line (from its "\n") is carried into the next chunk.
 */
function openStream(port: number, path: string): { req: ClientRequest; tally: Tally; done: Promise<void> } {
  const t0 = performance.now();
  const tally: Tally = { status: 0, bytes: 0, events: 0, idSum: 0, finished: 0, ended: false, error: null, headersMs: null, endMs: null, endedAt: null, headersAt: null };
  let carry: Buffer | null = null;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => { resolveDone = resolve; });
  const finish = (error: string | null) => {
    if (tally.endMs !== null) return;
    if (error && !tally.error) tally.error = error;
    tally.endMs = performance.now() - t0;
    tally.endedAt = Date.now();
    resolveDone();
  };
  const req = get({ host: '127.0.0.1', port, path, agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
    tally.status = res.statusCode ?? 0;
    tally.headersMs = performance.now() - t0;
    tally.headersAt = Date.now();
    if (tally.status !== 200) {
      res.resume();
      res.once('end', () => finish(`HTTP ${tally.status}`));
      return;
    }
    res.on('data', (chunk: Buffer) => {
      tally.bytes += chunk.length;
      const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
      const last = buf.lastIndexOf(NL);
      if (last < 0) {
        carry = buf;
        return;
      }
      for (let p = buf.indexOf(ID_LINE); p >= 0 && p < last; p = buf.indexOf(ID_LINE, p + 1)) {
        let id = 0;
        for (let i = p + ID_LINE.length; i < buf.length && buf[i] !== NL; i++) id = id * 10 + ((buf[i] ?? 48) - 48);
        tally.events++;
        tally.idSum += id;
      }
      for (let p = buf.indexOf(FINISHED_LINE); p >= 0 && p < last; p = buf.indexOf(FINISHED_LINE, p + 1)) tally.finished++;
      carry = buf.subarray(last);
    });
    res.once('end', () => {
      tally.ended = true;
      finish(null);
    });
    res.once('aborted', () => finish('aborted by the server'));
    res.once('error', (e) => finish(e.message));
  });
  req.once('error', (e) => finish(e.message));
  req.once('close', () => finish(null));
  return { req, tally, done };
}

// ---------------------------------------------------------------- one side of one round

interface SideRun {
  side: 'a' | 'b';
  batchId: string;
  ids: number;
  status: string;
  createdAt: string;
  finishedAt: string;
  spanMs: number;
  /** Engine throughput: ids / (finishedAt − createdAt). */
  wfps: number;
  /**
   * Cores the service used, and the parent, from the POST until the long-poll answered that the
   * batch finished (with streams open, that answer can come well after finishedAt).
   */
  serverCores: number | null;
  parentCores: number;
  /** Side b: from the batch's finish until the last stream ended, and the parent's cores over the whole side. */
  drainMs: number | null;
  parentCoresWithDrain: number | null;
  /** How long after finishedAt the long-poll's answer arrived. */
  pollLagMs: number;
  /** Side b: cores the service used from the long-poll's answer until the last stream ended. */
  serverCoresDrain: number | null;
  /** Side b: streams whose response headers came before the batch's finishedAt. */
  servedBeforeFinish: number;
  /** The batch's event log in the store, and what each stream delivered. */
  expectedEvents: number;
  streams: Array<Omit<Tally, 'endedAt' | 'headersAt'> & { complete: boolean }>;
}

const clientIds = (n: number, offset: number) => Array.from({ length: n }, (_, i) => offset + i + 1);

async function runSide(
  app: Server, db: Database.Database, side: 'a' | 'b', n: number, streams: number, offset: number,
): Promise<SideRun> {
  const port = Number(new URL(app.base).port);
  const pid = app.child.proc.pid;
  const cpu0 = process.cpuUsage();
  const srv0 = procCpuMs(pid);
  const t0 = performance.now();
  const accepted = await json(await fetch(`${app.base}/v1/batches`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientIds: clientIds(n, offset), label: `bench sse ${side}`, simulation: ZERO }),
  }), 202);
  const batchId = String(accepted.value.id);
  // Right after the 202: the batch is running (or about to), every stream replays from its start.
  const open = side === 'b' ? Array.from({ length: streams }, () => openStream(port, `/v1/batches/${batchId}/events`)) : [];
  try {
    let batch: Record<string, unknown> = accepted.value;
    for (const deadline = Date.now() + BATCH_MS; batch.finishedAt === null || batch.finishedAt === undefined;) {
      if (Date.now() > deadline) throw new Error(`side ${side}: batch ${batchId} not finished within ${BATCH_MS} ms`);
      // A generous client timeout: with the streams replaying, the answer can come long after the
      // batch finished (the figure uses the store's finishedAt, not when this answer arrives).
      batch = (await json(await fetch(`${app.base}/v1/batches/${batchId}?wait=60`, { signal: AbortSignal.timeout(DRAIN_MS) }), 200)).value;
    }
    const t1 = performance.now();
    const pollLagMs = Date.now() - Date.parse(String(batch.finishedAt));
    const cpu1 = process.cpuUsage(cpu0);
    const srv1 = procCpuMs(pid);
    const finishedAt = String(batch.finishedAt);
    const createdAt = String(batch.createdAt);
    const spanMs = Date.parse(finishedAt) - Date.parse(createdAt);

    let drainMs: number | null = null;
    let parentCoresWithDrain: number | null = null;
    let serverCoresDrain: number | null = null;
    if (open.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(open.map((s) => s.done)),
        new Promise<void>((resolve) => { timer = setTimeout(resolve, DRAIN_MS); }),
      ]);
      clearTimeout(timer);
      for (const s of open) if (s.tally.endMs === null) s.req.destroy(new Error(`still open ${DRAIN_MS} ms after the batch finished`));
      await Promise.all(open.map((s) => s.done));
      drainMs = Math.max(...open.map((s) => s.tally.endedAt ?? Date.now())) - Date.parse(finishedAt);
      const cpu2 = process.cpuUsage(cpu0);
      const t2 = performance.now();
      parentCoresWithDrain = (cpu2.user + cpu2.system) / 1_000 / (t2 - t0);
      const srv2 = procCpuMs(pid);
      serverCoresDrain = srv1 === null || srv2 === null ? null : (srv2 - srv1) / (t2 - t1);
    }

    // The ids a stream sees are each event's number in its batch (`n`), not the row key (`id`).
    const stored = db.prepare(`SELECT count(*) AS n, coalesce(sum(e.n), 0) AS idSum
      FROM events e JOIN batches b ON b.seq = e.batch_seq WHERE b.id = ?`).get(batchId) as { n: number; idSum: number };
    const progress = batch.progress as { succeeded: number };
    if (batch.status !== 'succeeded' || progress.succeeded !== n) {
      throw new Error(`side ${side}: batch ${batchId} ended ${String(batch.status)} with ${progress.succeeded}/${n} succeeded`);
    }
    return {
      side, batchId, ids: n, status: String(batch.status), createdAt, finishedAt, spanMs, wfps: (n / spanMs) * 1_000,
      serverCores: srv0 === null || srv1 === null ? null : (srv1 - srv0) / (t1 - t0),
      parentCores: (cpu1.user + cpu1.system) / 1_000 / (t1 - t0),
      pollLagMs, drainMs, parentCoresWithDrain, serverCoresDrain, expectedEvents: stored.n,
      servedBeforeFinish: open.filter((s) => s.tally.headersAt !== null && s.tally.headersAt <= Date.parse(finishedAt)).length,
      streams: open.map(({ tally: { endedAt: _, headersAt: __, ...t } }) => ({
        ...t, complete: t.status === 200 && t.ended && !t.error && t.events === stored.n && t.idSum === stored.idSum && t.finished === 1,
      })),
    };
  } finally {
    for (const s of open) if (s.tally.endMs === null) s.req.destroy();
  }
}

// ---------------------------------------------------------------- the case

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
/** Time from opening a stream to its response headers: "p50 / max ms" over the streams that got them. */
function headers(streams: SideRun['streams']): string {
  const ms = streams.map((t) => t.headersMs).filter((x): x is number => x !== null).sort((x, y) => x - y);
  const none = streams.length - ms.length;
  return ms.length
    ? `${fmt(ms[0] ?? NaN)} / ${fmt(ms[Math.floor(ms.length / 2)] ?? NaN)} / ${fmt(ms[ms.length - 1] ?? NaN)} ms (min/p50/max)${none ? `, ${none} never` : ''}`
    : 'never';
}

export async function runSseCase(o: BenchOptions, profDir: string | null): Promise<CaseResult[]> {
  const target = { op: '>=' as const, value: 0.8 };
  const dir = makeTempDir(o.tmpRoot, 'sse');
  let app: Server | undefined;
  let db: Database.Database | undefined;
  const caseDeadline = Date.now() + CASE_MS;
  try {
    app = await startApp(join(dir, 'sse'), { CONCURRENCY: '1000' }, profDir);
    db = new Database(join(dir, 'sse', 'app.db'), { readonly: true, fileMustExist: true });
    let offset = 0;
    const side = async (s: 'a' | 'b', n: number) => {
      if (Date.now() > caseDeadline) throw new Error(`case budget of ${CASE_MS / 60_000} min spent`);
      const r = await runSide(app as Server, db as Database.Database, s, n, o.streams, offset);
      offset += n;
      return r;
    };
    if (o.warmup > 0) {
      log(`7 sse: warm-up, one batch of ${WARMUP_N.toLocaleString('en-US')} per side`);
      await side('a', WARMUP_N);
      await side('b', WARMUP_N);
    }
    log(`7 sse: ${o.sseRounds} rounds per side of ${N.toLocaleString('en-US')} zero-delay ids, side b with ${o.streams} streams`);
    const a: SideRun[] = [];
    const b: SideRun[] = [];
    for (let r = 0; r < o.sseRounds; r++) {
      for (const s of r % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const)) {
        const run = await side(s, N);
        (s === 'a' ? a : b).push(run);
        log(`7 sse: round ${r + 1} ${s}: ${fmt(run.wfps)} wf/s (${run.spanMs} ms; long-poll answered ${run.pollLagMs} ms after finishedAt), server ${run.serverCores === null ? '?' : round(run.serverCores, 2)} cores, `
          + `parent ${round(run.parentCores, 2)} cores${run.drainMs === null ? '' : `; streams: headers after ${headers(run.streams)}, `
          + `${run.servedBeforeFinish}/${run.streams.length} before the batch finished, `
          + `last ended ${run.drainMs} ms after the batch (service ${round(run.serverCoresDrain ?? NaN, 2)} cores meanwhile), `
          + `${run.streams.filter((t) => !t.complete).length} incomplete; parent ${round(run.parentCoresWithDrain ?? NaN, 2)} cores incl. drain`}`);
      }
    }
    const wfps = (runs: SideRun[]) => (runs.reduce((s, r) => s + r.ids, 0) / runs.reduce((s, r) => s + r.spanMs, 0)) * 1_000;
    const ratio = round(wfps(b) / wfps(a));
    const roundRatios = b.map((rb, i) => round(rb.wfps / (a[i]?.wfps ?? NaN)));
    const streams = b.flatMap((r) => r.streams);
    const incomplete = streams.filter((s) => !s.complete);
    const delivered = streams.map((s) => s.events);
    const expected = [...new Set(b.map((r) => r.expectedEvents))];
    const cores = (runs: SideRun[], k: 'serverCores' | 'parentCores' | 'parentCoresWithDrain') => {
      const xs = runs.map((r) => r[k]).filter((x): x is number => x !== null);
      return xs.length ? round(mean(xs), 2) : null;
    };
    const drain = b.map((r) => r.drainMs ?? NaN);
    const bytesPerStream = mean(streams.map((s) => s.bytes));
    const warnings = nodeWarnings(app.child.lines());
    const summary = {
      ids: N, streams: o.streams, rounds: o.sseRounds, concurrency: 1000,
      wfpsWithout: round(wfps(a), 1), wfpsWith: round(wfps(b), 1), roundRatios,
      serverCoresWithout: cores(a, 'serverCores'), serverCoresWith: cores(b, 'serverCores'),
      parentCoresWith: cores(b, 'parentCores'), parentCoresWithDrain: cores(b, 'parentCoresWithDrain'),
      drainMs: drain, bytesPerStream: Math.round(bytesPerStream),
      ...(warnings.length ? { nodeWarnings: warnings } : {}),
    };
    const complete = incomplete.length === 0;
    return [
      {
        id: '7', name: `engine with ${o.streams} SSE streams`, metric: 'wf/s with / without', value: ratio, unit: '×', target,
        pass: complete ? verdict(ratio, target) : false,
        notes: `${fmt(wfps(b))} vs ${fmt(wfps(a))} wf/s; rounds ${roundRatios.join('/')}; service ${summary.serverCoresWith ?? '?'} vs ${summary.serverCoresWithout ?? '?'} cores, `
          + `parent ${summary.parentCoresWith ?? '?'} cores${complete ? '' : `; ${incomplete.length} INCOMPLETE streams (see 7e)`}`,
        details: { ...summary, without: a.map(({ streams: _, ...r }) => r), with: b.map(({ streams: _, ...r }) => r) },
      },
      {
        id: '7e', name: 'SSE events per stream', metric: 'events (min over streams)', value: Math.min(...delivered), unit: 'events', target: null, pass: null,
        notes: `${complete ? `all ${streams.length} streams` : `${streams.length - incomplete.length}/${streams.length} streams`} got the batch's `
          + `${expected.join('/')} events (ids checked), batch.finished, and ended; ${(bytesPerStream / 1e6).toFixed(1)} MB each; headers after ${headers(streams)}, `
          + `${b.reduce((n, r) => n + r.servedBeforeFinish, 0)}/${streams.length} before their batch finished; `
          + `last stream ended ${drain.map((ms) => (ms / 1_000).toFixed(1)).join('/')} s after the batch`,
        details: {
          expectedEvents: expected, streams: streams.length, incomplete: incomplete.length,
          firstIncomplete: incomplete.slice(0, 5), minEvents: Math.min(...delivered), maxEvents: Math.max(...delivered),
          headersMsMax: Math.max(...streams.map((s) => s.headersMs ?? NaN)), bytesPerStream: Math.round(bytesPerStream),
        },
      },
    ];
  } catch (e) {
    log(`7 sse failed: ${e instanceof Error ? e.message : String(e)}`);
    return [errorRow('7', 'sse', 'wf/s with / without', target, e)];
  } finally {
    db?.close();
    if (app) await stopChild(app.child);
    removeTempDir(dir);
  }
}
