#!/usr/bin/env node
// `npm start`'s prestart: compile src/ to dist/ only when a source is newer than the last build.
//
// Why this and not running the sources through a loader: `npm start` keeps running exactly the
// compiled, type-checked dist/ the container image runs, and a start with no change skips tsc
// (12–27 s on a small machine) for one directory walk. A change to any file under src/, to a
// tsconfig or to package-lock.json (new types) rebuilds; tsc's incremental build info (in dist/,
// so that deleting dist/ rebuilds everything) then recompiles only what the change touched.
// Plain JavaScript, run by node itself, so that the check costs no TypeScript loader start.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.tsbuildinfo');

/** When a file was last changed, or 0 if it does not exist. */
function changedAt(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** The newest change among the inputs of the build. */
function newestSource() {
  const inputs = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((f) => join(root, f));
  for (const entry of readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) inputs.push(join(entry.parentPath, entry.name));
  }
  return Math.max(...inputs.map(changedAt));
}

const built = changedAt(stamp);
if (built > 0 && built >= newestSource()) {
  process.stdout.write('dist/ is up to date with src/: not compiling\n');
} else {
  process.stdout.write(built > 0 ? 'src/ changed since the last build: compiling\n' : 'no build yet: compiling\n');
  const startedAt = new Date();
  const tsc = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  // tsc leaves its build info untouched when nothing needed emitting, so date it here; to the
  // build's start, so that a source saved while tsc ran is still newer and rebuilds next time.
  utimesSync(stamp, startedAt, startedAt);
}
