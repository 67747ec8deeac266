/**
 * `npm run bench [-- --only=engine|http|postgres|tutorial|makespan|throughput|status|post|get|getkey|sse|workers|crm|flow|crm-makespan|1..12|p3|p2|pr ...] [--postgres]`
 *
 * Runs the cases one after another (never two at once: they would measure each other), prints a
 * table, and writes every figure with its context to bench/results/<timestamp>.json.
 * See bench/README.md for what each case means and how to read the ratios.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureBenchPackages } from './bench-packages.js';
import { addCrmComparisons, runCrmCases } from './crm-cases.js';
import { buildService } from './deployed.js';
import { runEngineCase } from './engine-cases.js';
import { runExportCase } from './export-case.js';
import { addComparisons, peersWanted, runPeers } from './peers.js';
import { addPostgresComparisons, postgresCases, runPostgresCases } from './pg-cases.js';
import { runSseCase } from './sse-case.js';
import { runWorkersCase } from './workers-case.js';
import {
  BENCH_DIR, cleanupNow, formatTable, installCleanup, log, parseArgs, ROOT, summarizeProfiles, type CaseResult,
} from './lib.js';

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Which cases run: a case by name or number, or its group; nothing given = everything. */
function wants(only: string[], names: string[]): boolean {
  return only.length === 0 || names.some((n) => only.includes(n));
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  // --postgres: the PostgreSQL cases and the SQLite cases they are compared with (2, 3; no 3n).
  if (o.postgres) {
    o.only = [...new Set([...o.only, 'postgres', '2', '3'])];
    o.normal = false;
  }
  installCleanup();
  // Every case runs the service as deployed: the compiled dist/, rebuilt here when src/ changed.
  buildService();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = join(BENCH_DIR, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const profDir = o.cpuProf ? join(resultsDir, `prof-${stamp}`) : null;
  if (profDir) mkdirSync(profDir, { recursive: true });

  const started = Date.now();
  const load0 = loadavg();
  const rows: CaseResult[] = [];
  const run = async (label: string, f: () => Promise<CaseResult[]>) => {
    const t0 = Date.now();
    log(`${label} …`);
    const got = await f();
    rows.push(...got);
    log(`${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s — ${got.map((r) => `${r.id} ${r.value ?? 'ERR'}${r.unit === '×' ? '×' : ` ${r.unit}`}`).join(', ')}`);
  };

  if (wants(o.only, ['engine', 'tutorial', '1'])) await run('1 tutorial', () => runEngineCase('tutorial', 'full', o, profDir));
  if (wants(o.only, ['engine', 'makespan', '2'])) await run('2 makespan', () => runEngineCase('makespan', 'full', o, profDir));
  if (wants(o.only, ['engine', 'throughput', '3'])) {
    await run('3 throughput DB_SYNC=full', () => runEngineCase('throughput', 'full', o, profDir));
    if (o.normal) await run('3n throughput DB_SYNC=normal', () => runEngineCase('throughput', 'normal', o, profDir));
  }
  if (wants(o.only, ['engine', 'status', '6'])) await run('6 status cost', () => runEngineCase('status', 'full', o, profDir));
  if (wants(o.only, ['engine', 'queued', '9'])) await run('9 memory, 1M queued', () => runEngineCase('queued', 'full', o, profDir));
  if (wants(o.only, ['engine', 'fair', '14', '14k'])) await run('14 fair', () => runEngineCase('fair', 'full', o, profDir));
  const get = wants(o.only, ['http', 'get', '5']);
  const post = wants(o.only, ['http', 'post', '4']);
  const keyed = wants(o.only, ['http', 'getkey', '5k']);
  // autocannon and the peers come from bench/package.json, installed on first need.
  if (get || post || keyed || peersWanted(o)) ensureBenchPackages();
  if (get || post || keyed) {
    const { runHttpCases } = await import('./http-cases.js');
    await run('4/5 http', () => runHttpCases(o, { get, post, keyed }, profDir));
  }
  if (wants(o.only, ['http', 'sse', '7'])) await run('7 sse', () => runSseCase(o, profDir));
  if (wants(o.only, ['workers', '10'])) await run('10 workers', () => runWorkersCase(o, profDir));
  if (wants(o.only, ['export', '13'])) await run('13 export', () => runExportCase(o, profDir));
  const crmFlow = wants(o.only, ['crm', 'flow', '11']);
  const crmMakespan = wants(o.only, ['crm', 'crm-makespan', '12']);
  if (crmFlow || crmMakespan) await run('11/12 crm', () => runCrmCases(o, { flow: crmFlow, makespan: crmMakespan }, profDir));
  // PostgreSQL after SQLite's: in every run when a server answers (else a "skipped" row), --postgres alone.
  const pgCases = postgresCases(o.only);
  if (pgCases.length > 0) await run(`postgres ${pgCases.join(', ')}`, () => runPostgresCases(pgCases, o, profDir));
  // Peers last, on --peers (or when named in --only): never in a plain `npm run bench`.
  if (peersWanted(o)) await run('peers', () => runPeers(o, profDir));
  if (rows.length === 0) throw new Error(`--only=${o.only.join(',')} matched no case (see bench/README.md)`);

  // Case order in the table follows the README, whatever order they ran in; each peer's row sits
  // under the clientflow case it compares with, which its notes then quote.
  rows.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  rows.splice(0, rows.length, ...addComparisons(rows));
  addPostgresComparisons(rows);
  addCrmComparisons(rows);
  const table = formatTable(rows);
  const failed = rows.filter((r) => r.pass === false);
  const errored = rows.filter((r) => r.error);
  const file = join(resultsDir, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify({
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    options: { ...o },
    machine: {
      node: process.version, platform: `${process.platform} ${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null,
      loadavgBefore: load0, loadavgAfter: loadavg(),
    },
    git: { commit: git(['rev-parse', 'HEAD']), dirty: (git(['status', '--porcelain', '--', 'src']) ?? '') !== '' },
    summary: { cases: rows.length, passed: rows.filter((r) => r.pass === true).length, failed: failed.length, errored: errored.length },
    cases: rows,
  }, null, 2)}\n`);

  process.stdout.write(`\n${table}\n\n`);
  process.stdout.write(`${rows.filter((r) => r.pass === true).length} passed, ${failed.length} failed`
    + `${errored.length ? ` (${errored.length} errored)` : ''}; load avg ${load0[0]?.toFixed(2)} → ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores; `
    + `${((Date.now() - started) / 1000).toFixed(0)} s\nresults: ${file}\n`);
  if (profDir) process.stdout.write(`\nCPU profiles in ${profDir} — top self time:\n${summarizeProfiles(profDir)}\n`);
  return errored.length > 0 || (o.strict && failed.length > 0) ? 1 : 0;
}

main().then((code) => {
  cleanupNow();
  process.exitCode = code;
}, (e: unknown) => {
  cleanupNow();
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
