/**
 * The service as deployed. `npm start` runs the compiled dist/ (scripts/build-if-stale.js builds
 * it when a source changed), and so does every case: a service child runs `node dist/server.js`,
 * and a case that wires the service in its own process imports dist/'s modules (typed by their
 * sources). Through tsx, every function the sources create is wrapped to keep its name (esbuild's
 * keepNames: an `Object.defineProperty` per closure made) — about a tenth of a GET's CPU here
 * (bench/README.md), which the service never pays in production.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { log, ROOT } from './lib.js';

/** The server's entry point, relative to the repository (startChild runs it without a loader). */
export const SERVER = 'dist/server.js';

/** Compiles src/ to dist/ when a source is newer than the last build, as `npm start` does. */
export function buildService(): void {
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-if-stale.js')], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  log(out.trim());
}

/** A module of the built service, typed by its source: `deployed<typeof import('../src/config.js')>('config.js')`. */
export const deployed = <T>(path: string): Promise<T> => import(pathToFileURL(join(ROOT, 'dist', path)).href) as Promise<T>;
