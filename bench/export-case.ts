/**
 * Case 13: exporting a 100,000-workflow batch (GET /v1/batches/{id}/results) — every row exactly
 * once, at what rate, and with what resident memory in the service while it streams.
 *
 * One service as deployed (`dist/server.js`, 127.0.0.1, temp SQLite file, DB_SYNC=full,
 * CONCURRENCY=1000, MAX_BATCH_SIZE=100000) runs one batch of 100,000 zero-delay ids to its end.
 * Then, one after another, this (parent) process reads:
 *   13   the NDJSON export, read as fast as it comes;
 *   13c  the CSV export (`Accept: text/csv`), parsed with csv-parse;
 *   13s  the NDJSON export read slowly (one chunk, at most 64 KiB, every 25 ms): the service must wait, not buffer;
 *   13l  the same rows the way a client got them before the export: GET …/workflows?limit=1000
 *        page by page (JSON), as the "before" of this change.
 * Each checks every workflow id once and the client ids in the order sent, and samples the
 * service's VmRSS (/proc/<pid>/status) every 20 ms: start (before the request), peak, end. The
 * rate is rows ÷ the read's wall time. The target is on the growth of the peak over the start.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { json, startApp, type Server } from './app-server.js';
import { errorRow, log, makeTempDir, removeTempDir, stopChild, verdict, type BenchOptions, type CaseResult } from './lib.js';

const N = 100_000;
/** Most the service's RSS may grow while one export streams. */
const GROWTH_MB = 64;
const CASE_MS = 15 * 60_000;

/** The child's resident set, MB (Linux), or null. */
function rssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

interface Sampled<T> { value: T; startMb: number; peakMb: number; endMb: number; ms: number }

/** Runs `read` while sampling the service's RSS every 20 ms. */
async function sampled<T>(server: Server, read: () => Promise<T>): Promise<Sampled<T>> {
  const pid = server.child.proc.pid;
  const startMb = rssMb(pid) ?? NaN;
  let peakMb = startMb;
  const timer = setInterval(() => {
    peakMb = Math.max(peakMb, rssMb(pid) ?? 0);
  }, 20);
  const t0 = performance.now();
  try {
    const value = await read();
    const ms = performance.now() - t0;
    const endMb = rssMb(pid) ?? NaN;
    return { value, startMb, peakMb: Math.max(peakMb, endMb), endMb, ms };
  } finally {
    clearInterval(timer);
  }
}

/** Checks the rows: every workflow once, client ids 0..N-1 in order. Returns the count. */
function checkRows(rows: Array<{ workflowId: string; clientId: string | number }>): number {
  const ids = new Set(rows.map((r) => r.workflowId));
  if (rows.length !== N || ids.size !== N) throw new Error(`expected ${N} distinct rows, got ${rows.length} (${ids.size} distinct)`);
  rows.forEach((r, i) => {
    if (String(r.clientId) !== String(i)) throw new Error(`row ${i} has client ${String(r.clientId)}`);
  });
  return rows.length;
}

async function readNdjson(base: string, id: string, slow: boolean): Promise<number> {
  const res = await fetch(`${base}/v1/batches/${id}/results`);
  if (res.status !== 200) throw new Error(`export answered ${res.status}`);
  const rows: Array<{ workflowId: string; clientId: string | number }> = [];
  let rest = '';
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const lines = (rest + value).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const row = JSON.parse(line) as { workflowId: string; clientId: string | number };
      rows.push({ workflowId: row.workflowId, clientId: row.clientId });
    }
    // A slow reader: one chunk (fetch's, at most 64 KiB) every 25 ms.
    if (slow) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (rest !== '') throw new Error('the export ended mid-row');
  return checkRows(rows);
}

async function readCsv(base: string, id: string): Promise<number> {
  const res = await fetch(`${base}/v1/batches/${id}/results`, { headers: { accept: 'text/csv' } });
  if (res.status !== 200) throw new Error(`export answered ${res.status}`);
  const parser = parse({ columns: true });
  const rows: Array<{ workflowId: string; clientId: string }> = [];
  const parsed = (async () => {
    for await (const record of parser) rows.push({ workflowId: (record as Record<string, string>).workflowId!, clientId: (record as Record<string, string>).clientId! });
  })();
  for await (const chunk of res.body!) {
    if (!parser.write(chunk)) await new Promise((resolve) => parser.once('drain', resolve));
  }
  parser.end();
  await parsed;
  return checkRows(rows);
}

async function readPages(base: string, id: string): Promise<number> {
  const rows: Array<{ workflowId: string; clientId: string | number }> = [];
  let cursor: string | null = null;
  do {
    const page = (await json(await fetch(`${base}/v1/batches/${id}/workflows?limit=1000${cursor ? `&cursor=${cursor}` : ''}`), 200)).value as {
      items: Array<{ id: string; clientId: string | number }>; nextCursor: string | null;
    };
    for (const w of page.items) rows.push({ workflowId: w.id, clientId: w.clientId });
    cursor = page.nextCursor;
  } while (cursor);
  return checkRows(rows);
}

export async function runExportCase(o: BenchOptions, profDir: string | null): Promise<CaseResult[]> {
  const dir = makeTempDir(o.tmpRoot, 'export');
  let app: Server | null = null;
  const deadline = setTimeout(() => app?.child.proc.kill('SIGKILL'), CASE_MS);
  try {
    app = await startApp(join(dir, 'export'), { CONCURRENCY: '1000', MAX_BATCH_SIZE: String(N) }, profDir);
    const { base } = app;
    const posted = await json(await fetch(`${base}/v1/batches`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientIds: Array.from({ length: N }, (_, i) => i), simulation: { fetchMs: 0, processMs: 0, storeMs: 0 } }),
    }), 202);
    const id = posted.value.id as string;
    for (let status = ''; status !== 'succeeded';) {
      status = (await json(await fetch(`${base}/v1/batches/${id}?wait=60`), 200)).value.status as string;
      if (status === 'failed' || status === 'canceled') throw new Error(`the batch ended ${status}`);
    }
    log(`13 export: batch of ${N} finished; exporting`);
    const server = app;
    const runs: Array<[string, string, Sampled<number>]> = [
      ['13', 'export, NDJSON', await sampled(server, () => readNdjson(base, id, false))],
      ['13c', 'export, CSV', await sampled(server, () => readCsv(base, id))],
      ['13s', 'export, NDJSON, slow reader', await sampled(server, () => readNdjson(base, id, true))],
      ['13l', 'paged JSON list (before)', await sampled(server, () => readPages(base, id))],
    ];
    const ndjsonRate = N / (runs[0]![2].ms / 1000);
    return runs.flatMap(([rowId, name, s]) => {
      const rate = Math.round(N / (s.ms / 1000));
      const growth = Math.round((s.peakMb - s.startMb) * 10) / 10;
      const notes = `${N.toLocaleString('en-US')} rows, each once, in order; ${Math.round(s.ms)} ms; RSS start ${s.startMb.toFixed(0)} MB, `
        + `peak ${s.peakMb.toFixed(0)} MB (+${growth}), end ${s.endMb.toFixed(0)} MB`
        + (rowId === '13l' ? `; NDJSON export ÷ this: ${(ndjsonRate / rate).toFixed(2)}×` : '');
      const target = { op: '<=' as const, value: GROWTH_MB };
      return [
        { id: rowId, name, metric: 'rows/s', value: rate, unit: 'rows/s', target: null, pass: null, notes, details: { ...s } },
        ...(rowId === '13l' ? [] : [{
          id: `${rowId}m`, name: `${name}: RSS growth`, metric: 'peak − start RSS', value: growth, unit: 'MB', target,
          pass: verdict(growth, target), notes: `start ${s.startMb.toFixed(0)} MB, peak ${s.peakMb.toFixed(0)} MB, end ${s.endMb.toFixed(0)} MB`, details: {},
        }]),
      ];
    });
  } catch (e) {
    return [errorRow('13', 'export', 'rows/s', null, e instanceof Error && app ? new Error(`${e.message}\n${app.child.tail()}`) : e)];
  } finally {
    clearTimeout(deadline);
    if (app) await stopChild(app.child);
    removeTempDir(dir);
  }
}
