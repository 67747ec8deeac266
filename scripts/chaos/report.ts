/** The end of a chaos run: a table, up to five examples per failing check, and a JSON summary. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { failedChecks, type CheckResult, type Findings, type ProcessLife } from '../chaos-check.js';
import { log, seconds, type Options } from './options.js';
import type { Crash } from './processes.js';

/** One SIGKILL round (and the stall it carried, if any). */
export interface RoundLog {
  round: number;
  /** The process killed. */
  pid: number;
  /** How long that process had run. */
  upMs: number;
  stallMs: number | null;
  /** The process stopped, when another than the one killed. */
  stalledPid?: number;
  /** Workflows running a stage when the process was killed, per the batch counters. */
  running: number;
  percent: number;
}

export interface Report {
  options: Options;
  batchId: string;
  batchStatus: string;
  /** Exit code (or signal) of each graceful stop at the end: `0` each. */
  stopExits: string[];
  wallMs: number;
  result: CheckResult;
  /** The mode's own lines of the table, before the checks. */
  rows: Array<[string, string]>;
  rounds: RoundLog[];
  processes: ProcessLife[];
  warnings: ReadonlyMap<string, number>;
  /** Server processes that exited though nothing ended them. */
  crashes: Crash[];
}

const CHECKS: Array<{ key: keyof Findings; name: string; postgresOnly?: true }> = [
  { key: 'lost', name: 'lost' },
  { key: 'finishedTwice', name: 'finished twice' },
  { key: 'results', name: 'missing/duplicate results' },
  { key: 'overlaps', name: 'overlapping attempts' },
  { key: 'fencing', name: 'writes after an interrupt (fencing)' },
  { key: 'takenLive', name: 'runs taken from a live process' },
  { key: 'stalls', name: 'stalls not taken over', postgresOnly: true },
  { key: 'eventLog', name: 'event log gaps/differences', postgresOnly: true },
  { key: 'counters', name: 'counter mismatches' },
];

const checks = (o: Options) => CHECKS.filter((c) => !c.postgresOnly || o.store === 'postgres');

/** Failed checks, servers that exited on their own, and graceful stops that did not exit 0. */
export function failures(r: Report): number {
  return failedChecks(r.result.findings) + r.crashes.length + r.stopExits.filter((code) => code !== '0').length;
}

export function printReport(r: Report): void {
  const { findings } = r.result;
  const rows: Array<[string, string]> = [
    ...r.rows,
    ...checks(r.options).map(({ key, name }): [string, string] => [name, String(findings[key].length)]),
    ['servers that exited on their own', String(r.crashes.length)],
    [r.stopExits.length > 1 ? 'graceful stop exit codes' : 'graceful stop exit code', r.stopExits.join(', ') || '-'],
    ['wall time', seconds(r.wallMs)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  log('');
  log(`| ${'check'.padEnd(width)} | result |`);
  log(`| ${'-'.repeat(width)} | ------ |`);
  for (const [k, v] of rows) log(`| ${k.padEnd(width)} | ${v} |`);
  for (const { key, name } of CHECKS) {
    const list = findings[key];
    if (list.length === 0) continue;
    log(`\n${name}: ${list.length}, for example:`);
    for (const f of list.slice(0, 5)) {
      const where = [f.workflowId && `workflow ${f.workflowId}`, f.clientId !== undefined && `client ${f.clientId}`, f.stage && `stage ${f.stage}`]
        .filter(Boolean).join(', ');
      log(`  - ${where ? `${where}: ` : ''}${f.detail}`);
    }
  }
  for (const c of r.crashes.slice(0, 5)) log(`\nserver pid ${c.pid} exited on its own (${c.how}) at ${new Date(c.at).toISOString()}; stderr:\n${c.stderr || '(empty)'}`);
  if (r.warnings.size > 0) {
    log('\nserver warnings (level ≥ warn) by message:');
    for (const [msg, n] of r.warnings) log(`  ${n}× ${msg}`);
  }
}

/** Writes bench/results/chaos-<time>.json (chaos-postgres-<time>.json); returns its path. */
export function writeSummary(root: string, r: Report): string {
  const { findings, stats } = r.result;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `chaos-${r.options.store === 'postgres' ? 'postgres-' : ''}${stamp}.json`);
  const keys = checks(r.options).map((c) => c.key);
  writeFileSync(file, `${JSON.stringify({
    options: r.options, batchId: r.batchId, batchStatus: r.batchStatus,
    gracefulStopExit: r.stopExits.length === 1 ? r.stopExits[0] : r.stopExits,
    wallMs: r.wallMs, stats, table: Object.fromEntries(r.rows),
    counts: Object.fromEntries(keys.map((key) => [key, findings[key].length])),
    // Every finding would be megabytes on a bad run: the first 50 of each kind say enough.
    findings: Object.fromEntries(keys.map((key) => [key, findings[key].slice(0, 50)])),
    rounds: r.rounds, processes: r.processes, crashes: r.crashes, serverWarnings: Object.fromEntries(r.warnings),
  }, null, 2)}\n`);
  return file;
}
