#!/usr/bin/env node
// `npm run typecheck`'s second half: type-checks bench/ (bench/tsconfig.json) when its own packages
// (bench/package.json: the peer queues, autocannon) are installed. A fresh clone has not installed
// them (`npm run bench` does, on first need), and their imports could not resolve: then this says
// so in one line and passes, rather than failing every `npm run check` for a tool it does not use.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bench = `${root}bench/`;
if (!existsSync(`${bench}node_modules/.package-lock.json`)) {
  process.stdout.write('bench/ not type-checked: its packages are not installed (npm ci --prefix bench installs them)\n');
} else {
  const tsc = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${bench}tsconfig.json`, '--noEmit'], { stdio: 'inherit' });
  process.exitCode = tsc.status ?? 1;
}
