/**
 * The packages only the bench uses (the peer job queues it compares with, autocannon) live in
 * bench/package.json with their own lockfile, so the project's `npm ci` does not install them
 * (about 100 packages). The cases that need them install them here on first use.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, log } from './lib.js';

/** When a file was last changed, or 0 if it does not exist. */
function changedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Runs `npm ci --prefix bench` unless bench/node_modules is installed from the current bench/package-lock.json. */
export function ensureBenchPackages(): void {
  // npm ci writes node_modules/.package-lock.json last: missing or older than the lockfile = (re)install.
  const installed = changedAt(join(BENCH_DIR, 'node_modules', '.package-lock.json'));
  if (installed > 0 && installed >= changedAt(join(BENCH_DIR, 'package-lock.json'))) return;
  log('installing the bench\'s own packages (bench/package.json: peer queues, autocannon) …');
  // No install scripts: none of these needs one (msgpackr-extract, BullMQ's optional native
  // speed-up, is denied in bench/package.json's allowScripts and falls back to JavaScript).
  execFileSync('npm', ['ci', '--prefix', BENCH_DIR, '--ignore-scripts', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}
